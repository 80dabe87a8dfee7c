package genrec.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import genrec.generator.align.AlignConfig;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.train.TrainConfig;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.rqvae.RqVaeConfig;
import org.junit.jupiter.api.Test;

/**
 * The resolved configs of the named presets, pinned: the values below were printed by the code
 * before the presets moved into {@code configs/*.yaml} ({@code TrainCommand.modelConfig}, {@code
 * TrainConfig.preset}, {@code AlignConfig.tiny()/defaults()}), so the files must keep every run
 * and every figure of the README (beauty: 27 epochs of the data, 9,963 steps on Beauty, cosine
 * schedule, validation every 1,500) exactly as they were.
 */
class PresetResolutionTest {
  private static final String TINY_NET = "encoderLayers=2, decoderLayers=2, dModel=32, heads=2, "
      + "headDim=16, mlpDim=64, dropout=0.1, levels=4, codebookSize=256, historyWindow=20, ";
  private static final String DEMO_NET = "encoderLayers=2, decoderLayers=2, dModel=64, heads=4, "
      + "headDim=16, mlpDim=256, dropout=0.1, levels=4, codebookSize=256, historyWindow=20, ";
  private static final String BEAUTY_NET = "encoderLayers=4, decoderLayers=4, dModel=128, "
      + "heads=6, headDim=64, mlpDim=1024, dropout=0.1, levels=4, codebookSize=256, "
      + "historyWindow=20, ";
  private static final String TIGER = "layout=TIGER, userBuckets=0, normEps=1.0E-6, "
      + "causalEncoder=false]";
  private static final String COMPACT = "layout=COMPACT, userBuckets=0, normEps=1.0E-6, "
      + "causalEncoder=false]";
  private static final String SEQUENCE = "layout=COMPACT, userBuckets=0, normEps=1.0E-6, "
      + "causalEncoder=true]";

  private static final String TINY_TRAIN = "TrainConfig[batchSize=32, learningRate=0.003, "
      + "warmupSteps=10, decay=COSINE, minLearningRateRatio=0.1, weightDecay=0.01, beta1=0.9, "
      + "beta2=0.98, epsilon=1.0E-8, clipNorm=1.0, maxSteps=60, epochs=0, validateEvery=20, "
      + "validationUsers=50, validationBeam=10, patience=0, checkpointEvery=20, samples=%s, "
      + "lengthBuckets=32, emaDecay=0.0]";
  private static final String DEMO_TRAIN = "TrainConfig[batchSize=128, learningRate=0.001, "
      + "warmupSteps=200, decay=COSINE, minLearningRateRatio=0.1, weightDecay=0.01, beta1=0.9, "
      + "beta2=0.98, epsilon=1.0E-8, clipNorm=1.0, maxSteps=3000, epochs=0, validateEvery=250, "
      + "validationUsers=500, validationBeam=20, patience=4, checkpointEvery=250, samples=%s, "
      + "lengthBuckets=32, emaDecay=0.0]";
  private static final String BEAUTY_TRAIN = "TrainConfig[batchSize=64, learningRate=0.002, "
      + "warmupSteps=100, decay=COSINE, minLearningRateRatio=0.1, weightDecay=0.01, beta1=0.9, "
      + "beta2=0.98, epsilon=1.0E-8, clipNorm=1.0, maxSteps=%d, epochs=0, validateEvery=1500, "
      + "validationUsers=3000, validationBeam=20, patience=0, checkpointEvery=1500, "
      + "samples=%s, lengthBuckets=32, emaDecay=0.999]";

  private static final String TINY_ALIGN = "AlignConfig[steps=12, rounds=2, usersPerRound=16, "
      + "batchSize=8, learningRate=0.001, warmupSteps=0, weightDecay=0.0, clipNorm=1.0, "
      + "beta=0.1, ceWeight=0.0, ceTarget=TRUE, negatives=1, minRewardGap=1.0E-6, listSize=3, "
      + "beamWidth=6, excludeHistory=false, validateEvery=6, validationUsers=10, "
      + "validationBeam=6, checkpointEvery=6, selectBy=NDCG]";
  private static final String REAL_ALIGN = "AlignConfig[steps=1000, rounds=5, "
      + "usersPerRound=2000, batchSize=32, learningRate=1.0E-5, warmupSteps=50, "
      + "weightDecay=0.0, clipNorm=1.0, beta=0.1, ceWeight=0.0, ceTarget=TRUE, negatives=1, "
      + "minRewardGap=1.0E-6, listSize=10, beamWidth=20, excludeHistory=false, "
      + "validateEvery=200, validationUsers=1000, validationBeam=20, checkpointEvery=200, "
      + "selectBy=NDCG]";

  @Test
  void theNetworksAreTodays() {
    String[][] nets = {{"tiny", TINY_NET}, {"demo", DEMO_NET}, {"beauty", BEAUTY_NET}};
    for (String[] n : nets) {
      Preset p = Preset.load(n[0]);
      String g = "GeneratorConfig[" + n[1];
      assertEquals(g + TIGER, p.generatorConfig(Preset.Layout.TIGER, 256).toString(), n[0]);
      assertEquals(g + COMPACT, p.generatorConfig(Preset.Layout.COMPACT, 256).toString(), n[0]);
      assertEquals(g + SEQUENCE, p.generatorConfig(Preset.Layout.SEQUENCE, 256).toString(),
          n[0]);
      // no --layout: the preset's, sequence as the option's old default
      assertEquals(g + SEQUENCE, p.generatorConfig(null, 256).toString(), n[0]);
      assertEquals(Preset.Layout.SEQUENCE, p.generator().layout(), n[0]);
      // the run's codebook replaces the placeholder
      assertEquals(300, p.generatorConfig(null, 300).codebookSize(), n[0]);
    }
  }

