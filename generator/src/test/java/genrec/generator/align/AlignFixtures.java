package genrec.generator.align;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.SyntheticInteractions;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.TestModels;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;

/** A small synthetic dataset, random semantic IDs and a random-weight reference generator. */
final class AlignFixtures {
  static final int ITEMS = 60;
  static final int K = 16;

  private AlignFixtures() {}

  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  static LeaveOneOutSplit split() {
    Dataset d = SyntheticInteractions.generate(
        new SyntheticInteractions.Options(120, ITEMS, 5, 12, 7));
    return LeaveOneOutSplit.of(d);
  }

  static TrainData data() {
    return TrainData.of(split(), TestModels.randomCodes(ITEMS, 4, K, 3));
  }

  static GeneratorConfig model() {
    return GeneratorConfig.tiny().toBuilder().optCodebookSize(K).optHistoryWindow(8).build();
  }

  /** A generator with seeded random weights, labelled as trained on {@code data}. */
  static GeneratorModel reference(TrainData data, long seed) {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer t = TestModels.randomModel(model(), m, seed, 0.3f);
      return GeneratorModel.of(model(), GeneratorModel.weightsOf(t), seed, data.dataFingerprint(),
          data.sidFingerprint());
    }
  }
}
