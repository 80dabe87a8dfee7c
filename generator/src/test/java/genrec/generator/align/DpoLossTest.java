package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import genrec.core.tensor.Tensor;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.model.SidTransformer;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DpoLossTest {
  @BeforeAll
  static void setUp() {
    AlignFixtures.singleThread();
  }

  private static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Test
  void lossMatchesAHandComputedValue() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray pc = m.create(new float[] {-1f, -3f});
      NDArray pr = m.create(new float[] {-2f, -1f});
      NDArray rc = m.create(new float[] {-1.5f, -2f});
      NDArray rr = m.create(new float[] {-1.5f, -2f});
      // z1 = 0.5·((−1+1.5) − (−2+1.5)) = 0.5; z2 = 0.5·((−3+2) − (−1+2)) = −1
      assertArrayEquals(new float[] {0.5f, -1f},
          DpoLoss.margins(pc, pr, rc, rr, 0.5f).toFloatArray(), 1e-6f);
      double want = (softplus(-0.5) + softplus(1)) / 2;
      assertEquals(want, DpoLoss.loss(pc, pr, rc, rr, 0.5f).getFloat(), 1e-6);
      // stable far out: −log σ(−100) = 100
      assertEquals(100f, DpoLoss.fromMargins(m.create(new float[] {-100f})).getFloat(), 1e-3f);
      assertEquals(0f, DpoLoss.fromMargins(m.create(new float[] {100f})).getFloat(), 1e-6f);
    }
  }

  @Test
  void sequenceLogProbSumsTheTargetCodes() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray logits = m.create(new float[] {0f, (float) Math.log(3), 0f, 0f},
          new Shape(1, 2, 2)); // step 0: p(1) = 3/4; step 1: p(0) = 1/2
      NDArray targets = m.create(new int[] {1, 0}, new Shape(1, 2));
      assertEquals(Math.log(3.0 / 8), DpoLoss.sequenceLogProb(logits, targets).getFloat(0),
          1e-6);
    }
  }

  /** Teacher-forced log π of a beam equals the score beam search gave it. */
  @Test
  void teacherForcedLogProbIsTheBeamScore() {
    TrainData data = AlignFixtures.data();
    try (GeneratorModel ref = AlignFixtures.reference(data, 11);
        BeamSearch search = ref.beamSearch(PrefixTrie.of(data.itemCodes(), AlignFixtures.K))
            .optBeamWidth(6).build();
        NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      int[] history = data.sequences().get(0);
      BeamResult r = search.search(history, 6);
      int[][] hist = new int[r.size()][];
      int[][] targets = new int[r.size()][];
      for (int i = 0; i < r.size(); i++) {
        hist[i] = history;
        targets[i] = data.itemCodes()[r.items()[i]];
      }
      float[] lp = DpoTrainer.logProbs(ref.transformer(), new ParameterStore(m, false), m, hist,
          targets, 1, data.itemCodes()).head().toFloatArray();
      assertArrayEquals(r.scores(), lp, 1e-4f);
    }
  }

  /**
   * With πθ = πref the loss is ln 2, and one gradient step raises log πθ(chosen) and lowers log
   * πθ(rejected).
   */
  @Test
  void oneStepMovesChosenUpAndRejectedDown() {
    TrainData data = AlignFixtures.data();
    int[][] codes = data.itemCodes();
    try (GeneratorModel ref = AlignFixtures.reference(data, 12);
        NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer net = new SidTransformer(ref.config());
      net.initialize(root);
      Map<String, Tensor> w = ref.weights();
      for (Pair<String, Parameter> p : net.getParameters()) {
        GeneratorModel.copyInto(w.get(p.getKey()), p.getValue().getArray(), p.getKey());
      }
      ParameterStore ps = new ParameterStore(root, false);
      int[][] hist = {data.sequences().get(0), data.sequences().get(1)};
      int[][] targets = {codes[3], codes[17], codes[40], codes[8]}; // chosen 3, 17; rejected 40, 8
      float[] before;
      try (NDManager bm = root.newSubManager()) {
        before = DpoTrainer.logProbs(net, ps, bm, hist, targets, 2, codes).head().toFloatArray();
      }
      try (NDManager bm = root.newSubManager();
          GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDList out = DpoTrainer.logProbs(net, ps, bm, hist, targets, 2, codes);
        NDArray lp = out.head();
        NDArray loss = DpoLoss.loss(lp.get("0:2"), lp.get("2:4"),
            bm.create(new float[] {before[0], before[1]}),
            bm.create(new float[] {before[2], before[3]}), 0.5f);
        assertEquals(Math.log(2), loss.getFloat(), 1e-6);
        gc.backward(loss);
      }
      for (Pair<String, Parameter> p : net.getParameters()) { // plain SGD, lr 0.05
        NDArray a = p.getValue().getArray();
        NDArray g = a.getGradient();
        a.subi(g.mul(0.05f));
        g.subi(g);
      }
      float[] after;
      try (NDManager bm = root.newSubManager()) {
        after = DpoTrainer.logProbs(net, ps, bm, hist, targets, 2, codes).head().toFloatArray();
      }
      for (int i = 0; i < 2; i++) {
        assertTrue(after[i] > before[i], "chosen " + i + ": " + before[i] + " -> " + after[i]);
        assertTrue(after[2 + i] < before[2 + i],
            "rejected " + i + ": " + before[2 + i] + " -> " + after[2 + i]);
      }
    }
  }
}
