package genrec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on {@link LinearTask}: exact resume, limits, best keeping, atomic files. */
class TrainingLoopTest {
  private static final int TOTAL = 20;

  private static TrainingLoop.Builder loop(LinearTask task, Path checkpoint) {
    return TrainingLoop.builder().setTask(task).setSeed(7).setTotalSteps(TOTAL)
        .setMetric("neg_mse").optValidateEvery(5).optCheckpointEvery(5)
        .optCheckpointFile(checkpoint);
  }

  /** Stop at step k, resume from the checkpoint: the same bits as an uninterrupted run. */
  @Test
  void resumeAfterAStopEqualsAnUninterruptedRun(@TempDir Path dir) {
    LinearTask straight = new LinearTask(3);
    LoopResult a = loop(straight, dir.resolve("a.bin")).build().train();
    assertEquals(StopReason.DONE, a.stopReason());
    assertEquals(TOTAL, a.steps());
    assertEquals(List.of(5L, 10L, 15L, 20L), straight.validatedAt);
    assertTrue(a.losses()[TOTAL - 1] < a.losses()[0] / 2, java.util.Arrays.toString(a.losses()));

    Path cp = dir.resolve("b.bin");
    LinearTask first = new LinearTask(3);
    LoopResult b1 = loop(first, cp).optStopAfterSteps(7).build().train();
    assertEquals(StopReason.STOP_AFTER, b1.stopReason());
    assertEquals("stop after 7 steps", b1.stopText(7, "steps"));
    assertEquals(7, b1.steps());
    assertEquals(List.of(5L), first.validatedAt); // no extra validation at a step limit
    TrainCheckpoint mid = TrainCheckpoint.read(cp, "linear");
    assertEquals(7, mid.step());
    assertEquals(2, mid.lossCount()); // steps 6 and 7 since the validation at 5

    LinearTask second = new LinearTask(3);
    LoopResult b2 = loop(second, cp).build().resume(cp);
    assertEquals(7, b2.firstStep());
    assertEquals(TOTAL, b2.steps());
    assertArrayEquals(java.util.Arrays.copyOf(a.losses(), 7), b1.losses());
    assertArrayEquals(java.util.Arrays.copyOfRange(a.losses(), 7, TOTAL), b2.losses());
    assertEquals(List.of(10L, 15L, 20L), second.validatedAt);
    assertEquals(a.bestStep(), b2.bestStep());
    assertEquals(a.bestMetrics(), b2.bestMetrics());
    assertSame(straight.finished, second.finished);
    assertEquals(straight.samplesSeen, second.samplesSeen); // the task's JSON state came back
    assertEquals(straight.traceSum, second.traceSum); // and its tensor
    TrainCheckpoint ca = TrainCheckpoint.read(dir.resolve("a.bin"), "linear");
    TrainCheckpoint cb = TrainCheckpoint.read(cp, "linear");
    assertSame(ca.tensors(), cb.tensors()); // weights, moments, best weights, task tensors
    assertTrue(ca.tensors().keySet().containsAll(List.of("w/weight", "m/weight", "v/weight",
        "best/weight", "trace/sum")), ca.tensors().keySet().toString());
    assertEquals(ca.state(), cb.state());
  }

  /** A session that runs out of time stops after the current step and validates there. */
  @Test
  void aTimeLimitStopsValidatesAndCheckpoints(@TempDir Path dir) {
    Path cp = dir.resolve("cp.bin");
    LinearTask task = new LinearTask(3);
    LoopResult r = loop(task, cp).optMaxSeconds(1e-9).build().train();
    assertEquals(StopReason.TIME_LIMIT, r.stopReason());
    assertEquals("time limit", r.stopText(0, "steps"));
    assertEquals(1, r.steps());
    assertEquals(List.of(1L), task.validatedAt);
    assertEquals(1, task.finishedBest);
    assertEquals(1, TrainCheckpoint.read(cp, "linear").step());
    // the next session, without a limit, runs to the end
    LoopResult rest = loop(new LinearTask(3), cp).build().resume(cp);
    assertEquals(StopReason.DONE, rest.stopReason());
    assertEquals(TOTAL, rest.steps());
    assertEquals(TOTAL - 1, rest.losses().length);
  }

