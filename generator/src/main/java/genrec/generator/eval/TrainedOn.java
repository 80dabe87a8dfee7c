package genrec.generator.eval;

import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;

/**
 * What a trained generator learnt from, read from its data fingerprint: the training split, or
 * the training and validation interactions ({@code genrec train --refit}). A refit generator has
 * seen the validation targets, so only the test split measures it; this is the one place that
 * tells the two apart.
 */
public enum TrainedOn {
  /** The training interactions (or anything other than the refit data of the split). */
  TRAINING,
  /** The training and validation interactions of the split: {@link TrainData#refit}. */
  TRAINING_AND_VALIDATION;

  /**
   * What {@code model} was trained on, for {@code split} and the semantic IDs {@code itemCodes}.
   *
   * @throws IllegalArgumentException if the codes do not cover the split's catalogue
   */
  public static TrainedOn of(GeneratorModel model, LeaveOneOutSplit split, int[][] itemCodes) {
    return of(model.dataFingerprint(), split, itemCodes);
  }

  /** As {@link #of(GeneratorModel, LeaveOneOutSplit, int[][])} from the model's fingerprint. */
  public static TrainedOn of(String dataFingerprint, LeaveOneOutSplit split, int[][] itemCodes) {
    return TrainData.refit(split, itemCodes).dataFingerprint().equals(dataFingerprint)
        ? TRAINING_AND_VALIDATION : TRAINING;
  }

  /** Whether the generator was trained with {@code --refit}. */
  public boolean refit() {
    return this == TRAINING_AND_VALIDATION;
  }
}
