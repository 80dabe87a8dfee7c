package genrec.generator.model;

import java.util.function.IntFunction;

/**
 * Token ids of the generator. {@code PAD=0}, {@code BOS=1}, then one range of {@code
 * codebookSize} ids per level (level 0 first), then the hashed user buckets. Because every level
 * has its own range, a token says both its level and its code. Immutable.
 *
 * <p>Encoder input of one user is a row of {@code S × G} ids ({@link
 * GeneratorConfig#encoderLength()} positions of {@link GeneratorConfig#tokensPerPosition()}
 * tokens): the user token (if on) in position 0, then left padding, then the last {@code
 * historyWindow} items, oldest first, so the most recent item always ends at position S-1.
 */
public final class SidVocabulary {
  public static final int PAD = 0;
  public static final int BOS = 1;
  private static final int FIRST_CODE = 2;

  private final GeneratorConfig config;

  public SidVocabulary(GeneratorConfig config) {
    this.config = config;
  }

  public GeneratorConfig config() {
    return config;
  }

  /** Number of token ids V. */
  public int size() {
    return FIRST_CODE + config.levels() * config.codebookSize() + config.userBuckets();
  }

  /** Token id of {@code code} at {@code level}. */
  public int codeToken(int level, int code) {
    if (level < 0 || level >= config.levels()) {
      throw new IllegalArgumentException(
          "level=" + level + " is outside [0, " + config.levels() + ")");
    }
    if (code < 0 || code >= config.codebookSize()) {
      throw new IllegalArgumentException(
          "code=" + code + " is outside [0, " + config.codebookSize() + ") at level " + level);
    }
    return FIRST_CODE + level * config.codebookSize() + code;
  }

  /** Whether {@code token} is a code token (of any level). */
  public boolean isCode(int token) {
    return token >= FIRST_CODE && token < FIRST_CODE + config.levels() * config.codebookSize();
  }

  /** Level of a code token. */
  public int levelOf(int token) {
    requireCode(token);
    return (token - FIRST_CODE) / config.codebookSize();
  }

  /** Code (within its level) of a code token. */
  public int codeOf(int token) {
    requireCode(token);
    return (token - FIRST_CODE) % config.codebookSize();
  }

  /** Token id of the hashed bucket of {@code user}; requires user tokens to be on. */
  public int userToken(long user) {
    if (!config.userTokens()) {
      throw new IllegalStateException("user tokens are off (userBuckets=0)");
    }
    long h = user * 0x9E3779B97F4A7C15L;
    h ^= h >>> 32;
    h *= 0xD6E8FEB86659FD93L;
    h ^= h >>> 32;
    return FIRST_CODE + config.levels() * config.codebookSize()
        + (int) Math.floorMod(h, (long) config.userBuckets());
  }

  /** The code tokens of one item: {@code levels} ids. */
  public int[] encodeItem(int[] itemCodes) {
    if (itemCodes.length != config.levels()) {
      throw new IllegalArgumentException(
          "an item has " + itemCodes.length + " codes, expected levels=" + config.levels());
    }
    int[] t = new int[itemCodes.length];
    for (int l = 0; l < t.length; l++) {
      t[l] = codeToken(l, itemCodes[l]);
    }
    return t;
  }

  /** Inverse of {@link #encodeItem}: codes of {@code levels} code tokens in level order. */
  public int[] decodeItem(int[] tokens) {
    if (tokens.length != config.levels()) {
      throw new IllegalArgumentException(
          tokens.length + " tokens given, expected levels=" + config.levels());
    }
    int[] c = new int[tokens.length];
    for (int l = 0; l < c.length; l++) {
      if (levelOf(tokens[l]) != l) {
        throw new IllegalArgumentException(
            "token " + tokens[l] + " at position " + l + " belongs to level " + levelOf(tokens[l]));
      }
      c[l] = codeOf(tokens[l]);
    }
    return c;
  }

  /**
   * Decoder input with teacher forcing: {@code BOS, c_0, ..., c_{levels-2}} as tokens.
   *
   * @param itemCodes the target item's codes
   * @return {@code levels} token ids
   */
  public int[] decoderInput(int[] itemCodes) {
    int[] t = encodeItem(itemCodes);
    int[] in = new int[t.length];
    in[0] = BOS;
    System.arraycopy(t, 0, in, 1, t.length - 1);
    return in;
  }

  /**
   * Encoder ids of one user ({@code S × G}, row-major), laid out as described in the class
   * comment.
   *
   * @param history item indices, oldest first, not empty; only the last {@code historyWindow}
   *     are used
   * @param user user id to hash, or {@code null} for an unknown user (the user slot is then PAD)
   * @param codes item index → its {@code levels} codes
   */
  public int[] encodeHistory(int[] history, Long user, int[][] codes) {
    return encodeHistory(history, user, i -> codes[i], codes.length);
  }

  /**
   * As {@link #encodeHistory(int[], Long, int[][])} with the codes looked up through {@code
   * codesOf} for items in {@code [0, numItems)} (e.g. a catalogue that grows at run time).
   */
  public int[] encodeHistory(int[] history, Long user, IntFunction<int[]> codesOf, int numItems) {
    if (history.length == 0) {
      throw new IllegalArgumentException("history is empty");
    }
    int s = config.encoderLength();
    int g = config.tokensPerPosition();
    int levels = config.levels();
    int[] out = new int[s * g];
    int start = Math.max(0, history.length - config.historyWindow());
    int pos = s - (history.length - start) * config.positionsPerItem();
    if (config.userTokens() && user != null) {
      out[0] = userToken(user);
    }
    for (int i = start; i < history.length; i++) {
      int item = history[i];
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException(
            "history item " + item + " is outside [0, " + numItems + ")");
      }
      int[] tokens = encodeItem(codesOf.apply(item));
      if (config.layout() == GeneratorConfig.Layout.TIGER) {
        for (int l = 0; l < levels; l++) {
          out[pos++] = tokens[l];
        }
      } else {
        System.arraycopy(tokens, 0, out, pos * g, levels);
        pos++;
      }
    }
    return out;
  }

  private void requireCode(int token) {
    if (!isCode(token)) {
      throw new IllegalArgumentException("token " + token + " is not a code token");
    }
  }

  @Override
  public String toString() {
    return "SidVocabulary[size=" + size() + ", levels=" + config.levels() + ", codebookSize="
        + config.codebookSize() + ", userBuckets=" + config.userBuckets() + "]";
  }
}
