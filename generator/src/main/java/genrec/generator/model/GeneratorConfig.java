package genrec.generator.model;

/**
 * Hyper-parameters of the generator. Immutable; build with {@link #builder()} or start from
 * {@link #tiny()} (this module's tests) or {@link #tiger()} (the paper's model, the defaults of a
 * preset file's {@code generator:} keys) and adjust with {@link #toBuilder()}. The networks of
 * the command line's presets ({@code tiny}, {@code demo}, {@code beauty}) are the {@code
 * generator:} sections of {@code configs/*.yaml}.
 *
 * @param encoderLayers encoder layers (at least 1)
 * @param decoderLayers decoder layers (at least 1)
 * @param dModel residual stream width D
 * @param heads attention heads H
 * @param headDim width of one head Dh; the attention width H·Dh may differ from D (T5 does this)
 * @param mlpDim feed-forward inner width F
 * @param dropout dropout rate in [0, 1), used only in training
 * @param levels codes per item (semantic-ID length), also the number of decoder steps
 * @param codebookSize codes per level K
 * @param historyWindow most recent history items the encoder sees
 * @param layout how history items become encoder positions
 * @param userBuckets hashed user-token buckets; 0 switches user tokens off
 * @param normEps epsilon of the RMS norms
 * @param causalEncoder whether encoder position i attends only to positions ≤ i (needed by the
 *     sequence-parallel training layout, which trains every prefix of a sequence in one pass)
 */
