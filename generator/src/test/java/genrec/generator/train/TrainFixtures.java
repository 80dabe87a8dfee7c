package genrec.generator.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.SyntheticInteractions;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.TestModels;

/** A small synthetic dataset, random semantic IDs and small configs for the training tests. */
final class TrainFixtures {
  static final int ITEMS = 60;
  static final int K = 16;

  private TrainFixtures() {}

  /** Tests run libtorch single-threaded (a second OpenMP thread only adds latency here). */
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  static TrainData data() {
    Dataset d = SyntheticInteractions.generate(
        new SyntheticInteractions.Options(120, ITEMS, 5, 12, 7));
    return TrainData.of(LeaveOneOutSplit.of(d), TestModels.randomCodes(ITEMS, 4, K, 3));
  }

  /** The tiny model with a 16-code codebook and an 8-item window (dropout 0.1 stays on). */
  static GeneratorConfig model() {
    return GeneratorConfig.tiny().toBuilder().optCodebookSize(K).optHistoryWindow(8).build();
  }

  static TrainConfig.Builder train(int steps) {
    return TrainConfig.tiny().toBuilder().setMaxSteps(steps).optWarmupSteps(3)
        .optValidateEvery(0).optValidationUsers(20).optValidationBeam(8).optCheckpointEvery(0);
  }
}
