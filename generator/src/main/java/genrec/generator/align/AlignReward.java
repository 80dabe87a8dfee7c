package genrec.generator.align;

import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.tensor.TensorFile;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The list reward of an alignment run and its two files in the run's align folder: the reward
 * model ({@value #MODEL_FILE}, ItemKNN calibrated by Platt scaling on validation pairs) and the
 * reward's settings ({@value #FILE}: the weights, how many new items, whether item vectors were
 * there). A new run fits and writes both; a resumed run reads them back, so it keeps the reward
 * it started with.
 */
public final class AlignReward {
  /** The reward model's file. */
  public static final String MODEL_FILE = "reward-model.json";
  /** The reward settings' file. */
  public static final String FILE = "reward.json";

  private AlignReward() {}

  /**
   * The reward model of a new run, fit on the training interactions of {@code split} and
   * calibrated on the validation users outside the alignment's validation subset; written with
   * the reward's settings to {@code dir} (atomically).
   *
   * @param config the alignment's settings (its validation users)
   * @param seed the alignment's seed
   * @param newItems the run's new items (null: none)
   * @param vectors whether item vectors are there (the diversity term)
   */
  public static KnnRewardModel fit(Path dir, LeaveOneOutSplit split, AlignConfig config,
      long seed, RewardWeights weights, BitSet newItems, boolean vectors, int threads) {
    List<EvalCase> calibration = calibrationCases(split.validation(),
        DpoTrainer.validationSubset(split.validation(), config.validationUsers(), seed));
    KnnRewardModel model = KnnRewardModel.fit(split.train(), split.numItems(), calibration,
        KnnRewardModel.Settings.defaults(seed), threads);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    model.save(dir.resolve(MODEL_FILE));
    ObjectNode r = TensorFile.JSON.createObjectNode();
    r.put("weights", weights.toString());
    r.put("newItems", newItems == null ? 0 : newItems.cardinality());
    r.put("vectors", vectors);
    AtomicFiles.writeString(dir.resolve(FILE), r.toPrettyString() + "\n");
    return model;
  }

  /** The reward model a run in {@code dir} saved, refit on the same interactions. */
  public static KnnRewardModel load(Path dir, LeaveOneOutSplit split, int threads) {
    return KnnRewardModel.load(dir.resolve(MODEL_FILE), split.train(), split.numItems(), threads);
  }

  /**
   * The reward weights a run in {@code dir} saved.
   *
   * @throws IllegalArgumentException naming the file when it is missing or unreadable
   */
  public static RewardWeights savedWeights(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      return RewardWeights.parse(TensorFile.JSON.readTree(Files.readString(file))
          .path("weights").asText());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot resume: " + file + " is missing or unreadable");
    }
  }

  /**
   * The validation cases the reward model is calibrated on: those of users outside the
   * alignment's validation subset, or all of them when the subset is every user.
   */
  public static List<EvalCase> calibrationCases(List<EvalCase> all, List<EvalCase> subset) {
    Set<Integer> held = new HashSet<>();
    subset.forEach(e -> held.add(e.user()));
    List<EvalCase> rest = all.stream().filter(e -> !held.contains(e.user())).toList();
    return rest.isEmpty() ? all : rest;
  }
}
