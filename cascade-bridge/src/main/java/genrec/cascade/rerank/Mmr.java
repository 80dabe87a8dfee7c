package genrec.cascade.rerank;

import java.util.List;
import java.util.Locale;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998) with a sliding window: slot by slot,
 * the eligible candidate with the highest
 *
 * <pre>  gain(i) = θ · rel(i) − (1 − θ) · max over j in W of sim(i, j)</pre>
 *
 * where W is the last {@code window} items placed ({@code window} = 0, or {@code >= k}: every item
 * placed so far), and the max over an empty W is 0, so the first slot goes to the most relevant
 * candidate. {@code rel} is the score min-max normalized over the candidate list to [0, 1] (all 1
 * when every score is equal), so θ weighs relevance against a similarity on the same scale
 * whatever the score's units; {@link Builder#optNormalize(boolean) optNormalize(false)} uses the
 * raw score. Defaults: θ = {@link #DEFAULT_THETA}, whole-slate window, normalized relevance.
 *
 * <p>Cost per call: K similarity rows plus O(N · min(window, K)) per slot.
 */
public final class Mmr implements Reranker {
  public static final double DEFAULT_THETA = 0.5;

  private final double theta;
  private final int window;
  private final boolean normalize;

  private Mmr(Builder b) {
    this.theta = b.theta;
    this.window = b.window;
    this.normalize = b.normalize;
  }

  public double theta() {
    return theta;
  }

  public int window() {
    return window;
  }

  @Override
  public RerankResult rerank(Candidates candidates, int k, List<Rule> rules) {
    SlateFiller.requireK(k);
    Similarity sim = SlateFiller.requireSimilarity(candidates, "MMR");
    int n = candidates.size();
    int w = window == 0 || window >= k ? 0 : window;
    double[] rel = normalize ? Relevance.minMax(candidates) : candidates.scores();
    return SlateFiller.fill(candidates, k, rules, new SlateFiller.Objective() {
      final double[] maxSim = new double[n];
      final double[] row = new double[n];
      final double[][] ring = w == 0 ? null : new double[w][n]; // (w, N) rows of the last w picks
      int picks;

      @Override
      public void gains(Slate slate, double[] out) {
        if (picks == 0) {
          for (int i = 0; i < n; i++) {
            out[i] = theta * rel[i];
          }
          return;
        }
        if (w > 0) {
          int rows = Math.min(picks, w);
          System.arraycopy(ring[0], 0, maxSim, 0, n);
          for (int r = 1; r < rows; r++) {
            double[] sr = ring[r]; // (N)
            for (int i = 0; i < n; i++) {
              maxSim[i] = Math.max(maxSim[i], sr[i]);
            }
          }
        }
        double lambda = 1 - theta;
        for (int i = 0; i < n; i++) {
          out[i] = theta * rel[i] - lambda * maxSim[i];
        }
      }

      @Override
      public void picked(int j, Slate slate, List<String> notes) {
        if (w == 0) {
          sim.row(j, row);
          if (picks == 0) {
            System.arraycopy(row, 0, maxSim, 0, n);
          } else {
            for (int i = 0; i < n; i++) {
              maxSim[i] = Math.max(maxSim[i], row[i]);
            }
          }
        } else {
          sim.row(j, ring[picks % w]);
        }
        picks++;
      }
    });
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "mmr(theta=%s, window=%d)", theta, window);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Mmr}; every field is optional. */
  public static final class Builder {
    private double theta = DEFAULT_THETA;
    private int window;
    private boolean normalize = true;

    private Builder() {}

    /** Weight of relevance against diversity, in [0, 1] (1: by relevance alone). */
    public Builder optTheta(double theta) {
      this.theta = theta;
      return this;
    }

    /** Items placed last that a candidate is compared with (0: all of them). */
    public Builder optWindow(int window) {
      this.window = window;
      return this;
    }

    /** Whether relevance is the min-max normalized score (default) or the raw score. */
    public Builder optNormalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    public Mmr build() {
      SlateFiller.requireTheta(theta, true);
      SlateFiller.requireWindow(window);
      return new Mmr(this);
    }
  }
}