  /** The best weights are those of the validation with the highest value of the named metric. */
  @Test
  void theBestIsKeptByTheNamedMetric() {
    double[] scores = {0.3, 0.5, 0.4, 0.5, 0.2}; // validations at 4, 8, 12, 16 and 20
    LinearTask byScore = new LinearTask(3);
    byScore.scripted = scores;
    LoopResult r = TrainingLoop.builder().setTask(byScore).setSeed(7).setTotalSteps(TOTAL)
        .setMetric("score").optValidateEvery(4).build().train();
    assertEquals(8, r.bestStep()); // 0.5 at 8; the tie at 16 keeps the earlier
    assertEquals(0.5, r.best("score"));
    assertEquals(-0.5, r.best("neg"));
    assertEquals(8, byScore.finishedBest);
    assertSame(byScore.weightsAt.get(8L), byScore.finished);

    LinearTask byNeg = new LinearTask(3);
    byNeg.scripted = scores;
    LoopResult n = TrainingLoop.builder().setTask(byNeg).setSeed(7).setTotalSteps(TOTAL)
        .setMetric("neg").optValidateEvery(4).build().train();
    assertEquals(20, n.bestStep()); // -0.2 is the highest
    assertSame(byNeg.weightsAt.get(20L), byNeg.finished);

    // patience 2: best at 4 and 8, no gain at 12 and 16 -> stop at 16
    LinearTask patient = new LinearTask(3);
    patient.scripted = scores;
    LoopResult p = TrainingLoop.builder().setTask(patient).setSeed(7).setTotalSteps(TOTAL)
        .setMetric("score").optValidateEvery(4).optPatience(2).build().train();
    assertEquals(StopReason.EARLY_STOPPING, p.stopReason());
    assertEquals(16, p.steps());
    assertEquals(8, p.bestStep());

    // a metric the task does not report is an error naming it
    LinearTask other = new LinearTask(3);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TrainingLoop.builder().setTask(other).setSeed(7).setTotalSteps(4).setMetric("auc")
            .build().train());
    assertTrue(e.getMessage().contains("without metric 'auc'"), e.getMessage());
  }

  /** Checkpoints are written atomically: no temp files; a failed write keeps the previous one. */
  @Test
  void checkpointWritesAreAtomic(@TempDir Path dir) throws IOException {
    Path cp = dir.resolve("cp.bin");
    LinearTask crashing = new LinearTask(3);
    crashing.failStateFrom = 10; // the checkpoint at 5 is written, the one at 10 fails mid-write
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> loop(crashing, cp).build().train());
    assertTrue(String.valueOf(e.getMessage()).contains("could not write"), e.getMessage());
    assertEquals(List.of(cp), files(dir)); // the previous checkpoint, no temporary file
    TrainCheckpoint kept = TrainCheckpoint.read(cp, "linear");
    assertEquals(5, kept.step());
    // and it is a good one: resuming from it gives the uninterrupted run
    LinearTask straight = new LinearTask(3);
    LoopResult a = loop(straight, dir.resolve("sub").resolve("a.bin")).build().train();
    LinearTask resumed = new LinearTask(3);
    LoopResult b = loop(resumed, cp).build().resume(cp);
    assertArrayEquals(java.util.Arrays.copyOfRange(a.losses(), 5, TOTAL), b.losses());
    assertSame(straight.finished, resumed.finished);
    assertEquals(List.of(cp, dir.resolve("sub")), files(dir));
    assertEquals(List.of(dir.resolve("sub").resolve("a.bin")), files(dir.resolve("sub")));
  }

  @Test
  void aCheckpointOfAnotherRunOrOtherDataIsRefused(@TempDir Path dir) {
    Path cp = dir.resolve("cp.bin");
    loop(new LinearTask(3), cp).optStopAfterSteps(2).build().train();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loop(new LinearTask(4), cp).build().resume(cp));
    assertTrue(e.getMessage().contains("belongs to another run: seed 3 vs 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> loop(new LinearTask(3, "rows-v2"), cp).build().resume(cp));
    assertTrue(e.getMessage().endsWith("was trained on other rows"), e.getMessage());
    DataFormatException d = assertThrows(DataFormatException.class,
        () -> TrainCheckpoint.read(cp, "ranker"));
    assertTrue(d.getMessage().contains("a checkpoint of 'linear', expected 'ranker'"),
        d.getMessage());
  }

  @Test
  void theBuilderNamesBadValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingLoop.builder().setTask(new LinearTask(1)).setTotalSteps(-1)
            .setMetric("mse").optValidateEvery(-2).optMaxSeconds(Double.NaN).build());
    assertTrue(e.getMessage().contains("seed is required"), e.getMessage());
    assertTrue(e.getMessage().contains("totalSteps=-1 must be >= 0"), e.getMessage());
    assertTrue(e.getMessage().contains("validateEvery=-2 must be >= 0"), e.getMessage());
    assertTrue(e.getMessage().contains("maxSeconds=NaN must be >= 0"), e.getMessage());
  }

  /** Batches depend only on (seed, step): every sample once per epoch, the last batch short. */
  @Test
  void epochBatchesAreAFunctionOfTheStep() {
    EpochBatches b = new EpochBatches(10, 4, 5);
    assertEquals(3, b.batchesPerEpoch());
    int[] epoch0 = concat(b.batch(0), b.batch(1), b.batch(2));
    assertEquals(2, b.batch(2).length);
    assertArrayEquals(Seeds.permutation(10, 5, 0), epoch0);
    int[] epoch1 = concat(b.batch(3), b.batch(4), b.batch(5));
    assertArrayEquals(Seeds.permutation(10, 5, 1), epoch1);
    assertArrayEquals(b.batch(1), new EpochBatches(10, 4, 5).batch(1)); // no history needed
    // the ranker's numbering: epochs seeded from 1
    assertArrayEquals(Seeds.permutation(10, 5, 1),
        new EpochBatches(10, 10, 5, 1, null, 0).batch(0));
  }

  private static int[] concat(int[]... parts) {
    return Stream.of(parts).flatMapToInt(java.util.Arrays::stream).toArray();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static void assertSame(Map<String, Tensor> want, Map<String, Tensor> got) {
    assertEquals(want.keySet(), got.keySet());
    for (Map.Entry<String, Tensor> e : want.entrySet()) {
      assertArrayEquals(e.getValue().shape(), got.get(e.getKey()).shape(), e.getKey());
      assertArrayEquals(e.getValue().data(), got.get(e.getKey()).data(), e.getKey());
    }
  }
}
