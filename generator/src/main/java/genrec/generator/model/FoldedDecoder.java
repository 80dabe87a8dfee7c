package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

/**
 * The decoder's weights folded for incremental inference, so one beam-search step makes as few
 * engine calls as it can. At batch 1 a call is hundreds of small ops whose fixed cost, not their
 * FLOPs, sets the latency (README, Beam-search latency), so each decoder layer's step is 34 ops
 * instead of the removed block path's 64:
 *
 * <ul>
 *   <li>an RMS norm's gain and √D are folded into the columns of the projection that reads the
 *       normalised input, so the norm itself is one {@code normalize} call: {@code x / max(‖x‖,
 *       √(D·eps))}, which equals {@code x / √(mean(x²) + eps) · 1/√D} up to a relative {@code
 *       D·eps / (2‖x‖²)} (float rounding for any non-vanishing state);
 *   <li>the attention scale 1/√Dh is folded into the query rows;
 *   <li>self-attention's query, key and value projections are one {@code (3A, D)} matrix, and
 *       cross-attention's keys and values one {@code (2A, D)} matrix;
 *   <li>the cross-attention keys are kept transposed, {@code (U, H, Dh, S)}, computed once per
 *       request.
 * </ul>
 *
 * <p>It computes the same function as {@link SidTransformer#decode} (tested against it through
 * cached vs uncached beam search). It is a snapshot: the weights are copied into the given
 * manager when it is built, so later training steps are not seen. Immutable and thread-safe;
 * every array a call creates belongs to the manager of that call's inputs. Legend as in {@link
 * SidTransformer}, plus A = H·Dh, F MLP width, L decoder layers, t the step.
 */
public final class FoldedDecoder {
  private final int heads;
  private final int headDim;
  private final int levels;
  private final float normEps;
  private final NDArray tokens; // (V, D)
  private final NDArray[] positions; // [levels] (D)
  private final NDArray[] selfQkv; // [L] (3A, D), norm1 folded, q rows scaled
  private final NDArray[] selfOut; // [L] (D, A)
  private final NDArray[] crossQ; // [L] (A, D), norm2 folded, scaled
  private final NDArray[] crossKv; // [L] (2A, D), reads the (already normalised) encoder memory
  private final NDArray[] crossOut; // [L] (D, A)
  private final NDArray[] mlpIn; // [L] (F, D), norm3 folded
  private final NDArray[] mlpOut; // [L] (D, F)
  private final NDArray[] headWeights; // [levels] (K, D), the final norm folded
  private final NDIndex[] qkvPart; // slices of (N, 3H, 1, Dh) along axis 1: q, k, v

