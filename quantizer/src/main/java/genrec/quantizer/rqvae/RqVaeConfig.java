package genrec.quantizer.rqvae;

import java.util.List;

/**
 * Settings of the TIGER RQ-VAE and its training. Immutable; build with {@link #builder()} or start
 * from a preset ({@link #tiny()}, {@link #demo()}, {@link #beauty()}) and adjust with {@link
 * #toBuilder()}.
 *
 * @param inputDim embedding dimension D (default 384, all-MiniLM-L6-v2)
 * @param hiddenDims encoder hidden widths; the decoder mirrors them (default 512, 256, 128)
 * @param latentDim latent dimension Z (default 32)
 * @param activation hidden activation (default RELU)
 * @param levels code levels L (default 3)
 * @param codebookSize codes per level K (default 256)
 * @param beta commitment weight β (default 0.25)
 * @param batchSize training batch size B (default 1024)
 * @param learningRate learning rate (default 1e-3)
 * @param optimizer ADAM or ADAMW (default ADAMW)
 * @param weightDecay weight decay for ADAMW (default 1e-4; ignored by ADAM)
 * @param epochs training epochs (default 150: 12,101 x 384 trains in about 70 s on 2 idle
 *     cores, about 2.5 min on a busy machine; the loss plateaus by then)
 * @param initSamples rows of the first shuffled batch whose latents seed the codebooks by
 *     k-means++ (default 8192)
 * @param deadCodeThreshold a code used fewer times than this over the last window is re-seeded
 *     from current encoder residuals; 0 turns resets off (default 1)
 * @param deadCodeWindow the window in training steps (default 20)
 * @param ema update codebooks by exponential moving averages instead of the codebook loss
 *     (default false)
 * @param emaDecay EMA decay (default 0.99)
 */
