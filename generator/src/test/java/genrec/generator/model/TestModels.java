package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Fixed-weight models and random catalogues shared by the model and decode tests. */
public final class TestModels {
  private TestModels() {}

  /**
   * A model whose every weight is drawn from a seeded {@link Random}: uniform in ±{@code scale}
   * for matrices and tables, 1 ± 0.1 for norm gains. Weights live in {@code manager}.
   */
  public static SidTransformer randomModel(GeneratorConfig config, NDManager manager, long seed,
      float scale) {
    SidTransformer model = new SidTransformer(config);
    model.initialize(manager);
    Random r = new Random(seed);
    for (Pair<String, Parameter> p : model.getParameters()) {
      NDArray a = p.getValue().getArray();
      float[] v = new float[(int) a.size()];
      boolean gain = p.getValue().getType() == Parameter.Type.GAMMA;
      for (int i = 0; i < v.length; i++) {
        float u = r.nextFloat() * 2f - 1f;
        v[i] = gain ? 1f + 0.1f * u : scale * u;
      }
      try (NDArray values = manager.create(v, a.getShape())) {
        // copy into the parameter's own native memory (NDArray.set(float[]) would re-point the
        // tensor at a Java direct buffer kept alive only by the wrapper)
        values.copyTo(a);
      }
    }
    return model;
  }

  /**
   * Parameter name → values (row-major), read from the model. DJL prefixes each child block name
   * with its two-digit position ({@code 02encoder_03layer1_...}); the prefixes are dropped here.
   */
  public static Map<String, float[]> weights(SidTransformer model) {
    Map<String, float[]> w = new HashMap<>();
    for (Pair<String, Parameter> p : model.getParameters()) {
      w.put(p.getKey().replaceAll("(^|_)\\d\\d(?=[A-Za-z])", "$1"), p.getValue().getArray().toFloatArray());
    }
    return w;
  }

  /** {@code n} distinct random code tuples of length {@code levels} in [0, K). */
  public static int[][] randomCodes(int n, int levels, int k, long seed) {
    Random r = new Random(seed);
    Set<String> seen = new HashSet<>();
    int[][] codes = new int[n][levels];
    for (int i = 0; i < n; i++) {
      do {
        for (int l = 0; l < levels; l++) {
          codes[i][l] = r.nextInt(k);
        }
      } while (!seen.add(java.util.Arrays.toString(codes[i])));
    }
    return codes;
  }

  /** Random non-empty histories over {@code numItems} items, lengths in [1, maxLen]. */
  public static int[][] randomHistories(int users, int numItems, int maxLen, long seed) {
    Random r = new Random(seed);
    int[][] h = new int[users][];
    for (int u = 0; u < users; u++) {
      h[u] = new int[1 + r.nextInt(maxLen)];
      for (int i = 0; i < h[u].length; i++) {
        h[u][i] = r.nextInt(numItems);
      }
    }
    return h;
  }
}
