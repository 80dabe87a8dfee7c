package genrec.cascade.rerank;

import java.util.List;
import java.util.Locale;

/**
 * Greedy MAP inference of a determinantal point process with incremental Cholesky updates (Chen,
 * Zhang and Zhou, "Fast Greedy MAP Inference for Determinantal Point Process to Improve
 * Recommendation Diversity", NeurIPS 2018, Algorithms 1 and 2).
 *
 * <p><b>Kernel.</b> {@code L = diag(q) · S · diag(q)} with S the candidates' {@link Similarity}
 * and the quality
 *
 * <pre>  q(i) = exp(α · score(i)),   α = θ / (2 (1 − θ)),   θ in [0, 1)</pre>
 *
 * so that {@code log det L_Y = (θ / (1 − θ)) · Σ_{i in Y} score(i) + log det S_Y}: maximizing it is
 * maximizing {@code θ · Σ score + (1 − θ) · log det S_Y} (the paper's trade-off, Section 4). θ = 0
 * is diversity alone; θ near 1 approaches score order. The scores enter in their own units (e.g.
 * log-probabilities); the maximum score is subtracted before the exponential, which scales L_Y
 * by a constant for each slate size and changes no choice. Default θ = {@link #DEFAULT_THETA}.
 *
 * <p><b>Greedy step.</b> Each slot takes the eligible candidate with the largest
 * {@code d²(i) = det L_{Y ∪ {i}} / det L_Y} (the largest gain in log det), where Y is every item
 * placed so far, or with a window w (1 <= w < k) only the last w placed: the sliding-window
 * variant (Algorithm 2; the paper's window size counts the candidate too, so it is our w + 1).
 * Per slot, the candidate's row of the Cholesky factor is extended for all N candidates in
 * O(N · |Y|); leaving the window, the oldest item is removed from the factor by Givens rotations
 * in O(N · w). With K rows of S read, a call costs O(N K²) (O(N K w) windowed) plus the K rows.
 *
 * <p><b>Exhausted kernel.</b> When every eligible candidate has {@code d² < ε} (default
 * {@link #DEFAULT_EPSILON}: L_Y ∪ {i} is numerically singular, e.g. duplicates or more slots than
 * the similarity's rank), the slot goes to the eligible candidate with the highest score and that
 * item is left out of the factor; the result's notes record the slot.
 *
 * <p>Working memory per call: K x N doubles for the factor rows, K x K for the window's factor,
 * four N-vectors.
 */
public final class Dpp implements Reranker {
  public static final double DEFAULT_THETA = 0.5;
  public static final double DEFAULT_EPSILON = 1e-10;

  private final double theta;
  private final double alpha;
  private final int window;
  private final double epsilon;

  private Dpp(Builder b) {
    this.theta = b.theta;
    this.alpha = theta / (2 * (1 - theta));
    this.window = b.window;
    this.epsilon = b.epsilon;
  }

  public double theta() {
    return theta;
  }

  /** The quality exponent α = θ / (2 (1 − θ)). */
  public double alpha() {
    return alpha;
  }

  public int window() {
    return window;
  }

  @Override
  public RerankResult rerank(Candidates candidates, int k, List<Rule> rules) {
    SlateFiller.requireK(k);
    Similarity sim = SlateFiller.requireSimilarity(candidates, "DPP");
    int w = window == 0 || window >= k ? 0 : window;
    return SlateFiller.fill(candidates, k, rules,
        new Greedy(sim, Relevance.expQuality(candidates, alpha), Math.min(k, candidates.size()), w, epsilon));
  }

  /** One call's factor. Legend: N candidates, K slots, rows of the factor indexed lo..hi-1. */
  private static final class Greedy implements SlateFiller.Objective {
    private final Similarity sim;
    private final double[] q; // (N) quality
    private final double[] d2; // (N) det L_{Y+i} / det L_Y
    private final double[] row; // (N) similarity row scratch
    private final double[][] c; // (K, N): row r = factor column r for every candidate
    private final double[] v; // (K, K): the window items' own factor (windowed only)
    private final int n;
    private final int k;
    private final int w;
    private final double epsilon;
    private int lo;
    private int hi;

