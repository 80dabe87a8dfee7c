package genrec.cascade.rank.features;

import ai.djl.ndarray.NDArray;

/**
 * One batch of ranking rows as tensors, all in the manager the caller gave {@link
 * RankRows#batch}. Legend: B rows, F dense features, L history positions, T tasks; ids are
 * index + 1 with 0 for unknown or padding.
 *
 * @param dense {@code (B, F)} float32, numeric features, already scaled
 * @param item {@code (B)} int32, candidate item id
 * @param codes {@code (B, 3)} int32, candidate codes c1, c2, c3
 * @param histItem {@code (B, L)} int32, history item ids, right-aligned, 0-padded
 * @param histCodes {@code (B, L, 3)} int32, history codes
 * @param histMask {@code (B, L)} float32, 1 for real history positions
 * @param labels {@code (B, T)} float32 in {0, 1}, or null (scoring)
 * @param labelMask {@code (B, T)} float32, 1 where the label is known, or null (scoring)
 */
public record RankBatch(
    NDArray dense,
    NDArray item,
    NDArray codes,
    NDArray histItem,
    NDArray histCodes,
    NDArray histMask,
    NDArray labels,
    NDArray labelMask) {

  /** Rows B. */
  public int size() {
    return (int) item.getShape().get(0);
  }

  /** Whether labels (and their mask) are present. */
  public boolean hasLabels() {
    return labels != null;
  }
}
