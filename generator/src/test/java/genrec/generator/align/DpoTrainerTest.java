package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpoTrainerTest {
  private static TrainData data;

  @BeforeAll
  static void setUp() {
    AlignFixtures.singleThread();
    data = AlignFixtures.data();
  }

  /** The preferred group: items whose first code is below 4 (about a quarter). */
  private static boolean inGroup(int item) {
    return data.itemCodes()[item][0] < 4;
  }

  private static final ItemRewardModel GROUP = (history, items) -> {
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = inGroup(items[i]) ? 1f : 0f;
    }
    return out;
  };

  /** Share of group items in the top-3 beams of the first 40 training users. */
  private static double groupShare(GeneratorModel m) {
    try (BeamSearch s = m.beamSearch(PrefixTrie.of(data.itemCodes(), AlignFixtures.K))
        .optBeamWidth(6).build()) {
      int[][] hist = data.sequences().subList(0, 40).toArray(new int[0][]);
      int in = 0;
      int all = 0;
      for (BeamResult r : s.search(hist, null, 3)) {
        for (int item : r.items()) {
          in += inGroup(item) ? 1 : 0;
          all++;
        }
      }
      return (double) in / all;
    }
  }

  private static DpoTrainer.Builder trainer(AlignConfig c, long seed) {
    return DpoTrainer.builder().setConfig(c).setSeed(seed).optEvalThreads(1);
  }

  @Test
  void aRewardForOneGroupRaisesItsShareOfTheBeams(@TempDir Path dir) {
    AlignConfig c = AlignConfig.tiny().toBuilder().setSteps(30).setRounds(3)
        .setUsersPerRound(32).setBatchSize(16).setLearningRate(2e-3f).optValidateEvery(15)
        .optCheckpointEvery(0).optSelectBy(AlignConfig.Selection.REWARD).build();
    // the group is also named "new" at weight 0: its share is measured, not rewarded twice
    java.util.BitSet group = new java.util.BitSet();
    for (int i = 0; i < data.itemCodes().length; i++) {
      group.set(i, inGroup(i));
    }
    Reward reward = new CompositeReward(GROUP, new RewardWeights(1, 0, 0, 0), null, group);
    try (GeneratorModel ref = AlignFixtures.reference(data, 21)) {
      double before = groupShare(ref);
      AlignResult r = trainer(c, 4).optOutputDir(dir).build().align(data, ref, reward);
      try (GeneratorModel tuned = r.model()) {
        double after = groupShare(tuned);
        assertTrue(after > before + 0.2, "group share " + before + " -> " + after + "\n"
            + r.summary());
        assertEquals(30, r.steps());
        assertEquals("done", r.stopReason());
        assertEquals(Math.log(2), r.losses()[0], 1e-5); // πθ = πref at the first step
        assertEquals(3, r.rounds().size());
        assertTrue(r.rounds().get(2).meanListReward() > r.rounds().get(0).meanListReward(),
            r.summary());
        List<AlignResult.CurvePoint> curve = r.curve();
        assertEquals(List.of(0L, 15L, 30L), curve.stream().map(p -> p.step()).toList());
        assertTrue(Double.isNaN(curve.get(0).trainLoss()));
        assertTrue(curve.get(2).valReward() > curve.get(0).valReward(), r.summary());
        assertTrue(curve.get(2).accuracy() > 0.5, r.summary());
        for (AlignResult.CurvePoint p : curve) {
          // relevance is group membership, so it, the reward and the "new" share agree
          assertEquals(p.valReward(), p.valRelevance(), 1e-9);
          assertEquals(p.valRelevance(), p.valNewShare(), 1e-9);
          assertTrue(Double.isNaN(p.valDiversity()), "no vectors: diversity not measured");
          assertTrue(p.valHistoryShare() >= 0 && p.valHistoryShare() <= 1);
        }
        assertTrue(curve.get(2).valNewShare() > curve.get(0).valNewShare(), r.summary());
        assertTrue(r.bestStep() > 0, r.summary());
        assertEquals(ref.sidFingerprint(), tuned.sidFingerprint());
        assertEquals(ref.dataFingerprint(), tuned.dataFingerprint());
        for (String f : new String[] {DpoTrainer.MODEL_FILE, DpoTrainer.MODEL_JSON,
            DpoTrainer.CHECKPOINT_FILE, DpoTrainer.CURVE_FILE}) {
          assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        // the written model is the generator's format, the best one
        try (GeneratorModel back = GeneratorModel.load(dir.resolve(DpoTrainer.MODEL_FILE))) {
          assertEquals(after, groupShare(back), 1e-12);
        }
        assertTrue(r.summary().contains("reference (step 0)"), r.summary());
      }
    }
  }

  /** N steps straight equal k steps, checkpoint, resume for N − k: same weights and curve. */
  @Test
  void resumeContinuesExactly(@TempDir Path dir) {
    AlignConfig c = AlignConfig.tiny().toBuilder().setSteps(8).setUsersPerRound(10)
        .optValidateEvery(4).optValidationUsers(5).optCeWeight(0.5f).optNegatives(2).build();
    Reward reward = new CompositeReward(GROUP, RewardWeights.defaults(), null, null);
    Path straight = dir.resolve("straight");
    Path split = dir.resolve("split");
    try (GeneratorModel ref = AlignFixtures.reference(data, 22)) {
      AlignResult a = trainer(c, 8).optOutputDir(straight).build().align(data, ref, reward);
      AlignResult b1 = trainer(c, 8).optOutputDir(split).optStopAfterSteps(4).build()
          .align(data, ref, reward);
      assertEquals(4, b1.steps());
      assertEquals("stop after 4 steps", b1.stopReason());
      b1.model().close();
      Path cp = split.resolve(DpoTrainer.CHECKPOINT_FILE);
      AlignResult b2 = DpoTrainer.resumeFrom(cp).optEvalThreads(1).optOutputDir(split).build()
          .resume(data, ref, reward, cp);
      assertEquals(4, b2.firstStep());
      assertEquals(8, b2.steps());
      assertEquals(a.curve().stream().map(p -> p.valNdcg10()).toList(),
          b2.curve().stream().map(p -> p.valNdcg10()).toList());
      assertEquals(a.curve().stream().map(p -> p.valReward()).toList(),
          b2.curve().stream().map(p -> p.valReward()).toList());
      assertArrayEquals(java.util.Arrays.copyOfRange(a.losses(), 4, 8), b2.losses());
      Map<String, Tensor> wa = TensorFile.read(straight.resolve(DpoTrainer.CHECKPOINT_FILE),
          DpoTrainer.CHECKPOINT_FORMAT).tensors();
      Map<String, Tensor> wb = TensorFile.read(cp, DpoTrainer.CHECKPOINT_FORMAT).tensors();
      for (Map.Entry<String, Tensor> e : wa.entrySet()) {
        if (e.getKey().startsWith("w/")) {
          assertArrayEquals(e.getValue().data(), wb.get(e.getKey()).data(), e.getKey());
        }
      }
      a.model().close();
      b2.model().close();
      // another seed is another run
      assertTrue(assertThrows(IllegalArgumentException.class, () -> trainer(c, 9).build()
          .resume(data, ref, reward, cp)).getMessage().contains("belongs to another run"));
      try (GeneratorModel other = AlignFixtures.reference(data, 23)) {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> DpoTrainer.resumeFrom(cp).build().resume(data, other, reward, cp))
            .getMessage().contains("another reference generator"));
      }
    }
  }

  @Test
  void pairsSurviveTheCheckpointEncoding() {
    List<PreferencePair> pairs = List.of(
        new PreferencePair(new int[] {1, 2, 3}, 4, 5, 6, 0.5f, -0.25f, -3.5f, -7.25f),
        new PreferencePair(new int[] {9}, 8, 7, 59, 1f, 0f, -1f, -2f));
    List<PreferencePair> back = DpoTrainer.pairsOf(DpoTrainer.pairTensors(pairs));
    assertEquals(2, back.size());
    for (int i = 0; i < 2; i++) {
      PreferencePair p = pairs.get(i);
      PreferencePair q = back.get(i);
      assertArrayEquals(p.history(), q.history());
      assertEquals(List.of(p.trueItem(), p.chosen(), p.rejected()),
          List.of(q.trueItem(), q.chosen(), q.rejected()));
      assertEquals(List.of(p.rewardChosen(), p.rewardRejected(), p.refChosen(), p.refRejected()),
          List.of(q.rewardChosen(), q.rewardRejected(), q.refChosen(), q.refRejected()));
    }
  }

  @Test
  void settingsAreValidated() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> AlignConfig.tiny().toBuilder().optListSize(4).optBeamWidth(6).build())
        .getMessage().contains("beamWidth=6 must be >= 2 x listSize=4"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> AlignConfig.tiny().toBuilder().optBeta(0f).build()).getMessage()
        .contains("beta=0.0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> DpoTrainer.builder().setConfig(AlignConfig.tiny()).build()).getMessage()
        .contains("seed is required"));
    AlignConfig c = AlignConfig.tiny().toBuilder().setSteps(10).setRounds(3).build();
    assertEquals(List.of(0L, 3L, 6L), List.of(c.roundStart(0), c.roundStart(1), c.roundStart(2)));
    assertEquals(List.of(0, 0, 0, 1, 1, 1, 2, 2, 2, 2), java.util.stream.IntStream.range(0, 10)
        .mapToObj(c::roundOf).toList());
  }
}
