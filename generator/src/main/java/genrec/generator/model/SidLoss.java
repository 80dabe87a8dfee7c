package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Teacher-forced cross-entropy over the decoder steps. Legend: B batch, T steps, K codebook size.
 */
public final class SidLoss {
  private SidLoss() {}

  /**
   * Mean over batch and steps of {@code -log softmax(logits)[target]}.
   *
   * @param logits {@code (B, T, K)}
   * @param targets code indices {@code (B, T)} (int)
   * @return scalar loss
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets) {
    int k = (int) logits.getShape().get(2);
    NDArray logp = logits.logSoftmax(-1); // (B, T, K)
    NDArray oneHot = targets.oneHot(k).toType(DataType.FLOAT32, false); // (B, T, K)
    return logp.mul(oneHot).sum(new int[] {2}).mean().neg(); // ()
  }

  /**
   * Weighted mean over rows of the per-row mean over steps of {@code -log softmax(logits)[target]}:
   * {@code sum_b w_b · ce_b / sum_b w_b}. Rows of weight 0 (padding) contribute nothing.
   *
   * @param logits {@code (B, T, K)}
   * @param targets code indices {@code (B, T)} (int)
   * @param weights {@code (B)} float, not all zero
   * @return scalar loss
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray weights) {
    int k = (int) logits.getShape().get(2);
    NDArray logp = logits.logSoftmax(-1); // (B, T, K)
    NDArray oneHot = targets.oneHot(k).toType(DataType.FLOAT32, false); // (B, T, K)
    NDArray perRow = logp.mul(oneHot).sum(new int[] {2}).mean(new int[] {1}).neg(); // (B)
    return perRow.mul(weights).sum().div(weights.sum()); // ()
  }
}
