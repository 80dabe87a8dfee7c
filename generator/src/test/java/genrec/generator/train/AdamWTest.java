package genrec.generator.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @BeforeAll
  static void threads() {
    TrainFixtures.singleThread();
  }

  /** Loss sum(w²): gradient 2w. Two steps checked against a double-precision reference. */
  @Test
  void matchesTheReferenceUpdateAndZeroesGradients() {
    float[] w0 = {1f, -2f, 0.5f, 3f};
    float lr = 0.1f;
    TrainConfig c = TrainFixtures.train(10).optWeightDecay(0.01f).optBetas(0.9f, 0.98f).build();
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager m = engine.newBaseManager()) {
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
          .optShape(new Shape(2, 2)).build();
      p.initialize(m, DataType.FLOAT32);
      m.create(w0, new Shape(2, 2)).copyTo(p.getArray());
      AdamW opt = new AdamW(List.of(new Pair<>("w", p)), m.newSubManager(), c);
      double[] w = {1, -2, 0.5, 3};
      double[] mom = new double[4];
      double[] vel = new double[4];
      for (int t = 1; t <= 2; t++) {
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray x = p.getArray();
          gc.backward(x.mul(x).sum());
        }
        if (t == 1) {
          assertEquals(Math.sqrt(4 + 16 + 1 + 36), opt.gradNorm(), 1e-5);
        }
        opt.step(lr, 1f);
        for (int i = 0; i < 4; i++) {
          double g = 2 * w[i];
          mom[i] = 0.9 * mom[i] + 0.1 * g;
          vel[i] = 0.98 * vel[i] + 0.02 * g * g;
          double mh = mom[i] / (1 - Math.pow(0.9, t));
          double vh = vel[i] / (1 - Math.pow(0.98, t));
          w[i] = w[i] * (1 - lr * 0.01) - lr * mh / (Math.sqrt(vh) + 1e-8);
        }
        float[] got = p.getArray().toFloatArray();
        for (int i = 0; i < 4; i++) {
          assertEquals(w[i], got[i], 1e-5, "step " + t + " element " + i);
        }
      }
      // first step moves every weight by lr (Adam's sign-like first step) plus the decay
      assertEquals(2, opt.steps());
      assertArrayEquals(new float[4], p.getArray().getGradient().toFloatArray());
    }
  }
}
