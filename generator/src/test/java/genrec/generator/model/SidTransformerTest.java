package genrec.generator.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DJL model against a plain-Java loop reference with the same fixed random weights. */
class SidTransformerTest {

  private static void assertMatchesReference(GeneratorConfig config, long[] users) {
    int numItems = 30;
    int[][] codes = TestModels.randomCodes(numItems, config.levels(), config.codebookSize(), 7);
    // one short history (padding), one longer than the window (truncation), one in between
    int[][] histories = {{3}, TestModels.randomHistories(1, numItems, 40, 11)[0], {5, 9, 2, 2, 17}};
    histories[1] = java.util.Arrays.copyOf(histories[1], Math.max(histories[1].length, 25));
    int[][] targets = {codes[4], codes[8], codes[29]};
    try (NDManager weights = NDManager.newBaseManager()) {
      SidTransformer model = TestModels.randomModel(config, weights, 42, 0.3f);
      ReferenceTransformer ref = new ReferenceTransformer(config, TestModels.weights(model));
      try (NDManager m = weights.newSubManager()) {
        NDArray enc = model.encoderTokens(m, histories, users, codes); // (B, S, G)
        NDArray dec = model.decoderTokens(m, targets); // (B, T)
        NDArray logits = model.forward(new ParameterStore(m, false), new NDList(enc, dec), false)
            .head(); // (B, T, K)
        assertEquals(new Shape(3, config.levels(), config.codebookSize()), logits.getShape());
        float[] got = logits.toFloatArray();
        SidVocabulary vocab = model.vocabulary();
        int k = config.codebookSize();
        for (int b = 0; b < histories.length; b++) {
          float[][] want = ref.logits(
              vocab.encodeHistory(histories[b], users == null ? null : users[b], codes),
              vocab.decoderInput(targets[b]));
          for (int t = 0; t < config.levels(); t++) {
            float[] row = java.util.Arrays.copyOfRange(got, (b * config.levels() + t) * k,
                (b * config.levels() + t + 1) * k);
            assertArrayEquals(want[t], row, 1e-4f, "user " + b + " step " + t);
          }
        }
        // the logits are not trivially equal across users or steps
        assertTrue(Math.abs(got[0] - got[k]) > 1e-3f);
      }
    }
  }

  @Test
  void tigerLayoutForwardMatchesLoopReference() {
    assertMatchesReference(GeneratorConfig.tiny(), null);
  }

  @Test
  void compactLayoutWithUserTokensMatchesLoopReference() {
    GeneratorConfig c = GeneratorConfig.tiny().toBuilder()
        .optLayout(GeneratorConfig.Layout.COMPACT)
        .optUserBuckets(50)
        .optHeadDim(8) // attention width 16 != dModel 32
        .build();
    assertMatchesReference(c, new long[] {1L, 123456789L, -5L});
  }

  @Test
  void causalCompactForwardMatchesLoopReference() {
    // the sequence layout's encoder (what 'genrec train' builds by default): a position sees
    // only itself and the items before it
    GeneratorConfig c = GeneratorConfig.tiny().toBuilder()
        .optLayout(GeneratorConfig.Layout.COMPACT)
        .optCausalEncoder(true)
        .build();
    assertMatchesReference(c, null);
  }

  @Test
  void lossIsMeanNegativeLogLikelihoodOfTargets() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] l = {1f, 2f, 3f, 0f, 0f, 0f, -1f, 5f, 2f, 1f, 1f, 4f}; // (B=2, T=2, K=3)
      NDArray logits = m.create(l, new Shape(2, 2, 3));
      NDArray targets = m.create(new int[] {2, 0, 1, 2}, new Shape(2, 2));
      int[] tg = {2, 0, 1, 2};
      double want = 0;
      for (int r = 0; r < 4; r++) {
        double z = 0;
        for (int j = 0; j < 3; j++) {
          z += Math.exp(l[r * 3 + j]);
        }
        want += -(l[r * 3 + tg[r]] - Math.log(z));
      }
      want /= 4;
      assertEquals(want, SidLoss.crossEntropy(logits, targets).getFloat(), 1e-5);
    }
  }

  @Test
  void trainingForwardGivesGradientsToEveryParameter() {
    GeneratorConfig c = GeneratorConfig.tiny().toBuilder().optHistoryWindow(3).build();
    int[][] codes = TestModels.randomCodes(10, c.levels(), c.codebookSize(), 3);
    try (NDManager weights = NDManager.newBaseManager()) {
      SidTransformer model = TestModels.randomModel(c, weights, 5, 0.3f);
      try (NDManager m = weights.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray enc = model.encoderTokens(m, new int[][] {{1, 2}, {3}}, null, codes); // (B, S, G)
        NDArray dec = model.decoderTokens(m, new int[][] {codes[4], codes[5]}); // (B, T)
        NDArray tgt = model.targetCodes(m, new int[][] {codes[4], codes[5]}); // (B, T)
        NDArray logits = model.forward(new ParameterStore(m, false), new NDList(enc, dec), true)
            .head(); // (B, T, K)
        NDArray loss = SidLoss.crossEntropy(logits, tgt); // ()
        assertTrue(loss.getFloat() > 0f);
        // Regression: a garbage collection between forward and backward once freed a scalar the
        // attention scaling had taken from a Java number, giving NaN gradients.
        java.util.List<java.nio.ByteBuffer> poison = freeAndPoisonSmallNativeBuffers();
        gc.backward(loss);
        assertEquals(20_000, poison.size());
        java.util.List<String> none = new java.util.ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
          NDArray g = p.getValue().getArray().getGradient();
          assertNotNull(g, p.getKey());
          if (!(g.abs().sum().getFloat() > 0f)) {
            none.add(p.getKey() + "=" + g.abs().sum().getFloat());
          }
        }
        assertTrue(none.isEmpty(), "no (or a NaN) gradient reaches " + none);
      }
    }
  }

  /**
   * Runs a GC so that unreachable direct buffers are freed, then refills small native blocks with
   * NaN, so a tensor still pointing at freed Java memory reads NaN.
   */
  private static java.util.List<java.nio.ByteBuffer> freeAndPoisonSmallNativeBuffers() {
    System.gc();
    try {
      Thread.sleep(100); // the cleaner thread frees the buffers
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    java.util.List<java.nio.ByteBuffer> poison = new java.util.ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4)
          .order(java.nio.ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN);
      poison.add(b);
    }
    return poison;
  }

  @Test
  void parametersAreNamedByBlock() {
    try (NDManager weights = NDManager.newBaseManager()) {
      Map<String, float[]> w = TestModels.weights(
          TestModels.randomModel(GeneratorConfig.tiny(), weights, 1, 0.1f));
      assertTrue(w.containsKey("decoder_layer1_crossAttention_value_weight"), w.keySet()::toString);
      assertEquals(32 * 64, w.get("encoder_layer0_feedForward_in_weight").length);
      assertEquals(256 * 32, w.get("head3_weight").length);
    }
  }
}
