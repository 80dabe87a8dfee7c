package genrec.generator.align;

/**
 * Settings of {@link DpoTrainer}. Immutable; start from {@link #defaults()} (the defaults of a
 * preset file's {@code align:} keys) or {@link #tiny()} (this module's tests) and adjust with
 * {@link #toBuilder()}. The command line's presets are the {@code align:} sections of {@code
 * configs/*.yaml}.
 *
 * @param steps optimiser steps in all
 * @param rounds pair-generation rounds: round r's pairs come from the policy as it is at step
 *     {@code r·steps/rounds} and train the steps up to the next round
 * @param usersPerRound training users sampled per round (each gives up to {@code negatives}
 *     pairs)
 * @param batchSize pairs per step
 * @param learningRate peak learning rate (linear warm-up, then constant)
 * @param warmupSteps steps of linear warm-up
 * @param weightDecay AdamW decoupled weight decay on matrices
 * @param clipNorm global gradient-norm clipping; 0 switches it off
 * @param beta DPO temperature β
 * @param ceWeight weight λ of the next-item cross-entropy added to the DPO loss (0 = none)
 * @param ceTarget which item the cross-entropy term teaches
 * @param negatives rejected beams per user (the lowest rewards), each one pair
 * @param minRewardGap a beam pair is a preference only when the rewards differ by more
 * @param listSize K: the list the reward judges (the top K beams) in reports and validation
 * @param beamWidth beam width of pair generation, at least {@code 2·listSize}; pairs are picked
 *     among all of its beams
 * @param excludeHistory whether pair generation and the reward's validation lists exclude
 *     history items (false lets the history penalty teach the model to avoid them)
 * @param validateEvery validate every this many steps (and at the start and end); 0 = start and
 *     end only
 * @param validationUsers size of the fixed, seeded validation subset
 * @param validationBeam beam width of the Recall/NDCG@10 validation (history excluded)
 * @param checkpointEvery write a checkpoint every this many steps (and at the end); 0 = end only
 * @param selectBy what makes a validated model the best one kept
 */