    Greedy(Similarity sim, double[] q, int k, int w, double epsilon) {
      this.sim = sim;
      this.q = q;
      this.n = q.length;
      this.k = k;
      this.w = w;
      this.epsilon = epsilon;
      this.d2 = new double[n];
      for (int i = 0; i < n; i++) {
        d2[i] = q[i] * q[i]; // L_ii, S_ii = 1
      }
      this.row = new double[n];
      this.c = new double[k][n]; // separate rows: same-index loops over two arrays vectorize
      this.v = w == 0 ? null : new double[k * k];
    }

    @Override
    public void gains(Slate slate, double[] out) {
      for (int i = 0; i < n; i++) {
        // below epsilon: after every candidate above it, by quality
        out[i] = d2[i] >= epsilon ? d2[i] : -1.0 / (1.0 + q[i]);
      }
    }

    @Override
    public void picked(int j, Slate slate, List<String> notes) {
      if (d2[j] < epsilon) {
        notes.add(String.format(Locale.ROOT,
            "slot %d: DPP kernel exhausted (d2=%.3g < epsilon=%.3g); placed by score", slate.size() - 1, d2[j], epsilon));
        return;
      }
      double dj = Math.sqrt(d2[j]);
      if (v != null) {
        for (int r = lo; r < hi; r++) {
          v[hi * k + r] = c[r][j];
        }
        v[hi * k + hi] = dj;
      }
      sim.row(j, row); // (N)
      double[] e = c[hi]; // (N)
      double qj = q[j];
      for (int i = 0; i < n; i++) {
        e[i] = qj * q[i] * row[i]; // L_ji
      }
      for (int r = lo; r < hi; r++) {
        double[] cr = c[r]; // (N)
        double cj = cr[j];
        for (int i = 0; i < n; i++) {
          e[i] -= cj * cr[i]; // L_ji - <c_j, c_i>
        }
      }
      double inv = 1.0 / dj;
      for (int i = 0; i < n; i++) {
        e[i] *= inv;
        d2[i] -= e[i] * e[i];
      }
      hi++;
      if (w > 0 && hi - lo > w) {
        dropOldest();
      }
    }

    /** Removes factor column lo (the oldest window item): rank-one update by Givens rotations. */
    private void dropOldest() {
      double[] old = c[lo]; // (N)
      for (int ind = lo + 1; ind < hi; ind++) {
        double a = v[ind * k + ind];
        double b = v[ind * k + lo];
        double t = Math.sqrt(a * a + b * b);
        double cos = t / a;
        double sin = b / a;
        v[ind * k + ind] = t;
        for (int r = ind + 1; r < hi; r++) {
          double vi = (v[r * k + ind] + sin * v[r * k + lo]) / cos;
          v[r * k + lo] = cos * v[r * k + lo] - sin * vi;
          v[r * k + ind] = vi;
        }
        double[] cur = c[ind]; // (N)
        for (int i = 0; i < n; i++) {
          double ci = (cur[i] + sin * old[i]) / cos;
          old[i] = cos * old[i] - sin * ci;
          cur[i] = ci;
        }
      }
      for (int i = 0; i < n; i++) {
        d2[i] += old[i] * old[i];
      }
      lo++;
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "dpp(theta=%s, window=%d)", theta, window);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Dpp}; every field is optional. */
  public static final class Builder {
    private double theta = DEFAULT_THETA;
    private int window;
    private double epsilon = DEFAULT_EPSILON;

    private Builder() {}

    /** Weight of relevance against diversity, in [0, 1). */
    public Builder optTheta(double theta) {
      this.theta = theta;
      return this;
    }

    /** Items placed last that the determinant spans besides the candidate (0: all of them). */
    public Builder optWindow(int window) {
      this.window = window;
      return this;
    }

    /** The smallest d² that still counts as a gain in log det. */
    public Builder optEpsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public Dpp build() {
      SlateFiller.requireTheta(theta, false);
      SlateFiller.requireWindow(window);
      if (!(epsilon > 0) || epsilon >= 1 || !Double.isFinite(epsilon)) {
        throw new IllegalArgumentException("epsilon=" + epsilon + " must be in (0, 1)");
      }
      return new Dpp(this);
    }
  }
}
