package genrec.generator.model;

import ai.djl.ndarray.NDArray;

/**
 * Where one decoder layer's self-attention keeps the keys and values of earlier steps during
 * incremental decoding (implemented by {@code genrec.generator.decode.KvCache}). Legend: N
 * decoding rows, H heads, t steps so far, Dh head width.
 */
@FunctionalInterface
public interface SelfKv {

  /**
   * Stores this step's keys and values and returns all keys and values so far.
   *
   * @param keys {@code (N, H, 1, Dh)}
   * @param values {@code (N, H, 1, Dh)}
   * @return {keys {@code (N, H, t+1, Dh)}, values {@code (N, H, t+1, Dh)}}
   */
  NDArray[] append(NDArray keys, NDArray values);
}
