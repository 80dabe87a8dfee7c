package genrec.generator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.MultiHeadAttention;
import genrec.generator.model.SidLoss;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.SidVocabulary;

/**
 * One batch of the sequence-parallel layout: each row is a chunk of a user's sequence (inputs,
 * and for every input the item that follows it), encoded once by a causal COMPACT encoder; the
 * decoder predicts every next item at once, target p cross-attending only to the encoder
 * positions up to its own input. So one pass trains every prefix of the chunk. Inputs are
 * right-aligned as in {@link SidVocabulary#encodeHistory}, so the last target of a chunk sees
 * exactly what the per-prefix layout shows for that history.
 *
 * <p>Legend: B chunks, L_b inputs of chunk b, P = max L_b decoder rows per chunk (row p ↔
 * encoder position S − P + p), T steps, S encoder positions (P: the window's last P, where the
 * chunks are; the whole window with a user token), G tokens per position, K codebook size.
 *
 * @param encoder encoder ids {@code (B, S, G)}
 * @param decoder teacher-forced decoder ids {@code (B·P, T)}
 * @param targets target codes {@code (B·P, T)}
 * @param crossBias additive key bias {@code (B, 1, P·T, S)}
 * @param weights {@code (B·P)}: 1 for a real target, 0 for padding rows
 * @param count real targets in the batch
 */
record SequenceBatch(NDArray encoder, NDArray decoder, NDArray targets, NDArray crossBias,
    NDArray weights, int count) {

  /** Checks that {@code c} can train in the sequence-parallel layout. */
  static void requireSupported(GeneratorConfig c) {
    if (c.layout() != GeneratorConfig.Layout.COMPACT || !c.causalEncoder()) {
      throw new IllegalArgumentException("the sequence-parallel layout needs layout=COMPACT and "
          + "causalEncoder=true, got layout=" + c.layout() + ", causalEncoder=" + c.causalEncoder());
    }
  }

  /**
   * Builds the batch in {@code m}.
   *
   * @param inputs per chunk its input items, oldest first, 1..historyWindow of them
   * @param next per chunk, for every input, the item that follows it (same length)
   * @param users user ids for the user token, or null
   * @param codes item index → codes
   */
  static SequenceBatch of(SidTransformer model, NDManager m, int[][] inputs, int[][] next,
      long[] users, int[][] codes) {
    GeneratorConfig c = model.config();
    requireSupported(c);
    SidVocabulary vocab = model.vocabulary();
    int b = inputs.length;
    int window = c.encoderLength();
    int g = c.tokensPerPosition();
    int t = c.levels();
    int p = 0;
    for (int i = 0; i < b; i++) {
      if (inputs[i].length == 0 || inputs[i].length > c.historyWindow()
          || next[i].length != inputs[i].length) {
        throw new IllegalArgumentException("chunk " + i + " has " + inputs[i].length
            + " inputs and " + next[i].length + " targets (need 1.." + c.historyWindow()
            + ", equal)");
      }
      p = Math.max(p, inputs[i].length);
    }
    // the encoder input is cropped to the window's last P positions: to the left of them a
    // right-aligned chunk has only padding (a user token, at position 0, keeps the whole window)
    int s = c.userTokens() ? window : p;
    int[] enc = new int[b * s * g];
    float[] bias = new float[b * p * t * s];
    int[] dec = new int[b * p * t];
    int[] tgt = new int[b * p * t];
    float[] w = new float[b * p];
    int count = 0;
    for (int i = 0; i < b; i++) {
      int[] row = vocab.encodeHistory(inputs[i], users == null ? null : users[i], codes);
      System.arraycopy(row, (window - s) * g, enc, i * s * g, s * g);
      boolean[] real = new boolean[s];
      for (int pos = 0; pos < s; pos++) {
        for (int k = 0; k < g; k++) {
          real[pos] |= row[(window - s + pos) * g + k] != SidVocabulary.PAD;
        }
      }
      int len = inputs[i].length;
      for (int r = 0; r < p; r++) {
        int j = r - (p - len); // index into the chunk, < 0 for padding rows
        int item = next[i][Math.max(0, j)];
        int[] in = vocab.decoderInput(codes[item]);
        int at = (i * p + r) * t;
        System.arraycopy(in, 0, dec, at, t);
        System.arraycopy(codes[item], 0, tgt, at, t);
        if (j >= 0) {
          w[i * p + r] = 1f;
          count++;
        }
        int last = s - p + r; // the encoder position of this row's latest input
        for (int step = 0; step < t; step++) {
          int base = ((i * p + r) * t + step) * s;
          for (int pos = 0; pos < s; pos++) {
            bias[base + pos] = real[pos] && pos <= last ? 0f : MultiHeadAttention.MASKED;
          }
        }
      }
    }
    return new SequenceBatch(
        m.create(enc, new Shape(b, s, g)), // (B, S, G)
        m.create(dec, new Shape((long) b * p, t)), // (B·P, T)
        m.create(tgt, new Shape((long) b * p, t)), // (B·P, T)
        m.create(bias, new Shape(b, 1, (long) p * t, s)), // (B, 1, P·T, S)
        m.create(w, new Shape((long) b * p)), // (B·P)
        count);
  }

  /** Logits of every row: {@code (B·P, T, K)}. */
  NDArray logits(SidTransformer model, ParameterStore ps, boolean training) {
    EncoderOutput out = model.encode(ps, encoder, training); // (B, S, D)
    return model.decodeGrouped(ps, decoder, out.memory(), crossBias, training); // (B·P, T, K)
  }

  /** Mean cross-entropy over the real targets: a scalar. */
  NDArray loss(SidTransformer model, ParameterStore ps, boolean training) {
    return SidLoss.crossEntropy(logits(model, ps, training), targets, weights); // ()
  }
}
