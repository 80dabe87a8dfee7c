package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The whole generator: a token embedding shared by encoder and decoder, {@link SidEncoder},
 * {@link SidDecoder}, and one output head per level (decoder step t predicts only level t's K
 * codes). Block inputs: encoder ids {@code (B, S, G)} (int32), decoder ids {@code (B, T)} (int32,
 * teacher-forced: BOS then the first T-1 target codes as tokens); output logits {@code (B, T,
 * K)}. Weights are immutable once trained; inference state (KV cache, cross-attention memory)
 * lives in {@code genrec.generator.decode}.
 *
 * <p>Legend: B batch, S encoder positions, G tokens per position, T decoder steps, D model width,
 * K codebook size, N decoding rows (users × beams), U users, W beams per user, H heads, Dh head
 * width.
 */
public final class SidTransformer extends AbstractBlock {
  private static final byte VERSION = 1;
  private final GeneratorConfig config;
  private final SidVocabulary vocabulary;
  private final EmbeddingTable tokens;
  private final SidEncoder encoder;
  private final SidDecoder decoder;
  private final List<Linear> heads = new ArrayList<>();

  public SidTransformer(GeneratorConfig config) {
    super(VERSION);
    this.config = config;
    this.vocabulary = new SidVocabulary(config);
    this.tokens = addChildBlock("tokens", new EmbeddingTable(vocabulary.size(), config.dModel()));
    this.encoder = addChildBlock("encoder", new SidEncoder(config));
    this.decoder = addChildBlock("decoder", new SidDecoder(config));
    for (int l = 0; l < config.levels(); l++) {
      heads.add(addChildBlock("head" + l,
          Linear.builder().setUnits(config.codebookSize()).optBias(false).build()));
    }
  }

  public GeneratorConfig config() {
    return config;
  }

  public SidVocabulary vocabulary() {
    return vocabulary;
  }

  public SidDecoder decoder() {
    return decoder;
  }

  EmbeddingTable tokens() {
    return tokens;
  }

  /** Level {@code l}'s output head weight {@code (K, D)} as stored. */
  NDArray headWeight(int l) {
    return heads.get(l).getParameters().get("weight").getArray();
  }

