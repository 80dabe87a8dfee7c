package genrec.generator.align;

/**
 * One preference: for a history, the generator's beam the reward liked best ({@code chosen})
 * and one it liked least ({@code rejected}), with the frozen reference model's log-probabilities
 * of both (summed over the SID codes, teacher-forced).
 *
 * @param history the items the model sees (the last {@code historyWindow}), oldest first
 * @param trueItem the user's actual next item (for the optional cross-entropy term)
 * @param chosen item index of the preferred beam
 * @param rejected item index of the dispreferred beam
 * @param rewardChosen the reward of {@code chosen}
 * @param rewardRejected the reward of {@code rejected}
 * @param refChosen {@code log π_ref(chosen | history)}
 * @param refRejected {@code log π_ref(rejected | history)}
 */
public record PreferencePair(int[] history, int trueItem, int chosen, int rejected,
    float rewardChosen, float rewardRejected, float refChosen, float refRejected) {

  public PreferencePair {
    if (history.length == 0) {
      throw new IllegalArgumentException("history is empty");
    }
    if (chosen == rejected) {
      throw new IllegalArgumentException("chosen and rejected are the same item " + chosen);
    }
  }

  /** This pair with the reference log-probabilities set. */
  public PreferencePair withReference(float refChosen, float refRejected) {
    return new PreferencePair(history, trueItem, chosen, rejected, rewardChosen, rewardRejected,
        refChosen, refRejected);
  }
}
