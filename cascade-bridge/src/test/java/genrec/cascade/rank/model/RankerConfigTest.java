package genrec.cascade.rank.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.rank.model.RankerConfig.Mixture;
import genrec.cascade.rank.train.RankTrainConfig;
import genrec.core.tensor.TensorFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RankerConfigTest {

  private static void fails(String text, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(text), "'" + ex.getMessage() + "' lacks '" + text + "'");
  }

  @Test
  void presetsAndDerivedWidths() {
    RankerConfig t = RankerConfig.tiny();
    assertEquals(2, t.numTasks());
    assertEquals(List.of(1f, 0f), t.fusionWeights());
    assertEquals(32, t.itemVectorDim());
    assertEquals(4 + 64, t.inputDim());
    RankerConfig s = RankerConfig.standard(10, 1000, 256, 20, List.of("click", "buy", "like"));
    assertEquals(16, s.embeddingDim());
    assertEquals(2, s.crossLayers());
    assertEquals(Mixture.MMOE, s.mixture());
    assertEquals(4, s.experts());
    assertEquals(0.1f, s.dropout());
    assertEquals(List.of(1f, 0f, 0f), s.fusionWeights());
  }

  @Test
  void validatesEveryField() {
    RankerConfig.Builder b = RankerConfig.tiny().toBuilder();
    fails("numDense=-1 is required", () -> RankerConfig.builder().setTasks(List.of("a")).build());
    fails("numItems=0 must be >= 1", () -> b.setData(4, 0, 8, 4).build());
    fails("tasks must name", () -> RankerConfig.tiny().toBuilder().setTasks(List.of()).build());
    fails("names 'a' twice",
        () -> RankerConfig.tiny().toBuilder().setTasks(List.of("a", "a")).build());
    fails("has 1 weights for 2 tasks",
        () -> RankerConfig.tiny().toBuilder().optFusionWeights(List.of(1f)).build());
    fails("are all 0",
        () -> RankerConfig.tiny().toBuilder().optFusionWeights(List.of(0f, 0f)).build());
    fails("must be >= 1 for PLE", () -> RankerConfig.tiny().toBuilder().optMixture(Mixture.PLE)
        .optTaskExperts(0).optSharedExperts(0).build());
    fails("dropout=1.0", () -> RankerConfig.tiny().toBuilder().optDropout(1f).build());
    fails("crossLayers=-1", () -> RankerConfig.tiny().toBuilder().optCrossLayers(-1).build());
  }

  @Test
  void jsonRoundTrip() throws Exception {
    RankerConfig c = RankerConfig.tiny().toBuilder().optMixture(Mixture.PLE)
        .optFusionWeights(List.of(1f, 0.5f)).build();
    String json = TensorFile.JSON.writeValueAsString(c);
    assertEquals(c, TensorFile.JSON.readValue(json, RankerConfig.class));
    RankTrainConfig t = RankTrainConfig.tiny();
    assertEquals(t, TensorFile.JSON.readValue(TensorFile.JSON.writeValueAsString(t),
        RankTrainConfig.class));
  }

  @Test
  void trainConfigValidates() {
    fails("batchSize=-1", () -> RankTrainConfig.builder().setEpochs(1).setLearningRate(1e-3f)
        .build());
    fails("learningRate=0.0", () -> RankTrainConfig.tiny().toBuilder().setLearningRate(0f)
        .build());
    fails("beta2=1.0", () -> RankTrainConfig.tiny().toBuilder().optBetas(0.9f, 1f).build());
  }
}