  /** Allocates the weights in {@code manager} (the model's own, long-lived manager). */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, config.encoderLength(),
        config.tokensPerPosition()), new Shape(1, config.levels()));
  }

  /**
   * Encoder ids for a batch of users.
   *
   * @param histories per user item indices, oldest first, each non-empty
   * @param users user ids to hash, or null (no user token)
   * @param codes item index → codes
   * @return {@code (B, S, G)} int32 in {@code m}
   */
  public NDArray encoderTokens(NDManager m, int[][] histories, long[] users, int[][] codes) {
    return encoderTokens(m, histories, users, i -> codes[i], codes.length);
  }

  /** As above, codes looked up through {@code codesOf} for items in {@code [0, numItems)}. */
  public NDArray encoderTokens(NDManager m, int[][] histories, long[] users,
      IntFunction<int[]> codesOf, int numItems) {
    int s = config.encoderLength();
    int g = config.tokensPerPosition();
    int[] flat = new int[histories.length * s * g];
    for (int b = 0; b < histories.length; b++) {
      int[] row = vocabulary.encodeHistory(histories[b], users == null ? null : users[b],
          codesOf, numItems);
      System.arraycopy(row, 0, flat, b * s * g, s * g);
    }
    return m.create(flat, new Shape(histories.length, s, g)); // (B, S, G)
  }

  /**
   * Teacher-forced decoder ids: BOS, then the first levels-1 codes of each target.
   *
   * @param targetCodes per user the target item's codes
   * @return {@code (B, T)} int32 with T = levels
   */
  public NDArray decoderTokens(NDManager m, int[][] targetCodes) {
    int t = config.levels();
    int[] flat = new int[targetCodes.length * t];
    for (int b = 0; b < targetCodes.length; b++) {
      System.arraycopy(vocabulary.decoderInput(targetCodes[b]), 0, flat, b * t, t);
    }
    return m.create(flat, new Shape(targetCodes.length, t)); // (B, T)
  }

  /** Targets as class indices within each level: {@code (B, T)} int32. */
  public NDArray targetCodes(NDManager m, int[][] targetCodes) {
    int t = config.levels();
    int[] flat = new int[targetCodes.length * t];
    for (int b = 0; b < targetCodes.length; b++) {
      vocabulary.encodeItem(targetCodes[b]); // validates
      System.arraycopy(targetCodes[b], 0, flat, b * t, t);
    }
    return m.create(flat, new Shape(targetCodes.length, t)); // (B, T)
  }

  /** Encodes ids {@code (B, S, G)} → memory {@code (B, S, D)} and key bias {@code (B, 1, 1, S)}. */
  public EncoderOutput encode(ParameterStore ps, NDArray encTokens, boolean training) {
    Shape s = encTokens.getShape();
    NDArray emb = tokens.lookup(ps, encTokens, training); // (B, S, G, D)
    NDArray real = encTokens.neq(SidVocabulary.PAD).toType(DataType.FLOAT32, false); // (B, S, G)
    NDArray x = emb.mul(real.expandDims(-1)).sum(new int[] {2}); // (B, S, D)
    NDArray padPos = real.sum(new int[] {2}).eq(0f) // (B, S)
        .toType(DataType.FLOAT32, false); // (B, S)
    NDArray bias = padPos.mul(MultiHeadAttention.MASKED) // (B, S)
        .reshape(s.get(0), 1, 1, s.get(1)); // (B, 1, 1, S)
    NDArray encBias = bias; // (B, 1, 1, S)
    if (config.causalEncoder()) {
      encBias = bias.add(SidDecoder.causalBias(encTokens.getManager(),
          (int) s.get(1))); // (B, 1, S, S)
    }
    NDArray memory = encoder.apply(ps, x, encBias, training); // (B, S, D)
    return new EncoderOutput(memory, bias);
  }

  /**
   * Teacher-forced decoding of P targets per user against one shared memory (the
   * sequence-parallel layout): decoder row {@code b·P + p} cross-attends to user b's memory
   * through its own key bias, so each target sees only the encoder positions of its own prefix.
   * Cross-attention keys and values are computed once per user.
   *
   * @param decTokens {@code (B·P, T)} int32, rows user-major
   * @param memory {@code (B, S, D)} from {@link #encode}
   * @param crossBias additive {@code (B, 1, P·T, S)}: row {@code p·T + t} masks the keys target p
   *     must not see
   * @return logits {@code (B·P, T, K)}
   */
  public NDArray decodeGrouped(ParameterStore ps, NDArray decTokens, NDArray memory,
      NDArray crossBias, boolean training) {
    NDArray emb = tokens.lookup(ps, decTokens, training); // (B·P, T, D)
    NDArray hidden = decoder.applyGrouped(ps, emb, memory, crossBias, training); // (B·P, T, D)
    int t = (int) hidden.getShape().get(1);
    NDList perStep = new NDList(t);
    for (int i = 0; i < t; i++) {
      NDArray h = hidden.get(new NDIndex(":, {}", i)); // (B·P, D)
      perStep.add(heads.get(i).forward(ps, new NDList(h), training).head()); // (B·P, K)
    }
    return NDArrays.stack(perStep, 1); // (B·P, T, K)
  }

  /** Full teacher-forced decoder pass: ids {@code (B, T)} → logits {@code (B, T, K)}. */
  public NDArray decode(ParameterStore ps, NDArray decTokens, EncoderOutput enc,
      boolean training) {
    NDArray emb = tokens.lookup(ps, decTokens, training); // (B, T, D)
    NDArray hidden = decoder.apply(ps, emb, enc.memory(), enc.keyBias(), training); // (B, T, D)
    int t = (int) hidden.getShape().get(1);
    NDList perStep = new NDList(t);
    for (int i = 0; i < t; i++) {
      NDArray h = hidden.get(new NDIndex(":, {}", i)); // (B, D)
      perStep.add(heads.get(i).forward(ps, new NDList(h), training).head()); // (B, K)
    }
    return NDArrays.stack(perStep, 1); // (B, T, K)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    EncoderOutput enc = encode(ps, inputs.get(0), training);
    return new NDList(decode(ps, inputs.get(1), enc, training)); // (B, T, K)
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape enc = shapes[0];
    Shape dec = shapes[1];
    long d = config.dModel();
    tokens.initialize(manager, dataType, enc);
    Shape memory = new Shape(enc.get(0), enc.get(1), d);
    encoder.initialize(manager, dataType, memory, new Shape(enc.get(0), 1, 1, enc.get(1)));
    decoder.initialize(manager, dataType, new Shape(dec.get(0), dec.get(1), d), memory,
        new Shape(enc.get(0), 1, 1, enc.get(1)));
    for (Linear head : heads) {
      head.initialize(manager, dataType, new Shape(dec.get(0), d));
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape dec = inputShapes[1];
    return new Shape[] {new Shape(dec.get(0), dec.get(1), config.codebookSize())};
  }
}
