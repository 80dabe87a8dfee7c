package genrec.quantizer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The pinned PyTorch engine loads from the bundled native jar with downloads switched off. */
class OfflineEngineTest {
  @Test
  void createsAnNdArrayOnPyTorchOffline() {
    assertEquals("true", System.getProperty("ai.djl.offline"));
    Engine engine = Engine.getEngine("PyTorch");
    assertEquals("2.7.1", engine.getVersion());
    try (NDManager m = engine.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2)); // (2, 2)
      NDArray b = a.matMul(a); // (2, 2)
      assertArrayEquals(new float[] {7, 10, 15, 22}, b.toFloatArray());
      assertEquals("PyTorch", b.getManager().getEngine().getEngineName());
    }
  }
}
