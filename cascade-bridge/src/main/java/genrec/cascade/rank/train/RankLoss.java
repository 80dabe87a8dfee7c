package genrec.cascade.rank.train;

import ai.djl.ndarray.NDArray;

/** The ranker's training loss. Legend: B rows, T tasks. */
public final class RankLoss {
  private RankLoss() {}

  /**
   * Binary cross-entropy with logits, over the known labels only: {@code Σ mask · bce(z, y) /
   * max(1, Σ mask)} with the stable form {@code bce(z, y) = max(z, 0) − z·y + log(1 +
   * exp(−|z|))}. Every known (row, task) label counts once, so a task with more known labels
   * weighs more.
   *
   * @param logits {@code (B, T)}
   * @param labels {@code (B, T)} in {0, 1}
   * @param mask {@code (B, T)}, 1 where the label is known
   * @return the mean loss {@code ()}
   */
  public static NDArray maskedBce(NDArray logits, NDArray labels, NDArray mask) {
    NDArray bce = logits.maximum(0f) // (B, T)
        .sub(logits.mul(labels)) // (B, T)
        .add(logits.abs().neg().exp().add(1f).log()); // (B, T)
    return bce.mul(mask).sum().div(mask.sum().maximum(1f)); // ()
  }
}
