package genrec.generator.bench;

import genrec.generator.model.GeneratorConfig;

/**
 * Analytic floating-point operations of one beam-search call (a multiply-add counts 2; norms,
 * softmax, embedding look-ups and beam bookkeeping are not counted). Symbols: U users, W beam
 * width, S encoder positions, d = dModel, A = heads × headDim, F = MLP width, K = codebook size,
 * Le / Ld encoder / decoder layers, L decoding steps (levels).
 *
 * <ul>
 *   <li>encoder, per user and layer: q/k/v/out projections {@code 8·S·d·A}, attention scores and
 *       mixing {@code 4·S²·A}, MLP {@code 4·S·d·F};
 *   <li>cached decoding: cross-attention keys/values once per user and layer {@code 4·S·d·A};
 *       per step row and layer: self projections {@code 8·d·A}, self attention over the t+1
 *       cached positions {@code 4·(t+1)·A}, cross q/out {@code 4·d·A}, cross attention {@code
 *       4·S·A}, MLP {@code 4·d·F}; output head {@code 2·d·K}. Step 0 has U rows, later steps U·W.
 *   <li>uncached decoding: at step t every row recomputes its whole prefix (t+1 positions) and the
 *       cross-attention keys/values {@code 4·S·d·A} per row and layer.
 * </ul>
 */
public final class DecodeFlops {
  private DecodeFlops() {}

  /** FLOPs of encoding {@code users} histories. */
  public static double encoder(GeneratorConfig c, int users) {
    double s = c.encoderLength();
    double d = c.dModel();
    double a = c.attentionDim();
    double f = c.mlpDim();
    return users * c.encoderLayers() * (8 * s * d * a + 4 * s * s * a + 4 * s * d * f);
  }

  /** FLOPs of one beam-search call for {@code users} users at beam width {@code beam}. */
  public static double call(GeneratorConfig c, int users, int beam, boolean cached) {
    double s = c.encoderLength();
    double d = c.dModel();
    double a = c.attentionDim();
    double f = c.mlpDim();
    double k = c.codebookSize();
    int layers = c.decoderLayers();
    double total = encoder(c, users);
    if (cached) {
      total += users * layers * 4 * s * d * a;
    }
    for (int t = 0; t < c.levels(); t++) {
      double rows = t == 0 ? users : (double) users * beam;
      double perRow;
      if (cached) {
        perRow = layers * (8 * d * a + 4 * (t + 1) * a + 4 * d * a + 4 * s * a + 4 * d * f);
      } else {
        double n = t + 1;
        perRow = layers * (n * 8 * d * a + 4 * n * n * a + n * 4 * d * a + 4 * s * d * a
            + 4 * n * s * a + n * 4 * d * f);
      }
      total += rows * (perRow + 2 * d * k);
    }
    return total;
  }
}
