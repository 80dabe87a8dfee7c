package genrec.cascade.rank.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import genrec.cascade.rank.features.RankBatch;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerConfig.Mixture;
import genrec.core.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fixed-weight blocks against plain-Java loops, and the mixtures' gate arithmetic. */
class RankerBlocksTest {

  @BeforeAll
  static void threads() {
    RankFixtures.singleThread();
  }

  private static float[] uniform(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2f - 1f;
    }
    return v;
  }

  @Test
  void crossLayerMatchesLoop() {
    int b = 3;
    int d = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      CrossLayer layer = CrossLayer.builder().setDim(d).build();
      layer.initialize(m, DataType.FLOAT32, new Shape(b, d), new Shape(b, d));
      RankFixtures.randomWeights(layer, 1, 0.5f);
      float[] w = RankFixtures.param(layer, "linear_weight"); // (D out, D in)
      float[] bias = RankFixtures.param(layer, "linear_bias");
      float[] x0 = uniform(b * d, 2);
      float[] xl = uniform(b * d, 3);
      float[] got = layer.apply(new ParameterStore(m, false), m.create(x0, new Shape(b, d)),
          m.create(xl, new Shape(b, d)), false).toFloatArray();
      for (int r = 0; r < b; r++) {
        for (int i = 0; i < d; i++) {
          double wx = bias[i];
          for (int j = 0; j < d; j++) {
            wx += w[i * d + j] * xl[r * d + j];
          }
          double want = x0[r * d + i] * wx + xl[r * d + i];
          assertEquals(want, got[r * d + i], 1e-5, "row " + r + " dim " + i);
        }
      }
    }
  }

  @Test
  void targetAttentionMatchesLoopAndIgnoresPaddedPositions() {
    int b = 2;
    int l = 3;
    int d = 4;
    int h = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TargetAttention att = TargetAttention.builder().setDim(d).setHidden(h).build();
      att.initialize(m, DataType.FLOAT32, new Shape(b, d), new Shape(b, l, d), new Shape(b, l));
      RankFixtures.randomWeights(att, 4, 0.5f);
      float[] w0 = RankFixtures.param(att, "layer0_weight"); // (H, 4D)
      float[] b0 = RankFixtures.param(att, "layer0_bias"); // (H)
      float[] w1 = RankFixtures.param(att, "layer1_weight"); // (1, H)
      float[] b1 = RankFixtures.param(att, "layer1_bias"); // (1)
      float[] q = uniform(b * d, 5);
      float[] k = uniform(b * l * d, 6);
      float[] mask = {0f, 1f, 1f, 0f, 0f, 1f}; // right-aligned histories of 2 and 1
      ParameterStore ps = new ParameterStore(m, false);
      NDArray out = att.apply(ps, m.create(q, new Shape(b, d)), m.create(k, new Shape(b, l, d)),
          m.create(mask, new Shape(b, l)), false); // (B, D)
      assertEquals(new Shape(b, d), out.getShape());
      float[] got = out.toFloatArray();
      float[] gotW = att.weights(ps, m.create(q, new Shape(b, d)),
          m.create(k, new Shape(b, l, d)), m.create(mask, new Shape(b, l)), false).toFloatArray();
      for (int r = 0; r < b; r++) {
        double[] want = new double[d];
        for (int p = 0; p < l; p++) {
          double[] f = new double[4 * d];
          for (int i = 0; i < d; i++) {
            double qi = q[r * d + i];
            double ki = k[(r * l + p) * d + i];
            f[i] = qi;
            f[d + i] = ki;
            f[2 * d + i] = qi - ki;
            f[3 * d + i] = qi * ki;
          }
          double wgt = b1[0];
          for (int j = 0; j < h; j++) {
            double z = b0[j];
            for (int i = 0; i < 4 * d; i++) {
              z += w0[j * 4 * d + i] * f[i];
            }
            wgt += w1[j] * Math.max(0, z);
          }
          wgt *= mask[r * l + p];
          assertEquals(wgt, gotW[r * l + p], 1e-5, "weight row " + r + " position " + p);
          for (int i = 0; i < d; i++) {
            want[i] += wgt * k[(r * l + p) * d + i];
          }
        }
        for (int i = 0; i < d; i++) {
          assertEquals(want[i], got[r * d + i], 1e-5, "row " + r + " dim " + i);
        }
      }
      assertEquals(0f, gotW[0]);
      // keys at padded positions do not matter
      float[] k2 = k.clone();
      for (int i = 0; i < d; i++) {
        k2[i] = 9f; // row 0, position 0 (padded)
        k2[(l + 1) * d + i] = -7f; // row 1, position 1 (padded)
      }
      float[] got2 = att.apply(ps, m.create(q, new Shape(b, d)),
          m.create(k2, new Shape(b, l, d)), m.create(mask, new Shape(b, l)), false)
          .toFloatArray();
      assertArrayEquals(got, got2, 1e-6f);
    }
  }

  @Test
  void mlpBuilderValidates() {
    assertThrows(IllegalArgumentException.class, () -> Mlp.builder().build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mlp.builder().setUnits(4, 0).build());
    assertTrue(e.getMessage().contains("units[1]=0"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Mlp.builder().setUnits(4).optDropout(1f).build());
    e = assertThrows(IllegalArgumentException.class, () -> CrossLayer.builder().build());
    assertTrue(e.getMessage().contains("dim=-1 is required"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TargetAttention.builder().setDim(4).build());
    assertTrue(e.getMessage().contains("hidden=-1 is required"), e.getMessage());
  }

  private static MultiTaskLayer layer(RankerConfig c, NDManager m, long seed, int b, int d) {
    MultiTaskLayer layer = new MultiTaskLayer(c);
    layer.initialize(m, DataType.FLOAT32, new Shape(b, d));
    RankFixtures.randomWeights(layer, seed, 0.5f);
    return layer;
  }

  @Test
  void mmoeGatesSumToOnePerTaskAndRow() {
    RankerConfig c = RankFixtures.config(Mixture.MMOE).toBuilder().optExperts(4).build();
    int b = 5;
    int d = 7;
    try (NDManager m = NDManager.newBaseManager()) {
      MultiTaskLayer layer = layer(c, m, 8, b, d);
      assertEquals(4, layer.poolSize());
      NDArray x = m.create(uniform(b * d, 9), new Shape(b, d));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray g = layer.gates(ps, x, false); // (B, T, N)
      assertEquals(new Shape(b, 2, 4), g.getShape());
      float[] v = g.toFloatArray();
      for (int r = 0; r < b * 2; r++) {
        double sum = 0;
        for (int n = 0; n < 4; n++) {
          assertTrue(v[r * 4 + n] > 0f && v[r * 4 + n] < 1f);
          sum += v[r * 4 + n];
        }
        assertEquals(1.0, sum, 1e-6, "row/task " + r);
      }
      // the two tasks' gates differ (each task has its own gate)
      assertNotEquals(v[0], v[4], 1e-4f);
      assertEquals(new Shape(b, 2), layer.apply(ps, x, false).getShape());
    }
  }

  @Test
  void pleWithOneSharedExpertEqualsSharedBottom() {
    RankerConfig bottom = RankFixtures.config(Mixture.SHARED_BOTTOM);
    RankerConfig ple = RankFixtures.config(Mixture.PLE).toBuilder().optTaskExperts(0)
        .optSharedExperts(1).build();
    int b = 4;
    int d = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      MultiTaskLayer a = layer(bottom, m, 10, b, d);
      MultiTaskLayer p = layer(ple, m, 11, b, d); // other weights, then a's copied in
      Map<String, Tensor> wa = new HashMap<>();
      for (Pair<String, Parameter> e : a.getParameters()) {
        wa.put(e.getKey(), genrec.core.train.Weights.tensorOf(e.getValue().getArray()));
      }
      assertEquals(wa.keySet(), new java.util.HashSet<>(p.getParameters().keys()));
      for (Pair<String, Parameter> e : p.getParameters()) {
        genrec.core.train.Weights.copyInto(wa.get(e.getKey()), e.getValue().getArray(), e.getKey());
      }
      NDArray x = m.create(uniform(b * d, 12), new Shape(b, d));
      ParameterStore ps = new ParameterStore(m, false);
      float[] la = a.apply(ps, x, false).toFloatArray();
      float[] lp = p.apply(ps, x, false).toFloatArray();
      assertArrayEquals(la, lp, 0f);
      assertEquals(1, p.poolSize());
      float[] g = p.gates(ps, x, false).toFloatArray();
      for (float v : g) {
        assertEquals(1f, v);
      }
    }
  }

  @Test
  void pleTaskUsesOnlyItsOwnAndTheSharedExperts() {
    RankerConfig c = RankFixtures.config(Mixture.PLE).toBuilder().optTaskExperts(2)
        .optSharedExperts(1).build();
    int b = 3;
    int d = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      MultiTaskLayer layer = layer(c, m, 13, b, d);
      assertEquals(3, layer.poolSize());
      NDArray x = m.create(uniform(b * d, 14), new Shape(b, d));
      ParameterStore ps = new ParameterStore(m, false);
      float[] before = layer.apply(ps, x, false).toFloatArray();
      float[] gates = layer.gates(ps, x, false).toFloatArray(); // (B, T, 3)
      for (int r = 0; r < b * 2; r++) {
        assertEquals(1.0, gates[r * 3] + gates[r * 3 + 1] + gates[r * 3 + 2], 1e-6);
      }
      // change task 1's own experts: task 0's logits stay, task 1's move
      for (Pair<String, Parameter> e : layer.getParameters()) {
        if (e.getKey().contains("task1expert")) {
          NDArray a = e.getValue().getArray();
          float[] v = a.toFloatArray();
          for (int i = 0; i < v.length; i++) {
            v[i] += 0.3f;
          }
          genrec.core.train.Weights.copyInto(new Tensor(a.getShape().getShape(), v), a, e.getKey());
        }
      }
      float[] after = layer.apply(ps, x, false).toFloatArray();
      boolean task1Moved = false;
      for (int r = 0; r < b; r++) {
        assertEquals(before[r * 2], after[r * 2], 0f, "task 0, row " + r);
        task1Moved |= Math.abs(before[r * 2 + 1] - after[r * 2 + 1]) > 1e-4f;
      }
      assertTrue(task1Moved);
    }
  }

  @Test
  void networkIgnoresPaddingRowsAndGivesOneLogitPerTask() {
    RankerConfig c = RankFixtures.config(Mixture.MMOE);
    RankRows rows = RankFixtures.syntheticRows(3, 2, 1);
    try (NDManager m = NDManager.newBaseManager()) {
      RankerNetwork net = new RankerNetwork(c);
      net.initialize(m);
      RankFixtures.randomWeights(net, 15, 0.3f);
      ParameterStore ps = new ParameterStore(m, false);
      RankBatch batch = rows.batch(m, rows.allRows());
      float[] before = net.logits(ps, batch, false).toFloatArray();
      assertEquals(6 * 2, before.length);
      // row 0 of every table is padding: overwriting it changes nothing
      for (Pair<String, Parameter> e : net.getParameters()) {
        if (e.getKey().matches("^\\d*(items|codes\\d)_weight$")) {
          NDArray a = e.getValue().getArray();
          float[] v = a.toFloatArray();
          for (int i = 0; i < c.embeddingDim(); i++) {
            v[i] = 5f;
          }
          genrec.core.train.Weights.copyInto(new Tensor(a.getShape().getShape(), v), a, e.getKey());
        }
      }
      float[] after = net.logits(ps, batch, false).toFloatArray();
      assertArrayEquals(before, after, 1e-6f);
    }
  }
}
