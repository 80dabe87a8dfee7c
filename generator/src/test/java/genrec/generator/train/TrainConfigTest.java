package genrec.generator.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.tensor.TensorFile;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

  @Test
  void theTestRecipeIsValid() {
    TrainConfig c = TrainConfig.tiny();
    assertTrue(c.maxSteps() > 0);
    assertEquals(c, c.toBuilder().build());
  }

  /** The beauty preset's recipe (configs/beauty.yaml; PresetTest pins the file to these). */
  static TrainConfig beauty() {
    return TrainConfig.builder().setBatchSize(64).setLearningRate(2e-3f).optWarmupSteps(100)
        .setMaxSteps(10_000).optValidateEvery(1500).optValidationUsers(3000)
        .optValidationBeam(20).optPatience(0).optCheckpointEvery(1500).optEmaDecay(0.999f)
        .build();
  }

  @Test
  void theRealDataRecipeScalesStepsAndCadenceWithTheData() {
    TrainConfig beauty = beauty();
    // Amazon Beauty: 369 batches of 64 chunks per epoch; Amazon Sports: 574
    TrainConfig b = beauty.scaledToData(369, 27);
    assertEquals(9963, b.maxSteps());
    assertEquals(1500, b.validateEvery());
    assertEquals(1500, b.checkpointEvery());
    TrainConfig s = beauty.scaledToData(574, 27);
    assertEquals(15498, s.maxSteps());
    assertEquals(2300, s.validateEvery());
    assertEquals(beauty.warmupSteps(), s.warmupSteps());
    assertEquals(beauty.learningRate(), s.learningRate());
    // checks stay at least 100 steps apart; no validation stays none
    assertEquals(100, beauty.scaledToData(2, 10).validateEvery());
    assertEquals(0, beauty.toBuilder().optValidateEvery(0).build()
        .scaledToData(369, 27).validateEvery());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> beauty.scaledToData(0, 27));
    assertTrue(e.getMessage().contains("batchesPerEpoch=0"), e.getMessage());
  }

  @Test
  void buildNamesTheBadValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.builder().setBatchSize(0).setLearningRate(-1f).build());
    assertTrue(e.getMessage().contains("batchSize=0 must be >= 1"), e.getMessage());
    assertTrue(e.getMessage().contains("learningRate=-1.0 is required"), e.getMessage());
    assertTrue(e.getMessage().contains("exactly one must be set"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.tiny().toBuilder().optBetas(0.9f, 1f).optClipNorm(-1f).build());
    assertTrue(e.getMessage().contains("beta2=1.0"), e.getMessage());
    assertTrue(e.getMessage().contains("clipNorm=-1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.tiny().toBuilder().optEmaDecay(1f).build());
    assertTrue(e.getMessage().contains("emaDecay=1.0 must be in [0, 1)"), e.getMessage());
  }

  @Test
  void warmUpThenCosineOrLinearDecay() {
    TrainConfig c = TrainConfig.builder().setBatchSize(8).setLearningRate(1f).setMaxSteps(110)
        .optWarmupSteps(10).optMinLearningRateRatio(0.1f).build();
    assertEquals(0.1f, c.learningRateAt(1, 110), 1e-6);
    assertEquals(1f, c.learningRateAt(10, 110), 1e-6);
    assertEquals(0.55f, c.learningRateAt(60, 110), 1e-6); // cosine half way: 0.1 + 0.9 * 0.5
    assertEquals(0.1f, c.learningRateAt(110, 110), 1e-6);
    TrainConfig lin = c.toBuilder().optDecay(TrainConfig.Decay.LINEAR).build();
    assertEquals(0.775f, lin.learningRateAt(35, 110), 1e-6); // 1 - 0.9 * 0.25
    TrainConfig flat = c.toBuilder().optDecay(TrainConfig.Decay.CONSTANT).build();
    assertEquals(1f, flat.learningRateAt(100, 110), 1e-6);
    TrainConfig ep = c.toBuilder().setEpochs(3).build();
    assertEquals(30, ep.totalSteps(10));
  }

  @Test
  void checkpointsWrittenBeforeLengthBucketsReadAsOff() throws Exception {
    TrainConfig c = beauty().toBuilder()
        .optSamples(TrainConfig.Samples.SEQUENCE).build();
    assertEquals(32, c.lengthBuckets());
    com.fasterxml.jackson.databind.node.ObjectNode json = TensorFile.JSON.valueToTree(c);
    assertEquals(c, TensorFile.JSON.treeToValue(json, TrainConfig.class));
    json.remove("lengthBuckets");
    TrainConfig old = TensorFile.JSON.treeToValue(json, TrainConfig.class);
    assertEquals(0, old.lengthBuckets());
    assertEquals(c.toBuilder().optLengthBuckets(0).build(), old);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.toBuilder().optLengthBuckets(-1).build());
    assertTrue(e.getMessage().contains("lengthBuckets=-1"), e.getMessage());
  }
}
