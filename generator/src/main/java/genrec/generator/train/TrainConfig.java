package genrec.generator.train;

/**
 * Optimisation settings of {@link GeneratorTrainer}. Immutable; build with {@link #builder()}
 * (whose defaults are those of a preset file's {@code train:} keys) or start from {@link #tiny()}
 * and adjust with {@link #toBuilder()}. The named recipes ({@code tiny}, {@code demo}, {@code
 * beauty}) are the {@code train:} sections of {@code configs/*.yaml}.
 *
 * @param batchSize training samples (history prefix → next item) per step
 * @param learningRate peak learning rate, reached at the end of warm-up
 * @param warmupSteps steps of linear warm-up from {@code learningRate / warmupSteps}
 * @param decay shape of the decay after warm-up
 * @param minLearningRateRatio the learning rate at the last step, as a share of the peak
 * @param weightDecay decoupled (AdamW) weight decay, applied to matrices only (not to norm gains)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param epsilon AdamW denominator epsilon
 * @param clipNorm global gradient-norm clipping threshold; 0 switches clipping off
 * @param maxSteps optimiser steps; 0 means {@code epochs} full passes over the samples
 * @param epochs passes over the samples, used when {@code maxSteps} is 0
 * @param validateEvery validate every this many steps (and at the end); 0 validates only at the
 *     end
 * @param validationUsers size of the fixed, seeded validation subset (users)
 * @param validationBeam beam width of the validation beam search
 * @param patience stop after this many validations without a better NDCG@10; 0 never stops early
 * @param checkpointEvery write a checkpoint every this many steps (and at the end); 0 only at the
 *     end
 * @param samples how training samples are laid out (per prefix, or sequence-parallel)
 * @param lengthBuckets sequence-parallel layout only: each epoch's shuffled chunks are taken in
 *     pools of this many batches, sorted by length within a pool, cut into batches, and the
 *     batches of a pool shuffled again, so a batch pads to a length close to its own chunks'
 *     instead of to the longest chunk of a random draw; 0 switches it off (the setting of
 *     checkpoints written before the option existed)
 * @param emaDecay decay of an exponential moving average of the weights ({@code
 *     WeightAverage}), which validation, the best model and the final model then use; 0 switches
 *     it off (the setting of checkpoints written before the option existed)
 */
