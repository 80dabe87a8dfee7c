package genrec.quantizer.embed;

/**
 * Mixes collaborative signal into text embeddings before quantization: each item's vector
 * becomes {@code (1 − w)·t(i) + w·Σ_j s(i,j)·t(j) / Σ_j s(i,j)} over its item-CF neighbours j
 * (similarities s from training interactions), then is scaled back to unit length. Items that
 * were bought together move towards each other, so they tend to share semantic-ID prefixes; an
 * item with no neighbours (e.g. a new item) keeps its text vector. That is the same space, but
 * not the same place: the larger w, the less often an item's text vector alone gets the codes of
 * its mixed vector ({@code genrec quantize} prints the share, see {@code PrefixAgreement}). One
 * weighted neighbour average, the propagation step of a one-layer graph convolution.
 */
public final class NeighbourMix {
  /** Neighbours of an item, with their similarities (same length, similarities > 0). */
  public interface Neighbours {
    int[] items(int item);

    float[] similarities(int item);
  }

  private NeighbourMix() {}

  /**
   * @param text item text embeddings, rows in item-index order
   * @param neighbours item-CF neighbours by item index (row of {@code text})
   * @param weight w in [0, 1): 0 returns the text vectors (unit-normalised)
   * @param maxNeighbours at most this many neighbours per item, most similar first as given (0 =
   *     all)
   * @return the mixed embeddings, unit length, same ids
   */
  public static EmbeddingMatrix mix(EmbeddingMatrix text, Neighbours neighbours, double weight,
      int maxNeighbours) {
    if (!(weight >= 0 && weight < 1)) {
      throw new IllegalArgumentException("weight=" + weight + " must be in [0, 1)");
    }
    if (maxNeighbours < 0) {
      throw new IllegalArgumentException("maxNeighbours=" + maxNeighbours + " must be >= 0");
    }
    int n = text.rows();
    int d = text.dim();
    float[] src = text.data();
    float[] out = new float[src.length];
    double[] avg = new double[d];
    for (int i = 0; i < n; i++) {
      int[] nb = neighbours.items(i);
      float[] sim = neighbours.similarities(i);
      if (nb.length != sim.length) {
        throw new IllegalArgumentException("item " + i + ": " + nb.length + " neighbours but "
            + sim.length + " similarities");
      }
      int k = maxNeighbours == 0 ? nb.length : Math.min(maxNeighbours, nb.length);
      java.util.Arrays.fill(avg, 0);
      double total = 0;
      for (int j = 0; j < k; j++) {
        if (nb[j] == i || !(sim[j] > 0)) {
          continue;
        }
        if (nb[j] < 0 || nb[j] >= n) {
          throw new IllegalArgumentException("item " + i + " has neighbour " + nb[j]
              + " outside [0, " + n + ")");
        }
        total += sim[j];
        int off = nb[j] * d;
        for (int c = 0; c < d; c++) {
          avg[c] += sim[j] * src[off + c];
        }
      }
      double w = total > 0 ? weight : 0;
      double norm = 0;
      int at = i * d;
      for (int c = 0; c < d; c++) {
        double v = (1 - w) * src[at + c] + (total > 0 ? w * avg[c] / total : 0);
        out[at + c] = (float) v;
        norm += v * v;
      }
      if (norm > 0) {
        float inv = (float) (1 / Math.sqrt(norm));
        for (int c = 0; c < d; c++) {
          out[at + c] *= inv;
        }
      }
    }
    return new EmbeddingMatrix(text.ids(), d, out);
  }
}
