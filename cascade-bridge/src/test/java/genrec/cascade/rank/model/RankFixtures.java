package genrec.cascade.rank.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import genrec.cascade.rank.features.RankRows;
import genrec.core.tensor.Tensor;
import java.util.Random;

/** Seeded weights and a small synthetic ranking task shared by the rank tests. */
public final class RankFixtures {
  static final int ITEMS = 40;
  static final int K = 8;
  static final int L = 4;
  static final int F = 4;

  private RankFixtures() {}

  /** Tests run libtorch single-threaded. */
  public static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  /** Fills every parameter of an initialised block with uniform values in ±{@code scale}. */
  static void randomWeights(AbstractBlock block, long seed, float scale) {
    Random r = new Random(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      float[] v = new float[(int) a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = scale * (r.nextFloat() * 2f - 1f);
      }
      genrec.core.train.Weights.copyInto(new Tensor(a.getShape().getShape(), v), a, p.getKey());
    }
  }

  /** The values of the one parameter whose name ends with {@code suffix}. */
  static float[] param(AbstractBlock block, String suffix) {
    float[] found = null;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getKey().endsWith(suffix)) {
        if (found != null) {
          throw new IllegalArgumentException("two parameters end with " + suffix);
        }
        found = p.getValue().getArray().toFloatArray();
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("no parameter ends with " + suffix + " in "
          + block.getParameters().keys());
    }
    return found;
  }

  /** Codes of item index i: c1 = i mod K, c2 = (i / K) mod K, c3 seeded; as ids (+1). */
  static int[][] itemCodeIds() {
    Random r = new Random(99);
    int[][] c = new int[ITEMS][];
    for (int i = 0; i < ITEMS; i++) {
      c[i] = new int[] {i % K + 1, (i / K) % K + 1, r.nextInt(K) + 1};
    }
    return c;
  }

  /**
   * A synthetic task: {@code perGroup} candidates per query, histories of 1..L items of which only
   * the last has its c1 (so "shares c1 with the last item" is visible to order-blind attention).
   * Half of the candidates share c1 with the query's last history item ({@code match}). Task {@code click}:
   * {@code 0.5·dense0 + match > 0.5}; task {@code buy}: {@code match and dense1 > 0}, known for
   * about 70% of the rows.
   */
  public static RankRows syntheticRows(int groups, int perGroup, long seed) {
    Random r = new Random(seed);
    int[][] codes = itemCodeIds();
    int rows = groups * perGroup;
    float[] dense = new float[rows * F];
    int[] item = new int[rows];
    int[] cd = new int[rows * 3];
    int[] group = new int[rows];
    int[] histItem = new int[groups * L];
    int[] histCodes = new int[groups * L * 3];
    float[] labels = new float[rows * 2];
    float[] mask = new float[rows * 2];
    for (int g = 0; g < groups; g++) {
      int len = 1 + r.nextInt(L);
      int last = r.nextInt(ITEMS);
      for (int p = L - len; p < L; p++) {
        int h = last;
        if (p < L - 1) { // earlier items never share the last item's c1 (DIN sees no order)
          do {
            h = r.nextInt(ITEMS);
          } while (h % K == last % K);
        }
        histItem[g * L + p] = h + 1;
        System.arraycopy(codes[h], 0, histCodes, (g * L + p) * 3, 3);
      }
      for (int j = 0; j < perGroup; j++) {
        int row = g * perGroup + j;
        group[row] = g;
        int cand;
        if (r.nextBoolean()) {
          cand = (last % K) + K * r.nextInt(ITEMS / K); // same c1 as the last item
        } else {
          cand = r.nextInt(ITEMS);
        }
        boolean match = codes[cand][0] == codes[last][0];
        item[row] = cand + 1;
        System.arraycopy(codes[cand], 0, cd, row * 3, 3);
        for (int f = 0; f < F; f++) {
          dense[row * F + f] = (float) r.nextGaussian();
        }
        labels[row * 2] = 0.5f * dense[row * F] + (match ? 1f : 0f) > 0.5f ? 1f : 0f;
        mask[row * 2] = 1f;
        labels[row * 2 + 1] = match && dense[row * F + 1] > 0f ? 1f : 0f;
        mask[row * 2 + 1] = r.nextFloat() < 0.7f ? 1f : 0f;
      }
    }
    return new RankRows(F, L, 2, dense, item, cd, group, histItem, histCodes, labels, mask);
  }

  /** The tiny config at the fixture's sizes (which are {@link RankerConfig#tiny()}'s). */
  public static RankerConfig config(RankerConfig.Mixture mixture) {
    return RankerConfig.tiny().toBuilder().optMixture(mixture).build();
  }
}