public record TrainConfig(
    int batchSize,
    float learningRate,
    int warmupSteps,
    Decay decay,
    float minLearningRateRatio,
    float weightDecay,
    float beta1,
    float beta2,
    float epsilon,
    float clipNorm,
    int maxSteps,
    int epochs,
    int validateEvery,
    int validationUsers,
    int validationBeam,
    int patience,
    int checkpointEvery,
    Samples samples,
    int lengthBuckets,
    float emaDecay) {

  /** How the training data becomes batches. */
  public enum Samples {
    /**
     * TIGER: every prefix of every training sequence is one sample (history → next item); a
     * batch holds {@code batchSize} prefixes.
     */
    PER_PREFIX,
    /**
     * One pass per chunk of up to {@code historyWindow} items of a user's sequence trains every
     * prefix in it at once (causal COMPACT encoder; see {@code SequenceBatch}); a batch holds
     * {@code batchSize} chunks.
     */
    SEQUENCE
  }

  /** Learning-rate decay after warm-up. */
  public enum Decay {
    COSINE,
    LINEAR,
    CONSTANT
  }

  public TrainConfig {
    Builder.validate(batchSize, learningRate, warmupSteps, decay, minLearningRateRatio,
        weightDecay, beta1, beta2, epsilon, clipNorm, maxSteps, epochs, validateEvery,
        validationUsers, validationBeam, patience, checkpointEvery, samples, lengthBuckets,
        emaDecay);
  }

  /**
   * The generator module's own tests: batch 32, lr 3e-3, 60 steps, validation every 20 steps on
   * 50 users. The presets of the command line ({@code tiny}, {@code demo}, {@code beauty}) are
   * the {@code train:} sections of {@code configs/*.yaml}, read by {@code genrec.serving.config.Preset}.
   */
  public static TrainConfig tiny() {
    return builder().setBatchSize(32).setLearningRate(3e-3f).optWarmupSteps(10).setMaxSteps(60)
        .optValidateEvery(20).optValidationUsers(50).optValidationBeam(10).optCheckpointEvery(20)
        .build();
  }

  /**
   * Validation (and checkpoint) cadence of a scaled recipe, as a share of its steps: the default
   * of a preset's {@code train.validateShare}.
   */
  public static final double VALIDATE_SHARE = 0.15;

  /** {@link #scaledToData(long, double, double)} with validation every {@value #VALIDATE_SHARE}. */
  public TrainConfig scaledToData(long batchesPerEpoch, double epochs) {
    return scaledToData(batchesPerEpoch, epochs, VALIDATE_SHARE);
  }

  /**
   * This schedule scaled to a dataset: {@code epochs} passes of {@code batchesPerEpoch} steps
   * (the cosine decay spans them), validation and checkpoints every {@code validateShare} of the
   * run rounded to 100 steps (at least 100; 0 stays 0), the warm-up unchanged. The {@code beauty}
   * preset's rule on Amazon Beauty (369 batches per epoch), 27 epochs and a share of 0.15: 9,963
   * steps, validation every 1,500.
   *
   * @throws IllegalArgumentException if {@code batchesPerEpoch < 1}, {@code epochs <= 0} or
   *     {@code validateShare} is not in (0, 1]
   */
  public TrainConfig scaledToData(long batchesPerEpoch, double epochs, double validateShare) {
    if (batchesPerEpoch < 1 || !(epochs > 0)) {
      throw new IllegalArgumentException("batchesPerEpoch=" + batchesPerEpoch + ", epochs="
          + epochs + ": both must be positive");
    }
    if (!(validateShare > 0 && validateShare <= 1)) {
      throw new IllegalArgumentException("validateShare=" + validateShare
          + " must be in (0, 1]");
    }
    long steps = Math.round(epochs * batchesPerEpoch);
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("epochs=" + epochs + " x batchesPerEpoch="
          + batchesPerEpoch + " = " + steps + " steps is too many");
    }
    int every = (int) Math.max(100, Math.round(steps * validateShare / 100.0) * 100);
    Builder b = toBuilder().setMaxSteps((int) steps);
    if (validateEvery > 0) {
      b.optValidateEvery(every);
    }
    if (checkpointEvery > 0) {
      b.optCheckpointEvery(every);
    }
    return b.build();
  }

  /** Optimiser steps of a run over {@code batchesPerEpoch} batches per pass. */
  public long totalSteps(long batchesPerEpoch) {
    return maxSteps > 0 ? maxSteps : epochs * batchesPerEpoch;
  }

  /**
   * The learning rate of optimiser step {@code step} (1-based) of {@code total}: linear warm-up
   * to the peak, then the decay down to {@code minLearningRateRatio × peak} at step {@code total}.
   */
  public float learningRateAt(long step, long total) {
    if (warmupSteps > 0 && step <= warmupSteps) {
      return learningRate * step / warmupSteps;
    }
    long span = total - warmupSteps;
    double progress = span <= 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / span);
    double floor = minLearningRateRatio;
    double factor = switch (decay) {
      case CONSTANT -> 1.0;
      case LINEAR -> 1.0 - (1.0 - floor) * progress;
      case COSINE -> floor + (1.0 - floor) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    };
    return (float) (learningRate * factor);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.warmupSteps = warmupSteps;
    b.decay = decay;
    b.minLearningRateRatio = minLearningRateRatio;
    b.weightDecay = weightDecay;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.epsilon = epsilon;
    b.clipNorm = clipNorm;
    b.maxSteps = maxSteps;
    b.epochs = epochs;
    b.validateEvery = validateEvery;
    b.validationUsers = validationUsers;
    b.validationBeam = validationBeam;
    b.patience = patience;
    b.checkpointEvery = checkpointEvery;
    b.samples = samples;
    b.lengthBuckets = lengthBuckets;
    b.emaDecay = emaDecay;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setBatchSize}, {@link #setLearningRate}, and {@link #setMaxSteps} or
   * {@link #setEpochs}. Defaults: no warm-up, cosine decay to 10% of the peak, weight decay 0.01,
   * betas 0.9 / 0.98, epsilon 1e-8, clipping at norm 1, validation only at the end on 1000 users
   * with beam 20, no early stopping, checkpoint only at the end, length-sorted pools of 32
   * batches (sequence-parallel layout only), no weight averaging.
   */
  public static final class Builder {
    private int batchSize = -1;
    private float learningRate = -1f;
    private int warmupSteps;
    private Decay decay = Decay.COSINE;
    private float minLearningRateRatio = 0.1f;
    private float weightDecay = 0.01f;
    private float beta1 = 0.9f;
    private float beta2 = 0.98f;
    private float epsilon = 1e-8f;
    private float clipNorm = 1f;
    private int maxSteps;
    private int epochs;
    private int validateEvery;
    private int validationUsers = 1000;
    private int validationBeam = 20;
    private int patience;
    private int checkpointEvery;
    private Samples samples = Samples.PER_PREFIX;
    private int lengthBuckets = 32;
    private float emaDecay;

    private Builder() {}

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder setLearningRate(float learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** Fixed number of optimiser steps (clears {@link #setEpochs}). */
    public Builder setMaxSteps(int maxSteps) {
      this.maxSteps = maxSteps;
      this.epochs = 0;
      return this;
    }

    /** Full passes over the samples (clears {@link #setMaxSteps}). */
    public Builder setEpochs(int epochs) {
      this.epochs = epochs;
      this.maxSteps = 0;
      return this;
    }

    public Builder optWarmupSteps(int warmupSteps) {
      this.warmupSteps = warmupSteps;
      return this;
    }

    public Builder optDecay(Decay decay) {
      this.decay = decay;
      return this;
    }

    public Builder optMinLearningRateRatio(float ratio) {
      this.minLearningRateRatio = ratio;
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

    public Builder optValidateEvery(int validateEvery) {
      this.validateEvery = validateEvery;
      return this;
    }

    public Builder optValidationUsers(int validationUsers) {
      this.validationUsers = validationUsers;
      return this;
    }

    public Builder optValidationBeam(int validationBeam) {
      this.validationBeam = validationBeam;
      return this;
    }

    public Builder optPatience(int patience) {
      this.patience = patience;
      return this;
    }

    public Builder optCheckpointEvery(int checkpointEvery) {
      this.checkpointEvery = checkpointEvery;
      return this;
    }

    /** Sample layout (default {@link Samples#PER_PREFIX}). */
    public Builder optSamples(Samples samples) {
      this.samples = samples;
      return this;
    }

    /**
     * Batches per length-sorted pool in the sequence-parallel layout (default 32); 0 draws
     * batches at random. See {@link TrainConfig#lengthBuckets()}.
     */
    public Builder optLengthBuckets(int lengthBuckets) {
      this.lengthBuckets = lengthBuckets;
      return this;
    }

    /** Exponential moving average of the weights with this decay; 0 (the default) = off. */
    public Builder optEmaDecay(float emaDecay) {
      this.emaDecay = emaDecay;
      return this;
    }

    /** Validates every field and names the bad values. */
    public TrainConfig build() {
      return new TrainConfig(batchSize, learningRate, warmupSteps, decay, minLearningRateRatio,
          weightDecay, beta1, beta2, epsilon, clipNorm, maxSteps, epochs, validateEvery,
          validationUsers, validationBeam, patience, checkpointEvery, samples, lengthBuckets,
          emaDecay);
    }

    static void validate(int batchSize, float learningRate, int warmupSteps, Decay decay,
        float minRatio, float weightDecay, float beta1, float beta2, float epsilon,
        float clipNorm, int maxSteps, int epochs, int validateEvery, int validationUsers,
        int validationBeam, int patience, int checkpointEvery, Samples samples,
        int lengthBuckets, float emaDecay) {
      StringBuilder bad = new StringBuilder();
      genrec.core.train.OptimiserChecks.check(bad, batchSize, learningRate, weightDecay, beta1,
          beta2, epsilon, clipNorm);
      if (warmupSteps < 0) {
        bad.append("warmupSteps=").append(warmupSteps).append(" must be >= 0; ");
      }
      if (decay == null) {
        bad.append("decay must not be null; ");
      }
      if (!(minLearningRateRatio(minRatio))) {
        bad.append("minLearningRateRatio=").append(minRatio).append(" must be in [0, 1]; ");
      }
      if (maxSteps < 0 || epochs < 0 || (maxSteps == 0) == (epochs == 0)) {
        bad.append("maxSteps=").append(maxSteps).append(" and epochs=").append(epochs)
            .append(": exactly one must be set (>= 1); ");
      }
      if (validateEvery < 0) {
        bad.append("validateEvery=").append(validateEvery).append(" must be >= 0; ");
      }
      if (validationUsers < 1) {
        bad.append("validationUsers=").append(validationUsers).append(" must be >= 1; ");
      }
      if (validationBeam < 1) {
        bad.append("validationBeam=").append(validationBeam).append(" must be >= 1; ");
      }
      if (patience < 0) {
        bad.append("patience=").append(patience).append(" must be >= 0; ");
      }
      if (checkpointEvery < 0) {
        bad.append("checkpointEvery=").append(checkpointEvery).append(" must be >= 0; ");
      }
      if (samples == null) {
        bad.append("samples must not be null; ");
      }
      if (lengthBuckets < 0) {
        bad.append("lengthBuckets=").append(lengthBuckets).append(" must be >= 0 (0 = off); ");
      }
      if (!(emaDecay >= 0f && emaDecay < 1f)) {
        bad.append("emaDecay=").append(emaDecay).append(" must be in [0, 1) (0 = off); ");
      }
      genrec.core.train.OptimiserChecks.throwIfAny(bad);
    }

    private static boolean minLearningRateRatio(float r) {
      return r >= 0f && r <= 1f;
    }
  }
}
