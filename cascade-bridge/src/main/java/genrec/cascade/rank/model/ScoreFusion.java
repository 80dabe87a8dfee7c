package genrec.cascade.rank.model;

import java.util.List;

/**
 * Turns the T task logits of a row into one ranking score:
 *
 * <pre>
 *   score = Σ_t w_t · log σ(z_t)      (σ the logistic function, z_t task t's logit)
 * </pre>
 *
 * that is, the log of the weighted product {@code Π_t p_t^{w_t}} of the task probabilities
 * {@code p_t = σ(z_t)}. With the default weights (1 for the first task, 0 for the others) the
 * order is that of the first task's probability; {@code w = (1, 1)} ranks by the joint
 * probability {@code p_click · p_buy}, and a larger w_t makes task t count more. The score is
 * always finite: {@code log σ(z) = −softplus(−z)} is computed without overflow. Weights come
 * from {@link RankerConfig#fusionWeights()}. Immutable and thread-safe.
 */
public final class ScoreFusion {
  private final float[] weights;

  /** A fusion with one weight per task (finite, not all 0). */
  public ScoreFusion(List<Float> weights) {
    if (weights == null || weights.isEmpty()) {
      throw new IllegalArgumentException("weights must hold one weight per task");
    }
    this.weights = new float[weights.size()];
    boolean any = false;
    for (int t = 0; t < this.weights.length; t++) {
      Float w = weights.get(t);
      if (w == null || !Float.isFinite(w)) {
        throw new IllegalArgumentException("weights=" + weights + " must all be finite");
      }
      this.weights[t] = w;
      any |= w != 0f;
    }
    if (!any) {
      throw new IllegalArgumentException("weights=" + weights + " are all 0");
    }
  }

  /** The fusion of {@code config}'s weights. */
  public static ScoreFusion of(RankerConfig config) {
    return new ScoreFusion(config.fusionWeights());
  }

  /** T. */
  public int numTasks() {
    return weights.length;
  }

  /** w_t. */
  public float weight(int task) {
    return weights[task];
  }

  /** The score of one row's logits {@code z (T)}. */
  public double score(float[] logits) {
    return score(logits, 0);
  }

  /** The score of the T logits at {@code logits[offset .. offset + T)}. */
  public double score(float[] logits, int offset) {
    double s = 0;
    for (int t = 0; t < weights.length; t++) {
      if (weights[t] != 0f) {
        s += weights[t] * logSigmoid(logits[offset + t]);
      }
    }
    return s;
  }

  /** {@code log σ(z) = −(max(−z, 0) + log1p(exp(−|z|)))}, finite for every finite z. */
  public static double logSigmoid(double z) {
    return -(Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))));
  }

  /** {@code σ(z)}, computed without overflow. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