public record AlignConfig(
    int steps,
    int rounds,
    int usersPerRound,
    int batchSize,
    float learningRate,
    int warmupSteps,
    float weightDecay,
    float clipNorm,
    float beta,
    float ceWeight,
    CeTarget ceTarget,
    int negatives,
    float minRewardGap,
    int listSize,
    int beamWidth,
    boolean excludeHistory,
    int validateEvery,
    int validationUsers,
    int validationBeam,
    int checkpointEvery,
    Selection selectBy) {

  /** The item the optional cross-entropy term is computed on. */
  public enum CeTarget {
    /** The user's actual next item (keeps the model anchored to the data). */
    TRUE,
    /** The chosen beam (an SFT term on the preferred output, as in RPO). */
    CHOSEN
  }

  /** How the best validated model is picked. */
  public enum Selection {
    /** Highest validation NDCG@10 (the reference itself if tuning never beats it). */
    NDCG,
    /** Highest mean reward of the validation users' top-K lists. */
    REWARD
  }

  public AlignConfig {
    positive("steps", steps);
    positive("rounds", rounds);
    if (rounds > steps) {
      throw new IllegalArgumentException("rounds=" + rounds + " must be <= steps=" + steps);
    }
    positive("usersPerRound", usersPerRound);
    positive("batchSize", batchSize);
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate=" + learningRate + " must be > 0");
    }
    nonNegative("warmupSteps", warmupSteps);
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weightDecay=" + weightDecay + " must be >= 0");
    }
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clipNorm=" + clipNorm + " must be >= 0");
    }
    if (!(beta > 0) || !Float.isFinite(beta)) {
      throw new IllegalArgumentException("beta=" + beta + " must be > 0");
    }
    if (!(ceWeight >= 0) || !Float.isFinite(ceWeight)) {
      throw new IllegalArgumentException("ceWeight=" + ceWeight + " must be >= 0");
    }
    if (ceTarget == null) {
      throw new IllegalArgumentException("ceTarget is required");
    }
    positive("negatives", negatives);
    if (!(minRewardGap >= 0)) {
      throw new IllegalArgumentException("minRewardGap=" + minRewardGap + " must be >= 0");
    }
    positive("listSize", listSize);
    if (beamWidth < 2 * listSize) {
      throw new IllegalArgumentException("beamWidth=" + beamWidth + " must be >= 2 x listSize="
          + listSize);
    }
    if (negatives >= beamWidth) {
      throw new IllegalArgumentException("negatives=" + negatives + " must be < beamWidth="
          + beamWidth);
    }
    nonNegative("validateEvery", validateEvery);
    nonNegative("validationUsers", validationUsers);
    positive("validationBeam", validationBeam);
    nonNegative("checkpointEvery", checkpointEvery);
    if (selectBy == null) {
      throw new IllegalArgumentException("selectBy is required");
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + "=" + v + " must be >= 1");
    }
  }

  private static void nonNegative(String name, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + "=" + v + " must be >= 0");
    }
  }

  /** The first step of round {@code r} (0-based): {@code r·steps/rounds}. */
  public long roundStart(int r) {
    return (long) r * steps / rounds;
  }

  /** The round step {@code step} (0-based) belongs to. */
  public int roundOf(long step) {
    int r = (int) Math.min(rounds - 1, step * rounds / steps);
    while (r + 1 < rounds && roundStart(r + 1) <= step) {
      r++;
    }
    while (r > 0 && roundStart(r) > step) {
      r--;
    }
    return r;
  }

  /** The learning rate of step {@code step} (1-based): linear warm-up, then constant. */
  public float learningRateAt(long step) {
    return warmupSteps > 0 && step <= warmupSteps
        ? learningRate * step / warmupSteps : learningRate;
  }

  /**
   * Real data: 1,000 steps of 32 pairs in 5 rounds of 2,000 users, lr 1e-5 after 50 warm-up
   * steps, β 0.1, no cross-entropy term, 1 negative, lists of 10 from a beam of 20, history not
   * excluded, validation every 200 steps on 1,000 users with beam 20, best by NDCG@10.
   */
  public static AlignConfig defaults() {
    return builder().build();
  }

  /**
   * This module's tests: 12 steps of 8 pairs in 2 rounds of 16 users, lr 1e-3, lists of 3 from a
   * beam of 6 (the values of {@code configs/tiny.yaml}'s {@code align:} section).
   */
  public static AlignConfig tiny() {
    return builder().setSteps(12).setRounds(2).setUsersPerRound(16).setBatchSize(8)
        .setLearningRate(1e-3f).optWarmupSteps(0).optListSize(3).optBeamWidth(6)
        .optValidateEvery(6).optValidationUsers(10).optValidationBeam(6).optCheckpointEvery(6)
        .build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.steps = steps;
    b.rounds = rounds;
    b.usersPerRound = usersPerRound;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.warmupSteps = warmupSteps;
    b.weightDecay = weightDecay;
    b.clipNorm = clipNorm;
    b.beta = beta;
    b.ceWeight = ceWeight;
    b.ceTarget = ceTarget;
    b.negatives = negatives;
    b.minRewardGap = minRewardGap;
    b.listSize = listSize;
    b.beamWidth = beamWidth;
    b.excludeHistory = excludeHistory;
    b.validateEvery = validateEvery;
    b.validationUsers = validationUsers;
    b.validationBeam = validationBeam;
    b.checkpointEvery = checkpointEvery;
    b.selectBy = selectBy;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every field starts at {@link #defaults()}' value; {@link #build()} validates. */
  public static final class Builder {
    private int steps = 1000;
    private int rounds = 5;
    private int usersPerRound = 2000;
    private int batchSize = 32;
    private float learningRate = 1e-5f;
    private int warmupSteps = 50;
    private float weightDecay = 0f;
    private float clipNorm = 1f;
    private float beta = 0.1f;
    private float ceWeight = 0f;
    private CeTarget ceTarget = CeTarget.TRUE;
    private int negatives = 1;
    private float minRewardGap = 1e-6f;
    private int listSize = 10;
    private int beamWidth = 20;
    private boolean excludeHistory = false;
    private int validateEvery = 200;
    private int validationUsers = 1000;
    private int validationBeam = 20;
    private int checkpointEvery = 200;
    private Selection selectBy = Selection.NDCG;

    private Builder() {}

    public Builder setSteps(int v) {
      steps = v;
      return this;
    }

    public Builder setRounds(int v) {
      rounds = v;
      return this;
    }

    public Builder setUsersPerRound(int v) {
      usersPerRound = v;
      return this;
    }

    public Builder setBatchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder setLearningRate(float v) {
      learningRate = v;
      return this;
    }

    public Builder optWarmupSteps(int v) {
      warmupSteps = v;
      return this;
    }

    public Builder optWeightDecay(float v) {
      weightDecay = v;
      return this;
    }

    public Builder optClipNorm(float v) {
      clipNorm = v;
      return this;
    }

    public Builder optBeta(float v) {
      beta = v;
      return this;
    }

    public Builder optCeWeight(float v) {
      ceWeight = v;
      return this;
    }

    public Builder optCeTarget(CeTarget v) {
      ceTarget = v;
      return this;
    }

    public Builder optNegatives(int v) {
      negatives = v;
      return this;
    }

    public Builder optMinRewardGap(float v) {
      minRewardGap = v;
      return this;
    }

    public Builder optListSize(int v) {
      listSize = v;
      return this;
    }

    public Builder optBeamWidth(int v) {
      beamWidth = v;
      return this;
    }

    public Builder optExcludeHistory(boolean v) {
      excludeHistory = v;
      return this;
    }

    public Builder optValidateEvery(int v) {
      validateEvery = v;
      return this;
    }

    public Builder optValidationUsers(int v) {
      validationUsers = v;
      return this;
    }

    public Builder optValidationBeam(int v) {
      validationBeam = v;
      return this;
    }

    public Builder optCheckpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder optSelectBy(Selection v) {
      selectBy = v;
      return this;
    }

    public AlignConfig build() {
      return new AlignConfig(steps, rounds, usersPerRound, batchSize, learningRate, warmupSteps,
          weightDecay, clipNorm, beta, ceWeight, ceTarget, negatives, minRewardGap, listSize,
          beamWidth, excludeHistory, validateEvery, validationUsers, validationBeam,
          checkpointEvery, selectBy);
    }
  }
}
