package genrec.generator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.decode.SearchPhases;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BeamBenchmarkTest {
  @BeforeAll
  static void oneThread() {
    Engine.getEngine("PyTorch"); // loads libtorch
    JniUtils.setNumThreads(1);
  }

  @Test
  void flopsMatchAHandCountForOneLayer() {
    // 1+1 layers, d=4, A=2x2=4, F=8, levels 2, K=3, window 1, TIGER layout (2 tokens per item), no user
    GeneratorConfig c = GeneratorConfig.builder().setLayers(1, 1).setDModel(4).setHeads(2)
        .optHeadDim(2).setMlpDim(8).optLevels(2).optCodebookSize(3).optHistoryWindow(1)
        .optUserBuckets(0).build();
    assertEquals(2, c.encoderLength());
    // encoder per user: projections 8*S*d*A = 8*2*4*4 = 256; attention 4*S^2*A = 64; MLP 4*S*d*F = 256
    assertEquals(576, DecodeFlops.encoder(c, 1), 0);
    // cached, U=1, W=2: cross K/V 4*S*d*A = 128;
    // per row per step: 8dA=128, self 4(t+1)A = 16 or 32, cross q/out 4dA=64, cross attn 4SA=32, MLP 4dF=128, head 2dK=24
    double step0 = 1 * (128 + 16 + 64 + 32 + 128 + 24);
    double step1 = 2 * (128 + 32 + 64 + 32 + 128 + 24);
    assertEquals(576 + 128 + step0 + step1, DecodeFlops.call(c, 1, 2, true), 0);
    assertTrue(DecodeFlops.call(c, 1, 2, false) > DecodeFlops.call(c, 1, 2, true));
    assertEquals(3 * DecodeFlops.encoder(c, 1), DecodeFlops.encoder(c, 3), 0);
  }

  @Test
  void measuresARowWithOrderedPercentiles() {
    GeneratorConfig c = GeneratorConfig.tiny();
    Engine.getEngine("PyTorch").setRandomSeed(1);
    int[][] codes = new int[40][];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = new int[] {i % 4, (i / 4) % 5, i % 3, 0};
    }
    // codes above may repeat a prefix; make the last level unique per item
    for (int i = 0; i < codes.length; i++) {
      codes[i][3] = i % c.codebookSize();
    }
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer model = new SidTransformer(c);
      model.initialize(m);
      BeamBenchmark b = new BeamBenchmark(model, PrefixTrie.of(codes, c.codebookSize()),
          new int[][] {{1, 2, 3}, {4, 5}, {6}}, 5);
      BeamBenchmark.Row r = b.run(true, 4, 2, 1, 5, 0, 1.0);
      assertTrue(r.calls() >= 5);
      assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p90Ms() && r.p90Ms() <= r.p99Ms());
      assertEquals(DecodeFlops.call(c, 2, 4, true) / 1e9, r.gflops(), 1e-12);
      assertEquals(r.gflops() * 1e3, r.flopBoundMs(), 1e-9); // peak 1 GFLOP/s
      assertTrue(BeamBenchmark.format(r).startsWith("kv-cache"));
      // every phase ran and took part of the call; reorder ran (4 levels, 3 reorders)
      double sum = 0;
      for (double ms : r.phaseMs()) {
        assertTrue(ms > 0 && ms <= r.p99Ms(), BeamBenchmark.formatPhases(r));
        sum += ms;
      }
      assertTrue(sum <= 1.5 * r.p99Ms(), BeamBenchmark.formatPhases(r));
      assertTrue(BeamBenchmark.formatPhases(r).startsWith("encode "));
      BeamBenchmark.Row nc = b.run(false, 4, 2, 1, 5, 0, 1.0);
      assertEquals(0, nc.phaseMs()[SearchPhases.Phase.MEMORY.ordinal()], 0.05); // no cross-kv
      assertEquals(0, nc.phaseMs()[SearchPhases.Phase.REORDER.ordinal()], 0); // nothing to reorder
    }
    assertThrows(IllegalArgumentException.class, () -> new BeamBenchmark(null, null, new int[0][], 1));
  }

  @Test
  void ratesArePositiveAndFinite() {
    double small = BeamBenchmark.linearGflops(4, 8, 16, 5);
    assertTrue(small > 0 && Double.isFinite(small), "" + small);
    double peak = BeamBenchmark.matmulPeakGflops(64, 3);
    assertTrue(peak > 0 && Double.isFinite(peak), "" + peak);
  }

  @Test
  void percentilesAreNearestRank() {
    double[] s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(5, BeamBenchmark.pct(s, 50), 0);
    assertEquals(9, BeamBenchmark.pct(s, 90), 0);
    assertEquals(10, BeamBenchmark.pct(s, 99), 0);
  }
}
