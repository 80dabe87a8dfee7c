package genrec.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import genrec.quantizer.sid.QuantizerFiles.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Weights between native memory and {@link Tensor} copies: snapshot, shape-checked copy back. */
public final class Weights {
  private Weights() {}

  /** A copy of {@code a}'s values and shape, off native memory. */
  public static Tensor tensorOf(NDArray a) {
    return new Tensor(a.getShape().getShape(), a.toFloatArray());
  }

  /** Copies of every parameter's values, by parameter name, in order. */
  public static Map<String, Tensor> of(Iterable<Pair<String, Parameter>> parameters) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : parameters) {
      out.put(p.getKey(), tensorOf(p.getValue().getArray()));
    }
    return out;
  }

  /**
   * Copies {@code t} into {@code target}'s own native memory after checking the shape.
   *
   * @throws IllegalArgumentException naming {@code name} if the shapes differ
   */
  public static void copyInto(Tensor t, NDArray target, String name) {
    long[] want = target.getShape().getShape();
    if (!Arrays.equals(want, t.shape())) {
      throw new IllegalArgumentException("tensor '" + name + "' has shape "
          + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
    }
    // copyTo, not NDArray.set(float[]), which would re-point the tensor at Java memory
    try (NDArray values = target.getManager().create(t.data(), target.getShape())) {
      values.copyTo(target);
    }
  }

  /**
   * Copies {@code weights} into every parameter.
   *
   * @param what what the weights are, for the error when one is missing ("checkpoint")
   * @throws IllegalArgumentException naming a missing weight or a shape mismatch
   */
  public static void load(Map<String, Tensor> weights,
      Iterable<Pair<String, Parameter>> parameters, String what) {
    for (Pair<String, Parameter> p : parameters) {
      Tensor t = weights.get(p.getKey());
      if (t == null) {
        throw new IllegalArgumentException(what + " has no weight '" + p.getKey() + "'");
      }
      copyInto(t, p.getValue().getArray(), p.getKey());
    }
  }

  /** The entries whose names start with {@code prefix}, with the prefix removed, in order. */
  public static Map<String, Tensor> group(Map<String, Tensor> tensors, String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }
}
