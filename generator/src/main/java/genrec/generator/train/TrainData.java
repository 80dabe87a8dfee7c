package genrec.generator.train;

import genrec.core.io.Fingerprint;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.util.List;

/**
 * What the generator trains on: the training sequences (one per user, oldest first), the
 * validation cases, and every item's semantic ID.
 *
 * @param sequences per user the training items, oldest first
 * @param validation held-out validation cases (history = that user's training sequence)
 * @param itemCodes item index → its {@code levels} codes
 */
public record TrainData(List<int[]> sequences, List<EvalCase> validation, int[][] itemCodes) {

  public TrainData {
    sequences = List.copyOf(sequences);
    validation = List.copyOf(validation);
    if (itemCodes.length == 0) {
      throw new IllegalArgumentException("no item codes");
    }
    for (int i = 0; i < itemCodes.length; i++) {
      if (itemCodes[i] == null || itemCodes[i].length != itemCodes[0].length) {
        throw new IllegalArgumentException("item " + i + " has no codes or a different length");
      }
    }
    for (int u = 0; u < sequences.size(); u++) {
      for (int item : sequences.get(u)) {
        if (item < 0 || item >= itemCodes.length) {
          throw new IllegalArgumentException("sequence " + u + " has item " + item
              + " outside [0, " + itemCodes.length + ")");
        }
      }
    }
  }

  /** Training sequences and validation cases of a leave-one-out split. */
  public static TrainData of(LeaveOneOutSplit split, int[][] itemCodes) {
    requireSameCatalogue(split, itemCodes);
    return new TrainData(split.train(), split.validation(), itemCodes);
  }

  /**
   * The refit data of a split: every user's training sequence extended with its validation item
   * (everything but the test item), and no validation cases, since their targets are now
   * trained on. Only test metrics are honest for a model trained on it.
   */
  public static TrainData refit(LeaveOneOutSplit split, int[][] itemCodes) {
    requireSameCatalogue(split, itemCodes);
    return new TrainData(split.trainPlusValidation(), List.of(), itemCodes);
  }

  private static void requireSameCatalogue(LeaveOneOutSplit split, int[][] itemCodes) {
    if (split.numItems() != itemCodes.length) {
      throw new IllegalArgumentException("the split has " + split.numItems()
          + " items but codes are given for " + itemCodes.length);
    }
  }

  public int numItems() {
    return itemCodes.length;
  }

  /** Fingerprint of the sequences and validation cases. */
  public String dataFingerprint() {
    Fingerprint f = new Fingerprint().add("train").add(sequences.size());
    for (int[] s : sequences) {
      f.add(s);
    }
    f.add("validation").add(validation.size());
    for (EvalCase c : validation) {
      f.add(c.user()).add(c.history()).add(c.target());
    }
    return f.hex();
  }

  /** Fingerprint of the item codes, in item order. */
  public String sidFingerprint() {
    return sidFingerprint(itemCodes);
  }

  /** Fingerprint of item codes (item index → codes), e.g. to check a model against a table. */
  public static String sidFingerprint(int[][] itemCodes) {
    Fingerprint f = new Fingerprint().add("sid").add(itemCodes.length);
    for (int[] c : itemCodes) {
      f.add(c);
    }
    return f.hex();
  }
}
