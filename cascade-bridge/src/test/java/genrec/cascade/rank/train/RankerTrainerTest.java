package genrec.cascade.rank.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankFixtures;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerConfig.Mixture;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankTrainResult.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on a small synthetic task whose click label needs a dense feature and whether the
 * candidate's c1 equals the last history item's c1 (see {@link RankFixtures#syntheticRows}).
 */
class RankerTrainerTest {
  private static final RankRows TRAIN = RankFixtures.syntheticRows(600, 4, 11);
  private static final RankRows VAL = RankFixtures.syntheticRows(100, 4, 12);
  /** A smaller set for the runs that only compare runs with each other. */
  private static final RankRows SMALL = RankFixtures.syntheticRows(60, 4, 13);

  @BeforeAll
  static void threads() {
    RankFixtures.singleThread();
  }

  private static RankerTrainer trainer(Mixture mixture, long seed) {
    return RankerTrainer.builder().setModelConfig(RankFixtures.config(mixture))
        .setTrainConfig(RankTrainConfig.tiny()).setSeed(seed).build();
  }

  private static void learns(Mixture mixture) {
    RankTrainResult r = trainer(mixture, 1).train(TRAIN, VAL);
    try (RankerModel model = r.model()) {
      double initial = r.initial().valAuc().get(0);
      double best = r.bestValAuc();
      assertTrue(initial < 0.7, mixture + ": initial AUC " + initial);
      // measured with seed 1: 0.861 (shared bottom), 0.897 (MMoE), 0.880 (PLE); about 2 s of CPU
      assertTrue(best > 0.83, mixture + ": best AUC " + best + " " + r.epochs());
      assertEquals(RankTrainConfig.tiny().epochs(), r.epochs().size());
      EpochStats first = r.epochs().get(0);
      EpochStats last = r.epochs().get(r.epochs().size() - 1);
      assertTrue(last.trainLoss() < first.trainLoss(), r.epochs().toString());
      assertEquals(best, r.epochs().get(r.bestEpoch() - 1).valAuc().get(0));
      // the returned model is the best epoch's: its validation AUC is the recorded one
      float[] probs = new float[VAL.rows()];
      float[] labels = new float[VAL.rows()];
      RankerModel.Prediction p = model.predict(VAL, VAL.allRows());
      for (int i = 0; i < VAL.rows(); i++) {
        probs[i] = p.probabilities()[i][0];
        labels[i] = VAL.label(i, 0);
      }
      assertEquals(best, RankMetrics.auc(probs, labels), 2e-3);
      assertTrue(Double.isFinite(last.valGauc().get(0)));
      assertEquals("done", r.stopReason());
    }
  }

  @Test
  void sharedBottomLearnsTheSyntheticTask() {
    learns(Mixture.SHARED_BOTTOM);
  }

  @Test
  void mmoeLearnsTheSyntheticTask() {
    learns(Mixture.MMOE);
  }

  @Test
  void pleLearnsTheSyntheticTask() {
    learns(Mixture.PLE);
  }

  @Test
  void sameSeedSameRunAndResumeIsExact(@TempDir Path dir) {
    RankerConfig c = RankFixtures.config(Mixture.MMOE).toBuilder().optDropout(0.1f).build();
    RankTrainConfig t = RankTrainConfig.tiny().toBuilder().setEpochs(3).build();
    RankTrainResult straight = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
        .setSeed(5).build().train(SMALL, VAL);
    RankTrainResult again = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
        .setSeed(5).build().train(SMALL, VAL);
    RankerTrainer part = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t).setSeed(5)
        .optOutputDir(dir).optStopAfterEpochs(2).build();
    RankTrainResult first = part.train(SMALL, VAL);
    Path cp = dir.resolve(RankerTrainer.CHECKPOINT_FILE);
    assertTrue(Files.isRegularFile(cp));
    assertTrue(Files.isRegularFile(dir.resolve(RankerModel.MODEL_FILE)));
    assertEquals("stop after 2 epochs", first.stopReason());
    assertEquals(2, first.epochs().size());
    RankTrainResult resumed = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
        .setSeed(5).optOutputDir(dir).build().resume(SMALL, VAL, cp);
    try (RankerModel a = straight.model();
        RankerModel b = again.model();
        RankerModel p = first.model();
        RankerModel r = resumed.model();
        RankerModel saved = RankerModel.load(dir)) {
      assertEquals(straight.epochs(), again.epochs());
      assertEquals(straight.epochs(), resumed.epochs());
      assertEquals(straight.initial(), resumed.initial());
      assertEquals(straight.bestEpoch(), resumed.bestEpoch());
      float[] sa = a.score(VAL, VAL.allRows());
      assertArrayEquals(sa, b.score(VAL, VAL.allRows()));
      assertArrayEquals(sa, r.score(VAL, VAL.allRows()));
      assertArrayEquals(sa, saved.score(VAL, VAL.allRows()));
      assertEquals(SMALL.fingerprint() + "+" + VAL.fingerprint(), r.dataFingerprint());
      assertEquals(5, saved.seed());
      // another seed gives another run
      RankTrainResult other = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
          .setSeed(6).build().train(SMALL, VAL);
      try (RankerModel o = other.model()) {
        assertTrue(other.epochs().get(0).trainLoss() != straight.epochs().get(0).trainLoss());
      }
    }
    // a checkpoint refuses another seed or other rows
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankerTrainer.builder().setModelConfig(c).setTrainConfig(t).setSeed(9).build()
            .resume(SMALL, VAL, cp));
    assertTrue(e.getMessage().contains("seed 5 vs 9"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RankerTrainer.builder().setModelConfig(c).setTrainConfig(t).setSeed(5).build()
            .resume(VAL, SMALL, cp));
    assertTrue(e.getMessage().contains("different rows"), e.getMessage());
  }

  @Test
  void builderAndDataAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankerTrainer.builder().setModelConfig(RankerConfig.tiny())
            .setTrainConfig(RankTrainConfig.tiny()).build());
    assertTrue(e.getMessage().contains("seed is required"), e.getMessage());
    RankRows unlabeled = new RankRows(4, 4, 2, new float[4], new int[] {1}, new int[3],
        new int[] {0}, new int[4], new int[12], null, null);
    e = assertThrows(IllegalArgumentException.class,
        () -> trainer(Mixture.MMOE, 1).train(unlabeled, VAL));
    assertTrue(e.getMessage().contains("train rows have no labels"), e.getMessage());
  }

  /**
   * The ranker has the loop's time limit: a session out of time stops after its step, validates
   * there and checkpoints; resuming continues inside the epoch exactly (same final weights and
   * optimiser state as an uninterrupted run).
   */
  @Test
  void aTimeLimitStopsInsideAnEpochAndResumesExactly(@TempDir Path dir) {
    RankerConfig c = RankFixtures.config(Mixture.MMOE).toBuilder().optDropout(0.1f).build();
    RankTrainConfig t = RankTrainConfig.tiny().toBuilder().setEpochs(2).build();
    Path straightDir = dir.resolve("straight");
    RankerTrainer.builder().setModelConfig(c).setTrainConfig(t).setSeed(5)
        .optOutputDir(straightDir).build().train(SMALL, VAL).model().close();
    Path splitDir = dir.resolve("split");
    RankTrainResult first = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
        .setSeed(5).optOutputDir(splitDir).optMaxSeconds(1e-9).build().train(SMALL, VAL);
    first.model().close();
    assertEquals("time limit", first.stopReason());
    assertEquals(1, first.epochs().size()); // validated where it stopped, inside epoch 1
    assertEquals(1, first.epochs().get(0).epoch());
    Path cp = splitDir.resolve(RankerTrainer.CHECKPOINT_FILE);
    assertEquals(1, genrec.core.train.TrainCheckpoint.read(cp, RankerTrainer.TASK).step());
    RankTrainResult rest = RankerTrainer.builder().setModelConfig(c).setTrainConfig(t)
        .setSeed(5).optOutputDir(splitDir).build().resume(SMALL, VAL, cp);
    rest.model().close();
    assertEquals("done", rest.stopReason());
    var a = genrec.core.train.TrainCheckpoint.read(
        straightDir.resolve(RankerTrainer.CHECKPOINT_FILE), RankerTrainer.TASK);
    var b = genrec.core.train.TrainCheckpoint.read(cp, RankerTrainer.TASK);
    assertEquals(a.step(), b.step());
    for (String prefix : new String[] {"w/", "m/", "v/"}) {
      var wa = a.group(prefix);
      var wb = b.group(prefix);
      assertEquals(wa.keySet(), wb.keySet());
      wa.forEach((k, v) -> assertArrayEquals(v.data(), wb.get(k).data(), prefix + k));
    }
  }
}