  @Test
  void theTrainingRecipesAreTodays() {
    String[][] recipes = {{"tiny", TINY_TRAIN}, {"demo", DEMO_TRAIN}};
    for (String[] r : recipes) {
      Preset p = Preset.load(r[0]);
      assertEquals(String.format(r[1], "PER_PREFIX"),
          p.trainConfig(Preset.Layout.TIGER).toString(), r[0]);
      assertEquals(String.format(r[1], "PER_PREFIX"),
          p.trainConfig(Preset.Layout.COMPACT).toString(), r[0]);
      assertEquals(String.format(r[1], "SEQUENCE"), p.trainConfig(null).toString(), r[0]);
      assertEquals(0.0, p.train().scaledEpochs(), r[0] + ": steps as given");
      TrainConfig c = p.trainConfig(null);
      assertEquals(c, p.train().scaled(c, 369), r[0] + ": no real-data rule");
    }
    Preset beauty = Preset.load("beauty");
    assertEquals(String.format(BEAUTY_TRAIN, 10_000, "PER_PREFIX"),
        beauty.trainConfig(Preset.Layout.TIGER).toString());
    TrainConfig seq = beauty.trainConfig(null);
    assertEquals(String.format(BEAUTY_TRAIN, 10_000, "SEQUENCE"), seq.toString());
    // the README's recipe: 27 epochs of the data, 9,963 steps on Beauty (369 batches per epoch),
    // validation and checkpoints every 15% of the run
    assertEquals(String.format(BEAUTY_TRAIN, 9963, "SEQUENCE"),
        beauty.train().scaled(seq, 369).toString());
    assertEquals(seq.scaledToData(574, 27), beauty.train().scaled(seq, 574));
    assertEquals(15498, beauty.train().scaled(seq, 574).maxSteps());
    assertEquals(2300, beauty.train().scaled(seq, 574).validateEvery());
  }

  @Test
  void theAlignSettingsAreTodays() {
    assertEquals(TINY_ALIGN, Preset.load("tiny").align().toString());
    assertEquals(TINY_ALIGN, AlignConfig.tiny().toString());
    assertEquals(REAL_ALIGN, Preset.load("demo").align().toString());
    assertEquals(REAL_ALIGN, Preset.load("beauty").align().toString());
    assertEquals(REAL_ALIGN, AlignConfig.defaults().toString());
  }

  private static final String RQVAE = "RqVaeConfig[inputDim=384, hiddenDims=%s, latentDim=%d, "
      + "activation=RELU, levels=3, codebookSize=%d, beta=0.25, batchSize=%d, learningRate=%s, "
      + "optimizer=ADAMW, weightDecay=1.0E-4, epochs=%d, initSamples=%d, deadCodeThreshold=1, "
      + "deadCodeWindow=%d, ema=false, emaDecay=0.99]";

  @Test
  void theQuantizerNetworksAreTodays() {
    Object[][] rq = {
        {"tiny", "[32, 16]", 8, 8, 64, "0.003", 40, 512, 5},
        {"demo", "[256, 128]", 32, 64, 512, "0.001", 60, 4096, 20},
        {"beauty", "[512, 256, 128]", 32, 256, 1024, "0.001", 150, 8192, 20}};
    for (Object[] r : rq) {
      String name = (String) r[0];
      Preset p = Preset.load(name);
      // as 'genrec quantize' builds it: the input width is the embeddings'
      RqVaeConfig now = p.rqvae().toBuilder().setInputDim(384).build();
      assertEquals(String.format(RQVAE, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]),
          now.toString(), name);
      // what 'genrec quantize' built before: the Java preset of the same name
      assertEquals(RqVaeConfig.preset(name).toBuilder().setInputDim(384)
          .optEpochs(p.quantizer().epochs()).build(), now, name);
      ResidualKMeansConfig before = ResidualKMeansConfig.preset(name);
      assertEquals(new ResidualKMeansConfig(before.levels(), before.codebookSize(),
          p.quantizer().iterations(), p.quantizer().balanced(), before.threads()),
          p.rqkmeans(), name);
      assertEquals(String.format("ResidualKMeansConfig[levels=3, codebookSize=%d, "
          + "iterations=25, balanced=false, threads=2]", r[3]), p.rqkmeans().toString(), name);
    }
  }

  @Test
  void theModuleTestFixturesMatchTheTinyPreset() {
    Preset tiny = Preset.load("tiny");
    assertEquals(GeneratorConfig.tiny().toBuilder().optCausalEncoder(true)
        .optLayout(GeneratorConfig.Layout.COMPACT).build(), tiny.generatorConfig(null, 256));
    assertEquals(TrainConfig.tiny(), tiny.trainConfig(Preset.Layout.TIGER));
  }
}
