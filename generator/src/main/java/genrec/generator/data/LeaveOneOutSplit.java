package genrec.generator.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The leave-one-out split of S3-Rec and TIGER: per user, the last item is the test target, the
 * second-to-last the validation target, the rest is training. Validation cases see the training
 * part as history; test cases see training + the validation item (no refit). Users with fewer
 * than 3 interactions cannot be split; their interactions all go to training and they are not
 * evaluated (counted in {@link #unsplitUsers()}).
 *
 * @param numItems catalogue size
 * @param train per-user training sequences (all users, in dataset order)
 * @param validation validation cases
 * @param test test cases
 * @param unsplitUsers users with fewer than 3 interactions
 */
public record LeaveOneOutSplit(
    int numItems, List<int[]> train, List<EvalCase> validation, List<EvalCase> test,
    int unsplitUsers) {

  /**
   * One held-out target with the history a model may see.
   *
   * @param user index of the user in the dataset
   * @param history all earlier items, oldest first (models window it themselves)
   * @param target the held-out item
   */
  public record EvalCase(int user, int[] history, int target) {}

  public static LeaveOneOutSplit of(Dataset d) {
    List<int[]> train = new ArrayList<>(d.users().size());
    List<EvalCase> valid = new ArrayList<>();
    List<EvalCase> test = new ArrayList<>();
    int unsplit = 0;
    for (int u = 0; u < d.users().size(); u++) {
      int[] s = d.users().get(u).items();
      if (s.length < 3) {
        train.add(s.clone());
        unsplit++;
        continue;
      }
      int n = s.length;
      int[] tr = Arrays.copyOf(s, n - 2);
      train.add(tr);
      valid.add(new EvalCase(u, tr, s[n - 2]));
      test.add(new EvalCase(u, Arrays.copyOf(s, n - 1), s[n - 1]));
    }
    return new LeaveOneOutSplit(d.catalog().size(), List.copyOf(train), List.copyOf(valid),
        List.copyOf(test), unsplit);
  }

  /**
   * Training sequences extended with each user's validation item, for the explicit refit mode
   * (models fit on everything but the test item).
   */
  public List<int[]> trainPlusValidation() {
    List<int[]> out = new ArrayList<>(train);
    for (EvalCase c : test) {
      out.set(c.user(), c.history()); // a test history is training + the validation item
    }
    return List.copyOf(out);
  }

  /** The last {@code window} items of a history (all of it when shorter). */
  public static int[] window(int[] history, int window) {
    return history.length <= window
        ? history
        : Arrays.copyOfRange(history, history.length - window, history.length);
  }
}
