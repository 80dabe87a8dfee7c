package genrec.quantizer.sid;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Tests train tiny networks, where PyTorch's second intra-op thread only adds latency to every
 * small op (badly so when another build shares the cores): tests run libtorch single-threaded.
 */
public final class TorchThreads {
  private TorchThreads() {}

  public static void single() {
    Engine.getEngine("PyTorch"); // loads libtorch
    JniUtils.setNumThreads(1);
  }
}
