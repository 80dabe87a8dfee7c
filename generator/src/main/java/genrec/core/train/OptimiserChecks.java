package genrec.core.train;

/**
 * The checks every training config makes of its batch size and AdamW settings, each bad value
 * named ({@code "beta1=1.0 must be in [0, 1)"}), so that the generator's, DPO's and the ranker's
 * configs say the same thing about the same mistake. A value of -1 for the batch size or the
 * learning rate is a builder's "not set".
 */
public final class OptimiserChecks {
  private OptimiserChecks() {}

  /**
   * Appends {@code "name=value must ...; "} to {@code bad} for every bad value.
   *
   * @param clipNorm global-norm clipping threshold, 0 = off
   */
  public static void check(StringBuilder bad, int batchSize, float learningRate,
      float weightDecay, float beta1, float beta2, float epsilon, float clipNorm) {
    if (batchSize < 1) {
      bad.append("batchSize=").append(batchSize)
          .append(batchSize == -1 ? " is required; " : " must be >= 1; ");
    }
    if (!(learningRate > 0f) || !Float.isFinite(learningRate)) {
      bad.append("learningRate=").append(learningRate)
          .append(learningRate == -1f ? " is required; " : " must be > 0; ");
    }
    if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
      bad.append("weightDecay=").append(weightDecay).append(" must be >= 0; ");
    }
    if (!(beta1 >= 0f && beta1 < 1f)) {
      bad.append("beta1=").append(beta1).append(" must be in [0, 1); ");
    }
    if (!(beta2 >= 0f && beta2 < 1f)) {
      bad.append("beta2=").append(beta2).append(" must be in [0, 1); ");
    }
    if (!(epsilon > 0f)) {
      bad.append("epsilon=").append(epsilon).append(" must be > 0; ");
    }
    if (!(clipNorm >= 0f) || !Float.isFinite(clipNorm)) {
      bad.append("clipNorm=").append(clipNorm).append(" must be >= 0 (0 = off); ");
    }
  }

  /** Throws the messages collected in {@code bad}, if any, as one error. */
  public static void throwIfAny(StringBuilder bad) {
    if (bad.length() > 0) {
      throw new IllegalArgumentException(bad.substring(0, bad.length() - 2));
    }
  }
}