public record GeneratorConfig(
    int encoderLayers,
    int decoderLayers,
    int dModel,
    int heads,
    int headDim,
    int mlpDim,
    float dropout,
    int levels,
    int codebookSize,
    int historyWindow,
    Layout layout,
    int userBuckets,
    float normEps,
    boolean causalEncoder) {

  /** How a history of items becomes encoder positions. */
  public enum Layout {
    /** One token per code: {@code levels} encoder positions per history item (TIGER paper). */
    TIGER,
    /** One position per item: the sum of its code embeddings plus a position embedding. */
    COMPACT
  }

  /** Validates like {@link Builder#build()}, so a record made directly is never invalid. */
  public GeneratorConfig {
    Builder.validate(encoderLayers, decoderLayers, dModel, heads, headDim, mlpDim, dropout, levels,
        codebookSize, historyWindow, layout, userBuckets, normEps);
  }

  /** As the canonical constructor with a bidirectional encoder. */
  public GeneratorConfig(int encoderLayers, int decoderLayers, int dModel, int heads, int headDim,
      int mlpDim, float dropout, int levels, int codebookSize, int historyWindow, Layout layout,
      int userBuckets, float normEps) {
    this(encoderLayers, decoderLayers, dModel, heads, headDim, mlpDim, dropout, levels,
        codebookSize, historyWindow, layout, userBuckets, normEps, false);
  }

  /** This module's tests: 2+2 layers, D=32, 2 heads × 16, MLP 64, no user tokens. */
  public static GeneratorConfig tiny() {
    return builder()
        .setLayers(2, 2)
        .setDModel(32)
        .setHeads(2)
        .optHeadDim(16)
        .setMlpDim(64)
        .optUserBuckets(0)
        .build();
  }

  /**
   * The TIGER paper's model: 4+4 layers, D=128, 6 heads × 64 (attention width 384), MLP 1024,
   * dropout 0.1, 2000 hashed user buckets. Its sizes are the defaults of a preset file's {@code
   * generator:} keys (which switch user tokens off).
   */
  public static GeneratorConfig tiger() {
    return builder()
        .setLayers(4, 4)
        .setDModel(128)
        .setHeads(6)
        .optHeadDim(64)
        .setMlpDim(1024)
        .optDropout(0.1f)
        .build();
  }

  /** Attention width H·Dh. */
  public int attentionDim() {
    return heads * headDim;
  }

  /** Encoder positions per history item: {@code levels} for TIGER, 1 for COMPACT. */
  public int positionsPerItem() {
    return layout == Layout.TIGER ? levels : 1;
  }

  /** Tokens summed into one encoder position (G): 1 for TIGER, {@code levels} for COMPACT. */
  public int tokensPerPosition() {
    return layout == Layout.TIGER ? 1 : levels;
  }

  /** Whether the encoder input starts with a hashed user token. */
  public boolean userTokens() {
    return userBuckets > 0;
  }

  /** Encoder positions S: the optional user token plus the history window. */
  public int encoderLength() {
    return (userTokens() ? 1 : 0) + historyWindow * positionsPerItem();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.encoderLayers = encoderLayers;
    b.decoderLayers = decoderLayers;
    b.dModel = dModel;
    b.heads = heads;
    b.headDim = headDim;
    b.mlpDim = mlpDim;
    b.dropout = dropout;
    b.levels = levels;
    b.codebookSize = codebookSize;
    b.historyWindow = historyWindow;
    b.layout = layout;
    b.userBuckets = userBuckets;
    b.normEps = normEps;
    b.causalEncoder = causalEncoder;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setLayers}, {@link #setDModel}, {@link #setHeads}, {@link #setMlpDim}.
   * Defaults: head width D/H, dropout 0.1, 4 levels of 256 codes, window 20, TIGER layout, 2000
   * user buckets, norm epsilon 1e-6.
   */
  public static final class Builder {
    private int encoderLayers = -1;
    private int decoderLayers = -1;
    private int dModel = -1;
    private int heads = -1;
    private int headDim = -1;
    private int mlpDim = -1;
    private float dropout = 0.1f;
    private int levels = 4;
    private int codebookSize = 256;
    private int historyWindow = 20;
    private Layout layout = Layout.TIGER;
    private int userBuckets = 2000;
    private float normEps = 1e-6f;
    private boolean causalEncoder;

    private Builder() {}

    public Builder setLayers(int encoder, int decoder) {
      this.encoderLayers = encoder;
      this.decoderLayers = decoder;
      return this;
    }

    public Builder setDModel(int dModel) {
      this.dModel = dModel;
      return this;
    }

    public Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    public Builder setMlpDim(int mlpDim) {
      this.mlpDim = mlpDim;
      return this;
    }

    /** Head width; when not set, D/H (and D must then be divisible by H). */
    public Builder optHeadDim(int headDim) {
      this.headDim = headDim;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public Builder optLevels(int levels) {
      this.levels = levels;
      return this;
    }

    public Builder optCodebookSize(int codebookSize) {
      this.codebookSize = codebookSize;
      return this;
    }

    public Builder optHistoryWindow(int historyWindow) {
      this.historyWindow = historyWindow;
      return this;
    }

    public Builder optLayout(Layout layout) {
      this.layout = layout;
      return this;
    }

    /** Hashed user buckets; 0 switches user tokens off. */
    public Builder optUserBuckets(int userBuckets) {
      this.userBuckets = userBuckets;
      return this;
    }

    public Builder optNormEps(float normEps) {
      this.normEps = normEps;
      return this;
    }

    /** Causal encoder self-attention (default false: bidirectional, as in TIGER). */
    public Builder optCausalEncoder(boolean causalEncoder) {
      this.causalEncoder = causalEncoder;
      return this;
    }

    /** Validates every field and names the bad value. */
    public GeneratorConfig build() {
      int hd = headDim;
      if (hd == -1 && dModel > 0 && heads > 0) {
        if (dModel % heads != 0) {
          throw new IllegalArgumentException(
              "dModel=" + dModel + " is not divisible by heads=" + heads
                  + " (set headDim explicitly)");
        }
        hd = dModel / heads;
      }
      return new GeneratorConfig(encoderLayers, decoderLayers, dModel, heads, hd, mlpDim, dropout,
          levels, codebookSize, historyWindow, layout, userBuckets, normEps, causalEncoder);
    }

    static void validate(int encoderLayers, int decoderLayers, int dModel, int heads, int headDim,
        int mlpDim, float dropout, int levels, int codebookSize, int historyWindow, Layout layout,
        int userBuckets, float normEps) {
      positive("encoderLayers", encoderLayers);
      positive("decoderLayers", decoderLayers);
      positive("dModel", dModel);
      positive("heads", heads);
      positive("headDim", headDim);
      positive("mlpDim", mlpDim);
      positive("levels", levels);
      positive("codebookSize", codebookSize);
      positive("historyWindow", historyWindow);
      if (!(dropout >= 0f && dropout < 1f)) {
        throw new IllegalArgumentException("dropout=" + dropout + " must be in [0, 1)");
      }
      if (levels > 8) {
        throw new IllegalArgumentException("levels=" + levels + " must be <= 8");
      }
      if (codebookSize > 65536) {
        throw new IllegalArgumentException("codebookSize=" + codebookSize + " must be <= 65536");
      }
      if (layout == null) {
        throw new IllegalArgumentException("layout must not be null");
      }
      if (userBuckets < 0) {
        throw new IllegalArgumentException("userBuckets=" + userBuckets + " must be >= 0");
      }
      if (!(normEps > 0f)) {
        throw new IllegalArgumentException("normEps=" + normEps + " must be > 0");
      }
    }

    private static void positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(
            name + "=" + v + (v == -1 ? " is required" : " must be >= 1"));
      }
    }
  }
}
