package genrec.generator.baseline;

import genrec.generator.eval.Recommender;
import genrec.quantizer.embed.EmbeddingMatrix;

/**
 * Content-based nearest neighbours: the items whose text vectors (e.g. MiniLM) are closest by
 * cosine to the user's most recent items. It needs no interactions, so it reaches items nobody
 * has bought yet (cold start), which item-CF and popularity never rank.
 *
 * <p>Scoring. Let {@code h_1..h_n} be the history (oldest first), {@code L = min(lastN, n)} and
 * {@code u_i} item i's vector scaled to unit length. The most recent item gets weight 1, the one
 * before it {@code decay}, then {@code decay^2}, and so on, normalised to sum to 1:
 *
 * <pre>
 *   w_t = decay^t / (decay^0 + ... + decay^(L-1)),   t = 0 .. L-1   (t = 0 is h_n)
 *   score(j) = sum_t w_t * cos(u_j, u_{h_(n-t)}) = u_j . q,   q = sum_t w_t * u_{h_(n-t)}
 * </pre>
 *
 * so a score is a weighted mean cosine in [-1, 1] and one pass over the catalogue scores every
 * item. With the defaults (last 3, decay 0.5) the weights are 4/7, 2/7, 1/7. An all-zero vector
 * stays zero (cosine 0 with everything). History items are excluded ({@code -Infinity}); an
 * empty history scores every item 0.
 *
 * <p>Immutable and thread-safe.
 */
public final class ContentKnn implements Recommender {
  private final int numItems;
  private final int dim;
  private final float[] unit; // (numItems * dim) row-major, rows of length 1 (or 0)
  private final Options options;

  /**
   * Options.
   *
   * @param lastN how many of the most recent history items form the query, at least 1
   * @param decay weight ratio between an item and the one after it, in (0, 1] (1 = plain mean)
   */
  public record Options(int lastN, double decay) {
    public Options {
      if (lastN < 1) {
        throw new IllegalArgumentException("lastN=" + lastN + " must be >= 1");
      }
      if (!(decay > 0 && decay <= 1)) {
        throw new IllegalArgumentException("decay=" + decay + " must be in (0, 1]");
      }
    }

    /** The last 3 items, weights 4/7, 2/7, 1/7 (decay 0.5). */
    public static Options defaults() {
      return new Options(3, 0.5);
    }
  }

  private ContentKnn(int numItems, int dim, float[] unit, Options options) {
    this.numItems = numItems;
    this.dim = dim;
    this.unit = unit;
    this.options = options;
  }

  /**
   * The index over {@code vectors}, whose row i is item i's vector (dense item index order, as
   * the catalogue); rows need not be normalised.
   */
  public static ContentKnn of(EmbeddingMatrix vectors, Options options) {
    return of(vectors.data(), vectors.dim(), options);
  }

  /** The index over {@code data.length / dim} row-major vectors, row i for item i. */
  public static ContentKnn of(float[] data, int dim, Options options) {
    java.util.Objects.requireNonNull(options, "options");
    if (dim < 1 || data.length % dim != 0) {
      throw new IllegalArgumentException("vector data of " + data.length
          + " floats is not a whole number of rows of dim=" + dim);
    }
    int n = data.length / dim;
    float[] unit = new float[data.length];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        float v = data[i * dim + k];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("vector of item " + i + " has " + v
              + " at column " + (k + 1));
        }
        norm += (double) v * v;
      }
      if (norm > 0) {
        float inv = (float) (1 / Math.sqrt(norm));
        for (int k = 0; k < dim; k++) {
          unit[i * dim + k] = data[i * dim + k] * inv;
        }
      }
    }
    return new ContentKnn(n, dim, unit, options);
  }

  /**
   * Item {@code item}'s vector scaled to unit length (zero when its vector was zero): the one
   * normalisation of the text vectors, which the re-ranker's text similarity reads too.
   */
  public float[] unitVector(int item) {
    java.util.Objects.checkIndex(item, numItems);
    return java.util.Arrays.copyOfRange(unit, item * dim, (item + 1) * dim);
  }

  @Override
  public String name() {
    return "ContentKNN";
  }

  @Override
  public int numItems() {
    return numItems;
  }

  public Options options() {
    return options;
  }

  /** Cosine similarity of two items' vectors (0 when either is all zeros). */
  public float cosine(int a, int b) {
    return dot(a * dim, b * dim);
  }

  /**
   * The recency weights for a history of {@code historyLength} items: index 0 belongs to the
   * most recent item; {@code min(lastN, historyLength)} weights summing to 1.
   */
  public double[] weights(int historyLength) {
    int l = Math.min(options.lastN(), historyLength);
    double[] w = new double[l];
    double sum = 0;
    for (int t = 0; t < l; t++) {
      w[t] = Math.pow(options.decay(), t);
      sum += w[t];
    }
    for (int t = 0; t < l; t++) {
      w[t] /= sum;
    }
    return w;
  }

  @Override
  public void score(int[] history, float[] scores) {
    for (int i : history) {
      if (i < 0 || i >= numItems) {
        throw new IllegalArgumentException("history item " + i + " outside catalogue of " + numItems);
      }
    }
    java.util.Arrays.fill(scores, 0f);
    double[] w = weights(history.length);
    if (w.length > 0) {
      float[] q = new float[dim]; // (D) the weighted mean of the recent items' unit vectors
      for (int t = 0; t < w.length; t++) {
        int base = history[history.length - 1 - t] * dim;
        for (int k = 0; k < dim; k++) {
          q[k] += (float) w[t] * unit[base + k];
        }
      }
      for (int j = 0; j < numItems; j++) {
        scores[j] = dotQuery(j * dim, q);
      }
    }
    for (int i : history) {
      scores[i] = Float.NEGATIVE_INFINITY;
    }
  }

  private float dot(int a, int b) {
    float s = 0;
    for (int k = 0; k < dim; k++) {
      s += unit[a + k] * unit[b + k];
    }
    return s;
  }

  /** {@code u_row . q} with four partial sums (the catalogue pass is the hot loop). */
  private float dotQuery(int base, float[] q) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int k = 0;
    for (; k + 3 < dim; k += 4) {
      s0 += unit[base + k] * q[k];
      s1 += unit[base + k + 1] * q[k + 1];
      s2 += unit[base + k + 2] * q[k + 2];
      s3 += unit[base + k + 3] * q[k + 3];
    }
    for (; k < dim; k++) {
      s0 += unit[base + k] * q[k];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
