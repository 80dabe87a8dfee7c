package genrec.generator.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.tensor.Tensor;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.data.SyntheticInteractions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTrainerTest {
  private static TrainData data;

  @BeforeAll
  static void setUp() {
    TrainFixtures.singleThread();
    data = TrainFixtures.data();
  }

  private static GeneratorTrainer.Builder trainer(TrainConfig c, long seed) {
    return GeneratorTrainer.builder().setModelConfig(TrainFixtures.model()).setTrainConfig(c)
        .setSeed(seed).optEvalThreads(1);
  }

  @Test
  void lossFallsAndTheResultDescribesTheRun(@TempDir Path dir) throws IOException {
    TrainConfig c = TrainFixtures.train(40).optValidateEvery(20).build();
    TrainResult r = trainer(c, 1).optOutputDir(dir).build().train(data);
    try (GeneratorModel m = r.model()) {
      assertEquals(40, r.steps());
      assertEquals(40, r.losses().length);
      assertEquals("done", r.stopReason());
      double first = mean(r.losses(), 0, 5);
      double last = mean(r.losses(), 35, 40);
      assertTrue(last < first - 0.3, "loss " + first + " -> " + last);
      assertEquals(2, r.curve().size()); // steps 20 and 40
      assertEquals(20, r.curve().get(0).step());
      assertEquals(40, r.curve().get(1).step());
      assertTrue(r.bestStep() == 20 || r.bestStep() == 40);
      assertTrue(r.bestValNdcg10() >= 0 && r.bestValRecall10() >= r.bestValNdcg10());
      assertTrue(r.samplesPerSecond() > 0 && r.seconds() > 0);
      assertEquals(data.sidFingerprint(), m.sidFingerprint());
      assertEquals(data.dataFingerprint(), m.dataFingerprint());
      assertEquals(1, m.seed());
      for (String f : new String[] {GeneratorTrainer.MODEL_FILE, GeneratorTrainer.MODEL_JSON,
          GeneratorTrainer.CHECKPOINT_FILE, GeneratorTrainer.CURVE_FILE,
          GeneratorTrainer.CURVE_CHART_FILE}) {
        assertTrue(Files.isRegularFile(dir.resolve(f)), f);
      }
      byte[] png = Files.readAllBytes(dir.resolve(GeneratorTrainer.CURVE_CHART_FILE));
      assertTrue(png.length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
      assertNoTempFiles(dir);
      assertTrue(r.summary().contains("trained 40 steps"), r.summary());
    }
  }

  /** Training N steps straight equals k steps, checkpoint, resume for N - k: same bits. */
  @Test
  void resumeContinuesExactly(@TempDir Path dir) throws IOException {
    TrainConfig c = TrainFixtures.train(14).optValidateEvery(4).build();
    Path straight = dir.resolve("straight");
    Path split = dir.resolve("split");
    TrainResult a = trainer(c, 5).optOutputDir(straight).build().train(data);
    TrainResult b1 = trainer(c, 5).optOutputDir(split).optStopAfterSteps(6).build().train(data);
    assertEquals(6, b1.steps());
    assertEquals("stop after 6 steps", b1.stopReason());
    Path cpFile = split.resolve(GeneratorTrainer.CHECKPOINT_FILE);
    Checkpoint mid = Checkpoint.read(cpFile);
    assertEquals(6, mid.step());
    assertEquals(1, mid.curve().size()); // validated at step 4
    GeneratorTrainer resumed = GeneratorTrainer.resumeFrom(cpFile).optEvalThreads(1)
        .optOutputDir(split).build();
    TrainResult b2 = resumed.resume(data, cpFile);
    assertEquals(6, b2.firstStep());
    assertEquals(14, b2.steps());
    float[] tail = java.util.Arrays.copyOfRange(a.losses(), 6, 14);
    assertArrayEquals(tail, b2.losses());
    assertArrayEquals(java.util.Arrays.copyOf(a.losses(), 6), b1.losses());
    Checkpoint ca = Checkpoint.read(straight.resolve(GeneratorTrainer.CHECKPOINT_FILE));
    Checkpoint cb = Checkpoint.read(cpFile);
    assertEquals(ca.step(), cb.step());
    assertEquals(ca.tensors().keySet(), cb.tensors().keySet());
    assertTrue(ca.tensors().keySet().stream().anyMatch(k -> k.startsWith("m/")));
    for (Map.Entry<String, Tensor> e : ca.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), cb.tensors().get(e.getKey()).data(), e.getKey());
    }
    assertEquals(a.curve().size(), b2.curve().size());
    for (int i = 0; i < a.curve().size(); i++) {
      assertEquals(a.curve().get(i).step(), b2.curve().get(i).step());
      assertEquals(a.curve().get(i).valNdcg10(), b2.curve().get(i).valNdcg10());
      assertEquals(a.curve().get(i).valRecall10(), b2.curve().get(i).valRecall10());
      assertEquals(a.curve().get(i).trainLoss(), b2.curve().get(i).trainLoss(), 1e-9);
    }
    assertEquals(a.bestStep(), b2.bestStep());
    assertEquals(a.model().weights().keySet(), b2.model().weights().keySet());
    for (Map.Entry<String, Tensor> e : a.model().weights().entrySet()) {
      assertArrayEquals(e.getValue().data(), b2.model().weights().get(e.getKey()).data());
    }
    a.model().close();
    b1.model().close();
    b2.model().close();
    assertNoTempFiles(split);
  }

  /**
   * The weight average follows its formula, leaves training alone (same raw weights and losses
   * as a run without it), is what the run validates and writes as the model and as the
   * checkpoint's last weights, and resumes exactly.
   */
  @Test
  void weightAverageIsTheModelAndResumesExactly(@TempDir Path dir) {
    // validations at steps 4, 8 and 12: training goes on after the average was swapped in
    TrainConfig plain = TrainFixtures.train(12).optValidateEvery(4).build();
    TrainConfig averaged = plain.toBuilder().optEmaDecay(0.8f).build();
    // one step: average = d·w0 + (1 − d)·w1 with d = min(0.8, 2/11)
    trainer(averaged, 3).optOutputDir(dir.resolve("one")).optStopAfterSteps(1).build()
        .train(data).model().close();
    Checkpoint one = Checkpoint.read(dir.resolve("one").resolve(GeneratorTrainer.CHECKPOINT_FILE));
    Map<String, Tensor> w0 = initialWeights(3);
    float d = 2f / 11f;
    for (Map.Entry<String, Tensor> e : one.group("w/").entrySet()) {
      float[] w1 = e.getValue().data();
      float[] start = w0.get(e.getKey()).data();
      float[] avg = one.group(WeightAverage.PREFIX).get(e.getKey()).data();
      for (int i = 0; i < w1.length; i++) {
        assertEquals(d * start[i] + (1 - d) * w1[i], avg[i], 1e-6, e.getKey());
      }
    }

    TrainResult raw = trainer(plain, 3).optOutputDir(dir.resolve("plain")).build().train(data);
    TrainResult a = trainer(averaged, 3).optOutputDir(dir.resolve("ema")).build().train(data);
    assertArrayEquals(raw.losses(), a.losses());
    Path cpA = dir.resolve("ema").resolve(GeneratorTrainer.CHECKPOINT_FILE);
    Checkpoint ca = Checkpoint.read(cpA);
    Checkpoint cr = Checkpoint.read(dir.resolve("plain").resolve(GeneratorTrainer.CHECKPOINT_FILE));
    assertTrue(cr.group(WeightAverage.PREFIX).isEmpty());
    assertSameTensors(cr.group("w/"), ca.group("w/"));
    Map<String, Tensor> average = ca.group(WeightAverage.PREFIX);
    assertSameTensors(ca.group("best/"), a.model().weights()); // the best check's average
    if (a.bestStep() == 12) {
      assertSameTensors(average, a.model().weights());
    }
    try (GeneratorModel last = GeneratorModel.lastOf(cpA)) {
      assertSameTensors(average, last.weights());
    }
    String name = average.keySet().iterator().next();
    assertNotEquals(average.get(name).data()[0], ca.group("w/").get(name).data()[0]);

    Path split = dir.resolve("split");
    trainer(averaged, 3).optOutputDir(split).optStopAfterSteps(6).build().train(data)
        .model().close();
    Path cpB = split.resolve(GeneratorTrainer.CHECKPOINT_FILE);
    TrainResult b = GeneratorTrainer.resumeFrom(cpB).optEvalThreads(1).optOutputDir(split)
        .build().resume(data, cpB);
    assertSameTensors(ca.tensors(), Checkpoint.read(cpB).tensors());
    assertEquals(a.bestValNdcg10(), b.bestValNdcg10());
    raw.model().close();
    a.model().close();
    b.model().close();
  }

  /** The raw weights come back when the work run on the average throws. */
  @Test
  void weightAverageRestoresTheRawWeightsWhenTheWorkThrows() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
      genrec.generator.model.SidTransformer net = seededNet(m, 1);
      List<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> params = new java.util.ArrayList<>();
      net.getParameters().forEach(params::add);
      WeightAverage avg = new WeightAverage(params, m, 0.5f);
      params.forEach(p -> p.getValue().getArray().addi(1f)); // raw weights move away from it
      Map<String, Tensor> raw = GeneratorModel.weightsOf(net);
      Map<String, Tensor> seen = new java.util.HashMap<>();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> avg.withAverage(() -> {
            seen.putAll(GeneratorModel.weightsOf(net));
            throw new IllegalStateException("boom");
          }));
      assertEquals("boom", e.getMessage());
      assertSameTensors(avg.weights(), seen); // the work saw the average
      assertSameTensors(raw, GeneratorModel.weightsOf(net)); // and the raw weights are back
    }
  }

  /** The seeded initial weights of the test model. */
  private static Map<String, Tensor> initialWeights(long seed) {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
      return GeneratorModel.weightsOf(seededNet(m, seed));
    }
  }

  /** The test model in {@code m}, with the trainer's seeded initial weights. */
  private static genrec.generator.model.SidTransformer seededNet(ai.djl.ndarray.NDManager m,
      long seed) {
    genrec.generator.model.SidTransformer net =
        new genrec.generator.model.SidTransformer(TrainFixtures.model());
    net.initialize(m);
    List<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> params = new java.util.ArrayList<>();
    net.getParameters().forEach(params::add);
    GeneratorTrainer.initWeights(params, new java.util.Random(seed));
    return net;
  }

  private static void assertSameTensors(Map<String, Tensor> want, Map<String, Tensor> got) {
    assertEquals(want.keySet(), got.keySet());
    for (Map.Entry<String, Tensor> e : want.entrySet()) {
      assertArrayEquals(e.getValue().data(), got.get(e.getKey()).data(), e.getKey());
    }
  }

  @Test
  void sequenceParallelLayoutTrainsAndResumesExactly(@TempDir Path dir) {
    TrainConfig c = TrainFixtures.train(30).setBatchSize(8).optValidateEvery(15)
        .optSamples(TrainConfig.Samples.SEQUENCE).build();
    GeneratorTrainer.Builder b = GeneratorTrainer.builder()
        .setModelConfig(SequenceParallelTest.causalCompact()).setTrainConfig(c).setSeed(4)
        .optEvalThreads(1);
    TrainResult a = b.build().train(data);
    a.model().close();
    assertEquals("done", a.stopReason());
    assertTrue(mean(a.losses(), 25, 30) < mean(a.losses(), 0, 5) - 0.3,
        java.util.Arrays.toString(a.losses()));
    assertEquals(2, a.curve().size());
    TrainResult b1 = b.optOutputDir(dir).optStopAfterSteps(11).build().train(data);
    b1.model().close();
    TrainResult b2 = GeneratorTrainer.resumeFrom(dir.resolve(GeneratorTrainer.CHECKPOINT_FILE))
        .optEvalThreads(1).build().resume(data, dir.resolve(GeneratorTrainer.CHECKPOINT_FILE));
    b2.model().close();
    assertArrayEquals(java.util.Arrays.copyOfRange(a.losses(), 11, 30), b2.losses());
    assertEquals(a.bestValNdcg10(), b2.bestValNdcg10());
    // the per-prefix model config is refused for this layout
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(c, 4).build().train(data));
    assertTrue(e.getMessage().contains("causalEncoder=true"), e.getMessage());
  }

  @Test
  void resumeRefusesAnotherRunOrOtherData(@TempDir Path dir) {
    TrainConfig c = TrainFixtures.train(4).build();
    trainer(c, 5).optOutputDir(dir).optStopAfterSteps(2).build().train(data).model().close();
    Path cp = dir.resolve(GeneratorTrainer.CHECKPOINT_FILE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(c, 6).build().resume(data, cp));
    assertTrue(e.getMessage().contains("seed 5 vs 6"), e.getMessage());
    int[][] other = data.itemCodes().clone();
    other[0] = new int[] {other[1][0], other[1][1], other[1][2], (other[1][3] + 1) % 16};
    TrainData changed = new TrainData(data.sequences(), data.validation(), other);
    e = assertThrows(IllegalArgumentException.class,
        () -> trainer(c, 5).build().resume(changed, cp));
    assertTrue(e.getMessage().contains("different semantic IDs"), e.getMessage());
  }

  @Test
  void refitDataAddsEachValidationItemAndHasNoValidationCases() {
    Dataset d = SyntheticInteractions.generate(
        new SyntheticInteractions.Options(30, TrainFixtures.ITEMS, 5, 12, 7));
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    TrainData refit = TrainData.refit(split, data.itemCodes());
    assertTrue(refit.validation().isEmpty());
    for (EvalCase c : split.test()) {
      // the refit sequence is the test history: training + the validation item
      assertArrayEquals(c.history(), refit.sequences().get(c.user()));
      int[] train = split.train().get(c.user());
      assertEquals(train.length + 1, c.history().length);
    }
    assertNotEquals(TrainData.of(split, data.itemCodes()).dataFingerprint(),
        refit.dataFingerprint()); // how a refit run is told apart
    assertEquals(TrainData.of(split, data.itemCodes()).sidFingerprint(), refit.sidFingerprint());
  }

  @Test
  void earlyStoppingAfterPatienceValidationsWithoutGain() {
    // a vanishing learning rate leaves the metrics unchanged, so no validation improves
    TrainConfig c = TrainFixtures.train(30).setLearningRate(1e-12f).optValidateEvery(2)
        .optPatience(2).build();
    TrainResult r = trainer(c, 3).build().train(data);
    r.model().close();
    assertEquals("early stopping", r.stopReason());
    assertEquals(6, r.steps()); // best at 2, no gain at 4 and 6
    assertEquals(2, r.bestStep());
    assertEquals(3, r.curve().size());
  }

  @Test
  void lengthBucketedBatchesPadLessAndAreFixedBySeedAndEpoch() {
    int n = 1000;
    int batch = 16;
    java.util.Random r = new java.util.Random(7);
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = 1 + r.nextInt(20);
    }
    int[] order = genrec.core.train.Seeds.permutation(n, 3, 0);
    int[] bucketed = genrec.core.train.EpochBatches.lengthBucketed(order, lengths, batch, 8, 3, 0);
    int[] sorted = bucketed.clone();
    java.util.Arrays.sort(sorted);
    int[] identity = java.util.stream.IntStream.range(0, n).toArray();
    assertArrayEquals(identity, sorted); // every sample once
    assertArrayEquals(bucketed, genrec.core.train.EpochBatches.lengthBucketed(order, lengths, batch, 8, 3, 0));
    assertNotEquals(java.util.Arrays.toString(bucketed), java.util.Arrays.toString(
        genrec.core.train.EpochBatches.lengthBucketed(order, lengths, batch, 8, 3, 1)));
    // padded cells (batch × longest chunk) shrink from ~19/20 per row to close to the mean
    long randomCells = paddedCells(order, lengths, batch);
    long bucketCells = paddedCells(bucketed, lengths, batch);
    long real = java.util.Arrays.stream(lengths).asLongStream().sum();
    assertTrue(bucketCells < real * 1.25 && randomCells > real * 1.6,
        "real " + real + ", random " + randomCells + ", bucketed " + bucketCells);
    // batches of a pool are not in length order, and a pool keeps its own samples
    int[] firstBatchMax = new int[8];
    for (int b = 0; b < 8; b++) {
      for (int k = 0; k < batch; k++) {
        firstBatchMax[b] = Math.max(firstBatchMax[b], lengths[bucketed[b * batch + k]]);
      }
    }
    int[] ascending = firstBatchMax.clone();
    java.util.Arrays.sort(ascending);
    assertNotEquals(java.util.Arrays.toString(ascending),
        java.util.Arrays.toString(firstBatchMax));
    int[] pool = java.util.Arrays.copyOf(bucketed, 8 * batch);
    int[] poolBefore = java.util.Arrays.copyOf(order, 8 * batch);
    java.util.Arrays.sort(pool);
    java.util.Arrays.sort(poolBefore);
    assertArrayEquals(poolBefore, pool);
    // the partial last batch (1000 = 62 × 16 + 8) stays last
    int[] tail = java.util.Arrays.copyOfRange(bucketed, 62 * batch, n);
    for (int i : tail) {
      assertTrue(java.util.Arrays.stream(order, 7 * 8 * batch, n).anyMatch(o -> o == i));
    }
  }

  private static long paddedCells(int[] order, int[] lengths, int batch) {
    long cells = 0;
    for (int from = 0; from < order.length; from += batch) {
      int max = 0;
      int to = Math.min(order.length, from + batch);
      for (int i = from; i < to; i++) {
        max = Math.max(max, lengths[order[i]]);
      }
      cells += (long) max * (to - from);
    }
    return cells;
  }

  @Test
  void validationSubsetIsFixedBySeed() {
    TrainConfig c = TrainFixtures.train(4).optValidationUsers(10).build();
    List<EvalCase> s1 = trainer(c, 1).build().validationSubset(data.validation());
    List<EvalCase> s1b = trainer(c, 1).build().validationSubset(data.validation());
    List<EvalCase> s2 = trainer(c, 2).build().validationSubset(data.validation());
    assertEquals(10, s1.size());
    assertEquals(s1.stream().map(EvalCase::user).toList(),
        s1b.stream().map(EvalCase::user).toList());
    assertNotEquals(s1.stream().map(EvalCase::user).toList(),
        s2.stream().map(EvalCase::user).toList());
  }

  @Test
  void builderRequiresSeedAndConfigs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GeneratorTrainer.builder().setModelConfig(TrainFixtures.model())
            .setTrainConfig(TrainFixtures.train(4).build()).build());
    assertTrue(e.getMessage().contains("seed is required"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GeneratorTrainer.builder().setSeed(1)
        .setTrainConfig(TrainFixtures.train(4).build()).build());
  }

  @Test
  void codesOutsideTheModelsCodebookAreRefused() {
    int[][] codes = data.itemCodes().clone();
    codes[3] = new int[] {0, 0, 0, 99};
    TrainData bad = new TrainData(data.sequences(), data.validation(), codes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(TrainFixtures.train(4).build(), 1).build().train(bad));
    assertTrue(e.getMessage().contains("item 3 has code 99"), e.getMessage());
  }

  private static double mean(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  static void assertNoTempFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> tmp = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp")).toList();
      assertEquals(List.of(), tmp);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