  private FoldedDecoder(SidTransformer model, NDManager m) {
    GeneratorConfig c = model.config();
    SidDecoder dec = model.decoder();
    this.heads = c.heads();
    this.headDim = c.headDim();
    this.levels = c.levels();
    int d = c.dModel();
    this.normEps = (float) Math.sqrt(d * (double) c.normEps());
    float rootD = (float) Math.sqrt(d);
    float scale = (float) (1.0 / Math.sqrt(headDim));
    int layers = dec.numLayers();
    this.tokens = copy(m, model.tokens().weightArray());
    NDArray pos = copy(m, dec.positions().weightArray()); // (levels, D)
    this.positions = new NDArray[levels];
    for (int t = 0; t < levels; t++) {
      positions[t] = pos.get(t); // (D)
    }
    selfQkv = new NDArray[layers];
    selfOut = new NDArray[layers];
    crossQ = new NDArray[layers];
    crossKv = new NDArray[layers];
    crossOut = new NDArray[layers];
    mlpIn = new NDArray[layers];
    mlpOut = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      DecoderLayer layer = dec.layer(l);
      MultiHeadAttention sa = layer.selfAttention();
      float[] g1 = gains(layer.norm1(), rootD);
      selfQkv[l] = stack(m, d, fold(sa.queryWeight(), g1, scale), fold(sa.keyWeight(), g1, 1f),
          fold(sa.valueWeight(), g1, 1f));
      selfOut[l] = copy(m, sa.outputWeight());
      MultiHeadAttention ca = layer.crossAttention();
      crossQ[l] = stack(m, d, fold(ca.queryWeight(), gains(layer.norm2(), rootD), scale));
      crossKv[l] = stack(m, d, ca.keyWeight().toFloatArray(), ca.valueWeight().toFloatArray());
      crossOut[l] = copy(m, ca.outputWeight());
      mlpIn[l] = stack(m, d, fold(layer.feedForward().inWeight(), gains(layer.norm3(), rootD),
          1f));
      mlpOut[l] = copy(m, layer.feedForward().outWeight());
    }
    float[] gf = gains(dec.finalNorm(), rootD);
    headWeights = new NDArray[levels];
    for (int t = 0; t < levels; t++) {
      headWeights[t] = stack(m, d, fold(model.headWeight(t), gf, 1f));
    }
    qkvPart = new NDIndex[3];
    for (int p = 0; p < 3; p++) {
      qkvPart[p] = NDIndex.sliceAxis(1, (long) p * heads, (long) (p + 1) * heads);
    }
  }

  /** Folds the current weights of {@code model}'s decoder into {@code manager}. */
  public static FoldedDecoder of(SidTransformer model, NDManager manager) {
    return new FoldedDecoder(model, manager);
  }

  /**
   * Every layer's cross-attention keys (transposed) and values of {@code memory (U, S, D)}, the
   * encoder output: {@code [layer][0]} keys {@code (U, H, Dh, S)}, {@code [layer][1]} values
   * {@code (U, H, S, Dh)}, both contiguous.
   */
  public NDArray[][] crossKeysValues(NDArray memory) {
    Shape ms = memory.getShape();
    long u = ms.get(0);
    long s = ms.get(1);
    NDArray[][] out = new NDArray[crossKv.length][];
    for (int l = 0; l < crossKv.length; l++) {
      NDArray kv = Linear.linear(memory, crossKv[l]).head() // (U, S, 2A)
          .reshape(u, s, 2L * heads, headDim); // (U, S, 2H, Dh)
      // reshape of the permuted slices copies them into contiguous (U·H, ...) blocks
      NDArray k = kv.get(NDIndex.sliceAxis(2, 0, heads)).transpose(0, 2, 3, 1) // (U, H, Dh, S)
          .reshape(u * heads, headDim, s).reshape(u, heads, headDim, s); // (U, H, Dh, S)
      NDArray v = kv.get(NDIndex.sliceAxis(2, heads, 2L * heads)).transpose(0, 2, 1, 3)
          .reshape(u * heads, s, headDim).reshape(u, heads, s, headDim); // (U, H, S, Dh)
      out[l] = new NDArray[] {k, v};
    }
    return out;
  }

  /**
   * One decoder step: the logits of level {@code step} for every decoding row.
   *
   * @param stepTokens this step's input ids {@code (N)} (BOS at step 0)
   * @param step t in [0, levels)
   * @param caches one self-attention cache per decoder layer
   * @param crossKv from {@link #crossKeysValues}
   * @param keyBias {@code (U, 1, 1, S)}
   * @param beamsPerUser W, N = U·W, rows user-major
   * @return logits {@code (N, K)}
   */
  public NDArray step(NDArray stepTokens, int step, SelfKv[] caches, NDArray[][] crossKv,
      NDArray keyBias, int beamsPerUser) {
    if (step < 0 || step >= levels) {
      throw new IllegalArgumentException("step=" + step + " is outside [0, " + levels + ")");
    }
    long n = stepTokens.getShape().get(0);
    long u = n / beamsPerUser;
    long a = (long) heads * headDim;
    NDArray x = Embedding.embedding(stepTokens, tokens, SparseFormat.DENSE).head() // (N, D)
        .add(positions[step]); // (N, D)
    for (int l = 0; l < selfQkv.length; l++) {
      // self-attention over this row's cached steps
      NDArray qkv = Linear.linear(norm(x), selfQkv[l]).head() // (N, 3A)
          .reshape(n, 3L * heads, 1, headDim); // (N, 3H, 1, Dh)
      NDArray[] kv = caches[l].append(qkv.get(qkvPart[1]), qkv.get(qkvPart[2])); // (N,H,t+1,Dh)
      NDArray ctx = qkv.get(qkvPart[0]) // (N, H, 1, Dh)
          .matMul(kv[0].transpose(0, 1, 3, 2)) // (N, H, 1, t+1)
          .softmax(-1).matMul(kv[1]); // (N, H, 1, Dh)
      x = x.add(Linear.linear(ctx.reshape(n, a), selfOut[l]).head()); // (N, D)
      // cross-attention: a user's W beams are that user's queries against its shared memory
      NDArray q = Linear.linear(norm(x), crossQ[l]).head() // (N, A)
          .reshape(u, beamsPerUser, heads, headDim).transpose(0, 2, 1, 3); // (U, H, W, Dh)
      ctx = q.matMul(crossKv[l][0]) // (U, H, W, S)
          .add(keyBias).softmax(-1).matMul(crossKv[l][1]) // (U, H, W, Dh)
          .transpose(0, 2, 1, 3).reshape(n, a); // (N, A)
      x = x.add(Linear.linear(ctx, crossOut[l]).head()); // (N, D)
      // MLP
      NDArray h = Activation.relu(Linear.linear(norm(x), mlpIn[l]).head()); // (N, F)
      x = x.add(Linear.linear(h, mlpOut[l]).head()); // (N, D)
    }
    return Linear.linear(norm(x), headWeights[step]).head(); // (N, K)
  }

  /** {@code x / max(‖x‖, √(D·eps))} over the last axis; the gain and √D live in the weights. */
  private NDArray norm(NDArray x) {
    return x.normalize(2, -1, normEps); // (..., D)
  }

  /** √D · gain of {@code norm}, per input column. */
  private static float[] gains(RmsNorm norm, float rootD) {
    float[] g = norm.gammaArray().toFloatArray();
    for (int i = 0; i < g.length; i++) {
      g[i] *= rootD;
    }
    return g;
  }

  /** {@code w (out, D)} with column j scaled by {@code colScale[j]} and every entry by s. */
  private static float[] fold(NDArray w, float[] colScale, float s) {
    float[] f = w.toFloatArray();
    int d = colScale.length;
    for (int i = 0; i < f.length; i++) {
      f[i] *= colScale[i % d] * s;
    }
    return f;
  }

  /** Row blocks {@code (out_i, D)} stacked into one {@code (Σ out_i, D)} array in {@code m}. */
  private static NDArray stack(NDManager m, int d, float[]... blocks) {
    int total = 0;
    for (float[] b : blocks) {
      total += b.length;
    }
    float[] all = new float[total];
    int at = 0;
    for (float[] b : blocks) {
      System.arraycopy(b, 0, all, at, b.length);
      at += b.length;
    }
    return m.create(all, new Shape(total / d, d)); // (Σ out_i, D)
  }

  private static NDArray copy(NDManager m, NDArray w) {
    return m.create(w.toFloatArray(), w.getShape());
  }
}
