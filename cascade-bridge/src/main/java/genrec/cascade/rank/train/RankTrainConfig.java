package genrec.cascade.rank.train;

import genrec.core.train.OptimiserChecks;

/**
 * Optimisation settings of {@link RankerTrainer}. Immutable; build with {@link #builder()} or
 * start from {@link #tiny()} (this module's tests) and adjust with {@link #toBuilder()}. {@code
 * genrec rank train} builds it from its options (the presets carry no ranker settings).
 *
 * @param batchSize rows per optimiser step
 * @param epochs passes over the training rows
 * @param learningRate AdamW learning rate (constant)
 * @param weightDecay decoupled (AdamW) weight decay, on matrices and tables only (not biases)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param epsilon AdamW denominator epsilon
 * @param clipNorm global gradient-norm clipping threshold; 0 switches clipping off
 */
public record RankTrainConfig(
    int batchSize,
    int epochs,
    float learningRate,
    float weightDecay,
    float beta1,
    float beta2,
    float epsilon,
    float clipNorm) {

  /** Checks every value, naming each bad one ({@link OptimiserChecks}). */
  public RankTrainConfig {
    StringBuilder bad = new StringBuilder();
    OptimiserChecks.check(bad, batchSize, learningRate, weightDecay, beta1, beta2, epsilon,
        clipNorm);
    if (epochs < 1) {
      bad.append("epochs=").append(epochs)
          .append(epochs == -1 ? " is required; " : " must be >= 1; ");
    }
    OptimiserChecks.throwIfAny(bad);
  }

  /** Tests: batch 64, 5 epochs, lr 1e-2, weight decay 1e-4, clipping at 5. */
  public static RankTrainConfig tiny() {
    return builder().setBatchSize(64).setEpochs(5).setLearningRate(1e-2f).optWeightDecay(1e-4f)
        .build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.batchSize = batchSize;
    b.epochs = epochs;
    b.learningRate = learningRate;
    b.weightDecay = weightDecay;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.epsilon = epsilon;
    b.clipNorm = clipNorm;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setBatchSize}, {@link #setEpochs}, {@link #setLearningRate}. Defaults:
   * weight decay 1e-5, betas 0.9 / 0.999, epsilon 1e-8, clipping at global norm 5.
   */
  public static final class Builder {
    private int batchSize = -1;
    private int epochs = -1;
    private float learningRate = -1f;
    private float weightDecay = 1e-5f;
    private float beta1 = 0.9f;
    private float beta2 = 0.999f;
    private float epsilon = 1e-8f;
    private float clipNorm = 5f;

    private Builder() {}

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder setEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder setLearningRate(float learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optWeightDecay(float weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder optBetas(float beta1, float beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder optEpsilon(float epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Global gradient-norm clipping; 0 switches it off. */
    public Builder optClipNorm(float clipNorm) {
      this.clipNorm = clipNorm;
      return this;
    }

    public RankTrainConfig build() {
      return new RankTrainConfig(batchSize, epochs, learningRate, weightDecay, beta1, beta2,
          epsilon, clipNorm);
    }
  }
}
