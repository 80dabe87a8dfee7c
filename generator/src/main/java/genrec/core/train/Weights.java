package genrec.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import genrec.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

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

  /** The parameters of {@code block}, in order (what {@link TrainTask#network} returns). */
  public static List<Pair<String, Parameter>> parameters(Block block) {
    List<Pair<String, Parameter>> params = new ArrayList<>();
    block.getParameters().forEach(params::add);
    return params;
  }

  /**
   * How one parameter starts: all {@code value} ({@link #constant}), N(0, {@code scale}²)
   * ({@link #normal}), or Xavier-uniform for a matrix and U(−scale, scale) for other shapes
   * ({@link #xavierUniform}).
   */
  public record Init(Kind kind, double scale) {
    /** The kinds of start. */
    public enum Kind { CONSTANT, NORMAL, XAVIER_UNIFORM }

    public static Init constant(double value) {
      return new Init(Kind.CONSTANT, value);
    }

    public static Init normal(double std) {
      return new Init(Kind.NORMAL, std);
    }

    public static Init xavierUniform(double otherShapesLimit) {
      return new Init(Kind.XAVIER_UNIFORM, otherShapesLimit);
    }
  }

  /**
   * Seeded initial weights: each parameter in order gets the start {@code rule} picks for it,
   * its values drawn from {@code rnd} in index order (so the same seed gives the same weights).
   */
  public static void initialise(List<Pair<String, Parameter>> parameters, Random rnd,
      Function<Pair<String, Parameter>, Init> rule) {
    for (Pair<String, Parameter> p : parameters) {
      NDArray a = p.getValue().getArray();
      long[] s = a.getShape().getShape();
      float[] v = new float[Math.toIntExact(a.size())];
      Init init = rule.apply(p);
      switch (init.kind()) {
        case CONSTANT -> Arrays.fill(v, (float) init.scale());
        case NORMAL -> {
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * init.scale());
          }
        }
        case XAVIER_UNIFORM -> {
          double limit = s.length == 2 ? Math.sqrt(6.0 / (s[0] + s[1])) : init.scale();
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
          }
        }
        default -> throw new IllegalStateException("unknown start " + init.kind());
      }
      copyInto(new Tensor(s, v), a, p.getKey());
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
