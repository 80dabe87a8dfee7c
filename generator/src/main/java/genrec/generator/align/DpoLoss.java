package genrec.generator.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Direct Preference Optimization (Rafailov et al., 2023) over semantic IDs. With {@code z =
 * β[(log πθ(y_w) − log π_ref(y_w)) − (log πθ(y_l) − log π_ref(y_l))]} the loss of a pair is
 * {@code −log σ(z) = softplus(−z)}; {@code log π(y)} sums the log-probabilities of y's codes
 * (teacher forcing). Legend: B pairs, T steps (levels), K codebook size.
 */
public final class DpoLoss {
  private DpoLoss() {}

  /**
   * Summed log-probability of each row's target codes.
   *
   * @param logits {@code (B, T, K)}
   * @param targets code indices {@code (B, T)} (int)
   * @return {@code (B)}
   */
  public static NDArray sequenceLogProb(NDArray logits, NDArray targets) {
    int k = (int) logits.getShape().get(2);
    NDArray logp = logits.logSoftmax(-1); // (B, T, K)
    NDArray oneHot = targets.oneHot(k).toType(DataType.FLOAT32, false); // (B, T, K)
    return logp.mul(oneHot).sum(new int[] {1, 2}); // (B)
  }

  /**
   * The implied reward margins {@code z} of the pairs.
   *
   * @param policyChosen {@code log πθ(y_w)} {@code (B)}
   * @param policyRejected {@code log πθ(y_l)} {@code (B)}
   * @param refChosen {@code log π_ref(y_w)} {@code (B)}
   * @param refRejected {@code log π_ref(y_l)} {@code (B)}
   * @return {@code (B)}
   */
  public static NDArray margins(NDArray policyChosen, NDArray policyRejected, NDArray refChosen,
      NDArray refRejected, float beta) {
    return policyChosen.sub(refChosen).sub(policyRejected.sub(refRejected)).mul(beta); // (B)
  }

  /** Mean over pairs of {@code softplus(−z)} for the margins {@code z} of {@link #margins}. */
  public static NDArray loss(NDArray policyChosen, NDArray policyRejected, NDArray refChosen,
      NDArray refRejected, float beta) {
    return fromMargins(margins(policyChosen, policyRejected, refChosen, refRejected, beta));
  }

  /** Mean of {@code −log σ(z) = max(−z, 0) + log(1 + e^{−|z|})}, stable for large |z|. */
  public static NDArray fromMargins(NDArray z) {
    NDArray x = z.neg(); // (B)
    return x.maximum(0f).add(x.abs().neg().exp().add(1f).log()).mean(); // ()
  }
}
