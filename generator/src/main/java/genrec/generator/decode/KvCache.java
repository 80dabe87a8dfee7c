package genrec.generator.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SelfKv;

/**
 * The decoder self-attention keys and values of one request batch: per layer two arrays {@code
 * (N, H, levels, Dh)} preallocated for all decoder steps, filled one step at a time, and
 * reordered by beam index after each step. Lives in the request's {@link NDManager}, separate
 * from the immutable weights; not thread-safe (one request, one thread). Legend in {@link
 * genrec.generator.decode}.
 */
public final class KvCache {
  private final int maxSteps;
  private final NDIndex[] stepAt; // [t] ":, :, t:t+1", built once (string parsing costs µs per call)
  private final NDIndex[] upTo; // [t] ":, :, :t+1"
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;
  private int rows;

  private KvCache(NDArray[] keys, NDArray[] values, int rows, int maxSteps) {
    this.keys = keys;
    this.values = values;
    this.rows = rows;
    this.maxSteps = maxSteps;
    this.stepAt = new NDIndex[maxSteps];
    this.upTo = new NDIndex[maxSteps];
    for (int t = 0; t < maxSteps; t++) {
      stepAt[t] = NDIndex.sliceAxis(2, t, t + 1);
      upTo[t] = NDIndex.sliceAxis(2, 0, t + 1);
    }
  }

  /** Zero-filled cache for {@code rows} decoding rows in {@code manager}. */
  public static KvCache allocate(NDManager manager, GeneratorConfig config, int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows=" + rows + " must be >= 1");
    }
    int layers = config.decoderLayers();
    NDArray[] k = new NDArray[layers];
    NDArray[] v = new NDArray[layers];
    Shape s = new Shape(rows, config.heads(), config.levels(), config.headDim());
    for (int l = 0; l < layers; l++) {
      k[l] = manager.zeros(s); // (N, H, levels, Dh)
      v[l] = manager.zeros(s); // (N, H, levels, Dh)
    }
    return new KvCache(k, v, rows, config.levels());
  }

  /** Steps stored so far (t): the index of the next step. */
  public int length() {
    return length;
  }

  /** Decoding rows N. */
  public int rows() {
    return rows;
  }

  /**
   * The view a decoder layer writes this step's keys/values through. Each layer appends once per
   * step; call {@link #advance()} when all layers have.
   */
  public SelfKv layer(int layer) {
    return (k, v) -> {
      if (length >= maxSteps) {
        throw new IllegalStateException("cache is full: " + maxSteps + " steps");
      }
      keys[layer].set(stepAt[length], k); // (N, H, levels, Dh), step t written
      values[layer].set(stepAt[length], v); // (N, H, levels, Dh)
      return new NDArray[] {keys[layer].get(upTo[length]),
          values[layer].get(upTo[length])}; // (N, H, t+1, Dh)
    };
  }

  /** Marks the current step as stored in every layer. */
  public void advance() {
    length++;
  }

  /**
   * Keeps, for each new row r, the history of old row {@code parents[r]}; the number of rows
   * becomes {@code parents.length} (this is how one beam per user expands to W beams).
   */
  public void reorder(int[] parents) {
    for (int p : parents) {
      if (p < 0 || p >= rows) {
        throw new IllegalArgumentException("parent row " + p + " is outside [0, " + rows + ")");
      }
    }
    NDManager m = keys[0].getManager();
    try (NDArray idx = m.create(parents)) { // (N')
      for (int l = 0; l < keys.length; l++) {
        NDArray k = keys[l].get(new NDIndex("{}", idx)); // (N', H, levels, Dh)
        NDArray v = values[l].get(new NDIndex("{}", idx)); // (N', H, levels, Dh)
        keys[l].close();
        values[l].close();
        keys[l] = k;
        values[l] = v;
      }
    }
    rows = parents.length;
  }
}
