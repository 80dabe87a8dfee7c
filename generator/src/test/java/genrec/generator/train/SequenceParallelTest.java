package genrec.generator.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidLoss;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sequence-parallel layout against the per-prefix layout, same weights. */
class SequenceParallelTest {
  private static final int[][] CODES = TestModels.randomCodes(TrainFixtures.ITEMS, 4,
      TrainFixtures.K, 11);

  @BeforeAll
  static void threads() {
    TrainFixtures.singleThread();
  }

  static GeneratorConfig causalCompact() {
    return TrainFixtures.model().toBuilder().optLayout(GeneratorConfig.Layout.COMPACT)
        .optCausalEncoder(true).build();
  }

  /** Per-prefix loss of one history and target (no dropout). */
  private static float perPrefixLoss(SidTransformer model, NDManager m, int[] history,
      int target) {
    ParameterStore ps = new ParameterStore(m, false);
    NDArray enc = model.encoderTokens(m, new int[][] {history}, null, CODES); // (1, S, G)
    NDArray dec = model.decoderTokens(m, new int[][] {CODES[target]}); // (1, T)
    NDArray tgt = model.targetCodes(m, new int[][] {CODES[target]}); // (1, T)
    NDArray logits = model.forward(ps, new NDList(enc, dec), false).head(); // (1, T, K)
    return SidLoss.crossEntropy(logits, tgt).getFloat();
  }

  /** The loss of row {@code r} of a sequence batch. */
  private static float rowLoss(NDArray logits, SequenceBatch b, int r) {
    NDIndex row = new NDIndex("{}:{}", r, r + 1);
    return SidLoss.crossEntropy(logits.get(row), b.targets().get(row)).getFloat();
  }

  @Test
  void singlePrefixLossEqualsThePerPrefixLayout() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer model = TestModels.randomModel(causalCompact(), m, 21, 0.3f);
      ParameterStore ps = new ParameterStore(m, false);
      int[] inputs = {3, 7, 1, 9, 4};
      int[] next = {7, 1, 9, 4, 11};
      SequenceBatch b = SequenceBatch.of(model, m, new int[][] {inputs}, new int[][] {next},
          null, CODES);
      // the encoder input is cropped to the chunk: 5 of the window's 8 positions
      assertEquals(new ai.djl.ndarray.types.Shape(1, 5, 4), b.encoder().getShape());
      NDArray logits = b.logits(model, ps, false); // (P, T, K)
      float seq = rowLoss(logits, b, inputs.length - 1);
      float ref = perPrefixLoss(model, m, inputs, 11);
      assertEquals(ref, seq, 1e-5f);
      // full window: the last target of a chunk of 8 inputs, too
      int[] full = {5, 6, 7, 8, 9, 10, 11, 12};
      int[] after = {6, 7, 8, 9, 10, 11, 12, 13};
      SequenceBatch fb = SequenceBatch.of(model, m, new int[][] {full}, new int[][] {after},
          null, CODES);
      assertEquals(perPrefixLoss(model, m, full, 13),
          rowLoss(fb.logits(model, ps, false), fb, 7), 1e-5f);
    }
  }

  @Test
  void paddingRowsAndOtherChunksDoNotChangeARowsLoss() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer model = TestModels.randomModel(causalCompact(), m, 22, 0.3f);
      ParameterStore ps = new ParameterStore(m, false);
      int[][] inputs = {{3, 7, 1}, {2, 4, 6, 8, 10, 12}};
      int[][] next = {{7, 1, 9}, {4, 6, 8, 10, 12, 14}};
      SequenceBatch both = SequenceBatch.of(model, m, inputs, next, null, CODES);
      assertEquals(9, both.count());
      NDArray logits = both.logits(model, ps, false); // (2·6, T, K)
      SequenceBatch alone = SequenceBatch.of(model, m, new int[][] {inputs[0]},
          new int[][] {next[0]}, null, CODES);
      NDArray aloneLogits = alone.logits(model, ps, false); // (3, T, K)
      double sum = 0;
      for (int j = 0; j < 3; j++) {
        // chunk 0 has 3 inputs in 6 rows: its rows are 3, 4, 5
        float l = rowLoss(logits, both, 3 + j);
        assertEquals(rowLoss(aloneLogits, alone, j), l, 1e-5f);
        sum += l;
      }
      for (int j = 0; j < 6; j++) {
        sum += rowLoss(logits, both, 6 + j);
      }
      assertEquals(sum / 9, both.loss(model, ps, false).getFloat(), 1e-5);
      // and the last target of chunk 1 is the per-prefix loss of its whole history
      assertEquals(perPrefixLoss(model, m, inputs[1], 14), rowLoss(logits, both, 11), 1e-5f);
    }
  }

  @Test
  void needsACausalCompactModel() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer model = TestModels.randomModel(TrainFixtures.model(), m, 1, 0.3f);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SequenceBatch.of(model, m, new int[][] {{1}}, new int[][] {{2}}, null, CODES));
      assertTrue(e.getMessage().contains("layout=COMPACT"), e.getMessage());
    }
  }
}
