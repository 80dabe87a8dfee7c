package genrec.generator.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.FoldedDecoder;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.SidVocabulary;
import genrec.generator.model.TestModels;
import org.junit.jupiter.api.Test;

/** The cached step function (the folded decoder) against the full uncached decoder pass. */
class DecoderStepTest {

  @Test
  void cachedStepsGiveTheFullPassLogitsThroughExpansionAndReorder() {
    GeneratorConfig c = DecodeFixtures.config();
    int users = 3;
    int width = 2;
    int n = users * width;
    int levels = c.levels();
    int k = c.codebookSize();
    int[][] codes = TestModels.randomCodes(20, levels, k, 1);
    int[][] histories = TestModels.randomHistories(users, 20, 8, 2);
    int[][] paths = TestModels.randomCodes(n, levels, k, 3); // row r belongs to user r / width
    try (NDManager weights = NDManager.newBaseManager()) {
      SidTransformer model = DecodeFixtures.model(weights);
      SidVocabulary vocab = model.vocabulary();
      try (NDManager m = weights.newSubManager()) {
        ParameterStore ps = new ParameterStore(m, false);
        EncoderOutput enc = model.encode(ps, model.encoderTokens(m, histories, null, codes),
            false); // (U, S, D)
        FoldedDecoder folded = FoldedDecoder.of(model, m);
        CrossAttentionMemory memory = CrossAttentionMemory.compute(folded, enc);
        KvCache cache = KvCache.allocate(m, c, users);
        DecoderStep step = new DecoderStep(model, folded);

        // step 0: one row per user
        NDArray bos = m.create(new int[] {SidVocabulary.BOS, SidVocabulary.BOS,
            SidVocabulary.BOS}); // (U)
        float[] got0 = step.step(bos, cache, memory).toFloatArray(); // (U, K)
        // expand to W rows per user, then a within-user swap after step 2
        int[] expand = {0, 0, 1, 1, 2, 2};
        cache.reorder(expand);
        float[][] want = fullPass(model, ps, m, enc, paths, width); // [N][levels*K]
        for (int r = 0; r < n; r++) {
          assertArrayEquals(java.util.Arrays.copyOfRange(want[r], 0, k),
              java.util.Arrays.copyOfRange(got0, (r / width) * k, (r / width + 1) * k), 1e-4f,
              "step 0 row " + r);
        }
        int[] swap = {1, 0, 2, 3, 5, 4};
        for (int t = 1; t < levels; t++) {
          int[] ids = new int[n];
          for (int r = 0; r < n; r++) {
            ids[r] = vocab.codeToken(t - 1, paths[r][t - 1]);
          }
          float[] got = step.step(m.create(ids), cache, memory).toFloatArray(); // (N, K)
          for (int r = 0; r < n; r++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(want[r], t * k, (t + 1) * k),
                java.util.Arrays.copyOfRange(got, r * k, (r + 1) * k), 1e-4f,
                "step " + t + " row " + r);
          }
          if (t == 2) {
            cache.reorder(swap);
            int[][] moved = new int[n][];
            for (int r = 0; r < n; r++) {
              moved[r] = paths[swap[r]];
            }
            paths = moved;
            want = fullPass(model, ps, m, enc, paths, width);
          }
        }
        assertEquals(levels, cache.length());
        IllegalStateException full = assertThrows(IllegalStateException.class,
            () -> cache.layer(0).append(null, null));
        assertEquals("cache is full: 4 steps", full.getMessage());
      }
    }
  }

  @Test
  void uncachedStepMatchesTheFullPass() {
    GeneratorConfig c = DecodeFixtures.config();
    int[][] codes = TestModels.randomCodes(20, c.levels(), c.codebookSize(), 1);
    int[][] histories = TestModels.randomHistories(2, 20, 8, 4);
    int[][] paths = TestModels.randomCodes(2, c.levels(), c.codebookSize(), 5);
    try (NDManager weights = NDManager.newBaseManager()) {
      SidTransformer model = DecodeFixtures.model(weights);
      try (NDManager m = weights.newSubManager()) {
        ParameterStore ps = new ParameterStore(m, false);
        EncoderOutput enc = model.encode(ps, model.encoderTokens(m, histories, null, codes),
            false); // (U, S, D)
        float[][] want = fullPass(model, ps, m, enc, paths, 1);
        NDArray tokens = model.decoderTokens(m, paths); // (N, levels)
        int k = c.codebookSize();
        for (int t = 0; t < c.levels(); t++) {
          NDArray prefix = tokens.get(new NDIndex(":, :{}", t + 1)); // (N, t+1)
          float[] got = new DecoderStep(model, null).uncached(ps, prefix, enc, new int[] {0, 1})
              .toFloatArray(); // (N, K)
          for (int r = 0; r < 2; r++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(want[r], t * k, (t + 1) * k),
                java.util.Arrays.copyOfRange(got, r * k, (r + 1) * k), 1e-4f);
          }
        }
      }
    }
  }

  /** Teacher-forced full decoder pass of every row's path: [N][levels·K]. */
  private static float[][] fullPass(SidTransformer model, ParameterStore ps, NDManager m,
      EncoderOutput enc, int[][] paths, int width) {
    int n = paths.length;
    int[] userOfRow = new int[n];
    for (int r = 0; r < n; r++) {
      userOfRow[r] = r / width;
    }
    NDArray idx = m.create(userOfRow); // (N)
    EncoderOutput perRow = new EncoderOutput(enc.memory().get(new NDIndex("{}", idx)),
        enc.keyBias().get(new NDIndex("{}", idx))); // (N, S, D), (N, 1, 1, S)
    NDArray logits = model.decode(ps, model.decoderTokens(m, paths), perRow,
        false); // (N, levels, K)
    assertEquals(new Shape(n, model.config().levels(), model.config().codebookSize()),
        logits.getShape());
    float[] flat = logits.toFloatArray();
    int row = model.config().levels() * model.config().codebookSize();
    float[][] out = new float[n][];
    for (int r = 0; r < n; r++) {
      out[r] = java.util.Arrays.copyOfRange(flat, r * row, (r + 1) * row);
    }
    return out;
  }
}
