package genrec.core.tensor;

import java.util.Arrays;

/** A named float tensor. */
public record Tensor(long[] shape, float[] data) {
  public Tensor {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " floats, got " + data.length);
    }
  }
}
