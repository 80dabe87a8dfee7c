package genrec.cascade.rank.features;

import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.UserSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cases the ranker learns from and is checked on, from the leave-one-out split.
 *
 * <p>Training cases come from the training split only: for each user with at least two training
 * items, the history is the training sequence without its last item and the target is that last
 * item; the channels and features of those cases are fitted on the training split without those
 * last items ({@link #trainFit}), so no feature has seen the interaction it labels — as at
 * serving time, where the next item is unknown to every channel. Validation cases are the
 * split's own (history = training sequence, target = validation item), ranked with inputs
 * fitted on the whole training split; they pick the best epoch. The test split is never read.
 *
 * <p>Tasks come from the data: {@code next} (the candidate is the next item) always; {@code
 * liked} when interactions carry values (the next item's value at least {@code likedAt}, e.g. 4
 * stars); {@code tagged} when events name tags (MovieLens {@code rating+tag} / {@code tag}).
 */
public final class CascadeData {
  public static final String NEXT = "next";
  public static final String LIKED = "liked";
  public static final String TAGGED = "tagged";

  private final Dataset dataset;
  private final LeaveOneOutSplit split;
  private final List<String> tasks;
  private final float likedAt;

  public CascadeData(Dataset dataset, LeaveOneOutSplit split, float likedAt) {
    this.dataset = dataset;
    this.split = split;
    this.likedAt = likedAt;
    boolean values = false;
    boolean tags = false;
    for (UserSequence u : dataset.users()) {
      for (int p = 0; p < u.length(); p++) {
        values |= !Float.isNaN(u.values()[p]);
        tags |= u.events()[p] != null && u.events()[p].contains("tag");
      }
    }
    List<String> t = new ArrayList<>(List.of(NEXT));
    if (values) {
      t.add(LIKED);
    }
    if (tags) {
      t.add(TAGGED);
    }
    this.tasks = List.copyOf(t);
  }

  /** The tasks, the first being {@code next}. */
  public List<String> tasks() {
    return tasks;
  }

  /**
   * The training split with each user's last {@code positions} training items removed (at
   * least one item is kept): what the channels of the training cases are fitted on.
   */
  public List<int[]> trainFit(int positions) {
    checkPositions(positions);
    List<int[]> out = new ArrayList<>(split.train().size());
    for (int[] s : split.train()) {
      out.add(Arrays.copyOf(s, Math.max(Math.min(1, s.length), s.length - positions)));
    }
    return List.copyOf(out);
  }

  /**
   * The training cases (see the class comment): for each user the split holds out, each of the
   * last {@code positions} training items is a target, its history everything before it. With
   * {@code positions = 2} the newer case's history holds one item the channels were not fitted
   * on, as a test history holds the validation item.
   */
  public List<RankExamples.Case> trainCases(int positions) {
    checkPositions(positions);
    List<RankExamples.Case> out = new ArrayList<>();
    for (int u = 0; u < split.train().size(); u++) {
      int[] s = split.train().get(u);
      if (s.length == dataset.users().get(u).length()) {
        continue; // a user the split could not hold out (all training)
      }
      for (int p = Math.max(1, s.length - positions); p < s.length; p++) {
        out.add(new RankExamples.Case(Arrays.copyOf(s, p), s[p], labels(u, p)));
      }
    }
    return out;
  }

  private static void checkPositions(int positions) {
    if (positions < 1) {
      throw new IllegalArgumentException("positions=" + positions + " must be >= 1");
    }
  }

  /** The split's validation cases with their labels. */
  public List<RankExamples.Case> validationCases() {
    return cases(split.validation());
  }

  /** Labelled cases of a split's cases (e.g. the test split, for per-task AUC). */
  public List<RankExamples.Case> cases(List<LeaveOneOutSplit.EvalCase> evalCases) {
    List<RankExamples.Case> out = new ArrayList<>(evalCases.size());
    for (LeaveOneOutSplit.EvalCase c : evalCases) {
      out.add(new RankExamples.Case(c.history(), c.target(), labels(c.user(), c.history().length)));
    }
    return out;
  }

  /** The labels of user {@code u}'s interaction at {@code position}, one per task. */
  float[] labels(int u, int position) {
    UserSequence s = dataset.users().get(u);
    float[] l = new float[tasks.size()];
    for (int t = 0; t < tasks.size(); t++) {
      l[t] = switch (tasks.get(t)) {
        case NEXT -> 1f;
        case LIKED -> s.values()[position] >= likedAt ? 1f : 0f;
        case TAGGED -> s.events()[position] != null && s.events()[position].contains("tag")
            ? 1f : 0f;
        default -> throw new IllegalStateException(String.format(Locale.ROOT, "task %s",
            tasks.get(t)));
      };
    }
    return l;
  }
}