public record RqVaeConfig(
    int inputDim,
    List<Integer> hiddenDims,
    int latentDim,
    Activation activation,
    int levels,
    int codebookSize,
    float beta,
    int batchSize,
    float learningRate,
    OptimizerKind optimizer,
    float weightDecay,
    int epochs,
    int initSamples,
    int deadCodeThreshold,
    int deadCodeWindow,
    boolean ema,
    float emaDecay) {

  /** Hidden-layer activation. */
  public enum Activation {
    RELU,
    GELU,
    SILU
  }

  /** Optimizer. */
  public enum OptimizerKind {
    ADAM,
    ADAMW
  }

  public RqVaeConfig {
    hiddenDims = hiddenDims == null ? null : List.copyOf(hiddenDims);
    StringBuilder bad = new StringBuilder();
    positive(bad, "inputDim", inputDim);
    if (hiddenDims == null) {
      bad.append("hiddenDims is missing; ");
    } else {
      for (int i = 0; i < hiddenDims.size(); i++) {
        if (hiddenDims.get(i) == null || hiddenDims.get(i) < 1) {
          bad.append("hiddenDims[").append(i).append("]=").append(hiddenDims.get(i))
              .append(" must be >= 1; ");
        }
      }
    }
    positive(bad, "latentDim", latentDim);
    if (activation == null) {
      bad.append("activation is missing; ");
    }
    positive(bad, "levels", levels);
    if (codebookSize < 2) {
      bad.append("codebookSize=").append(codebookSize).append(" must be >= 2; ");
    }
    if (!(beta >= 0) || Float.isInfinite(beta)) {
      bad.append("beta=").append(beta).append(" must be >= 0; ");
    }
    positive(bad, "batchSize", batchSize);
    if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
      bad.append("learningRate=").append(learningRate).append(" must be > 0; ");
    }
    if (optimizer == null) {
      bad.append("optimizer is missing; ");
    }
    if (!(weightDecay >= 0)) {
      bad.append("weightDecay=").append(weightDecay).append(" must be >= 0; ");
    }
    if (epochs < 0) {
      bad.append("epochs=").append(epochs).append(" must be >= 0; ");
    }
    positive(bad, "initSamples", initSamples);
    if (deadCodeThreshold < 0) {
      bad.append("deadCodeThreshold=").append(deadCodeThreshold).append(" must be >= 0; ");
    }
    positive(bad, "deadCodeWindow", deadCodeWindow);
    if (!(emaDecay > 0 && emaDecay < 1)) {
      bad.append("emaDecay=").append(emaDecay).append(" must be in (0, 1); ");
    }
    if (bad.length() > 0) {
      throw new IllegalArgumentException(bad.substring(0, bad.length() - 2));
    }
  }

  private static void positive(StringBuilder bad, String name, int v) {
    if (v < 1) {
      bad.append(name).append('=').append(v).append(" must be >= 1; ");
    }
  }

  /**
   * Tests: input 16, hidden 32-16, latent 8, 3 levels x 8 codes, batch 64, 40 epochs, window 5
   * steps.
   */
  public static RqVaeConfig tiny() {
    return builder()
        .setInputDim(16)
        .optHiddenDims(List.of(32, 16))
        .optLatentDim(8)
        .setCodebookSize(8)
        .optBatchSize(64)
        .optLearningRate(3e-3f)
        .optEpochs(40)
        .optInitSamples(512)
        .optDeadCodeWindow(5)
        .build();
  }

  /** Demo catalogues (a few thousand items): 384 -> 256-128 -> 32, 3 x 64 codes, 60 epochs. */
  public static RqVaeConfig demo() {
    return builder()
        .optHiddenDims(List.of(256, 128))
        .setCodebookSize(64)
        .optBatchSize(512)
        .optEpochs(60)
        .optInitSamples(4096)
        .build();
  }

  /** Amazon Beauty (12,101 items x 384): the TIGER defaults, 3 x 256 codes, 150 epochs. */
  public static RqVaeConfig beauty() {
    return builder().build();
  }

  /** A preset by name: {@code tiny}, {@code demo} or {@code beauty}. */
  public static RqVaeConfig preset(String name) {
    return switch (name) {
      case "tiny" -> tiny();
      case "demo" -> demo();
      case "beauty" -> beauty();
      default -> throw new IllegalArgumentException(
          "unknown preset '" + name + "' (expected tiny, demo or beauty)");
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inputDim = inputDim;
    b.hiddenDims = hiddenDims;
    b.latentDim = latentDim;
    b.activation = activation;
    b.levels = levels;
    b.codebookSize = codebookSize;
    b.beta = beta;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.optimizer = optimizer;
    b.weightDecay = weightDecay;
    b.epochs = epochs;
    b.initSamples = initSamples;
    b.deadCodeThreshold = deadCodeThreshold;
    b.deadCodeWindow = deadCodeWindow;
    b.ema = ema;
    b.emaDecay = emaDecay;
    return b;
  }

  /** Builder: {@code set*} for the input and code shape, {@code opt*} for the rest. */
  public static final class Builder {
    private int inputDim = 384;
    private List<Integer> hiddenDims = List.of(512, 256, 128);
    private int latentDim = 32;
    private Activation activation = Activation.RELU;
    private int levels = 3;
    private int codebookSize = 256;
    private float beta = 0.25f;
    private int batchSize = 1024;
    private float learningRate = 1e-3f;
    private OptimizerKind optimizer = OptimizerKind.ADAMW;
    private float weightDecay = 1e-4f;
    private int epochs = 150;
    private int initSamples = 8192;
    private int deadCodeThreshold = 1;
    private int deadCodeWindow = 20;
    private boolean ema;
    private float emaDecay = 0.99f;

    private Builder() {}

    public Builder setInputDim(int v) {
      inputDim = v;
      return this;
    }

    public Builder setLevels(int v) {
      levels = v;
      return this;
    }

    public Builder setCodebookSize(int v) {
      codebookSize = v;
      return this;
    }

    public Builder optHiddenDims(List<Integer> v) {
      hiddenDims = v;
      return this;
    }

    public Builder optLatentDim(int v) {
      latentDim = v;
      return this;
    }

    public Builder optActivation(Activation v) {
      activation = v;
      return this;
    }

    public Builder optBeta(float v) {
      beta = v;
      return this;
    }

    public Builder optBatchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder optLearningRate(float v) {
      learningRate = v;
      return this;
    }

    public Builder optOptimizer(OptimizerKind v) {
      optimizer = v;
      return this;
    }

    public Builder optWeightDecay(float v) {
      weightDecay = v;
      return this;
    }

    public Builder optEpochs(int v) {
      epochs = v;
      return this;
    }

    public Builder optInitSamples(int v) {
      initSamples = v;
      return this;
    }

    public Builder optDeadCodeThreshold(int v) {
      deadCodeThreshold = v;
      return this;
    }

    public Builder optDeadCodeWindow(int v) {
      deadCodeWindow = v;
      return this;
    }

    public Builder optEma(boolean v) {
      ema = v;
      return this;
    }

    public Builder optEmaDecay(float v) {
      emaDecay = v;
      return this;
    }

    /** Validates and builds; the message names every bad value. */
    public RqVaeConfig build() {
      return new RqVaeConfig(
          inputDim, hiddenDims, latentDim, activation, levels, codebookSize, beta, batchSize,
          learningRate, optimizer, weightDecay, epochs, initSamples, deadCodeThreshold,
          deadCodeWindow, ema, emaDecay);
    }
  }
}
