package genrec.generator.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.core.io.Fingerprint;
import genrec.core.tensor.TensorFile;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A small relevance model trained on the training split only: the ItemKNN score of an item for
 * a history (sum of its cosines to the last {@code lastN} history items, history items
 * included), as feature {@code x = ln(1 + score)}, turned into a probability by {@link
 * PlattScaling} fitted on held-out validation pairs: per validation case the target (positive)
 * and {@code negatives} items drawn uniformly from the items neither in the history nor the
 * target. The same pairs give the reported {@link Calibration} (log-loss and AUC; with only two
 * coefficients fitted on them, the in-sample numbers are close to held-out ones, and AUC does
 * not depend on the fit at all since the map is monotone).
 *
 * <p>Saved ({@link #save}, JSON, atomic) as its settings, the Platt coefficients, the
 * calibration numbers and the fingerprint of the training sequences; {@link #load} refits the
 * (deterministic) ItemKNN index from the same training sequences and refuses others.
 */
public final class KnnRewardModel implements ItemRewardModel {
  /** Format tag of a saved reward model. */
  public static final String FORMAT = "genrec-reward-model/1";

  private final ItemKnn knn;
  private final Settings settings;
  private final PlattScaling platt;
  private final Calibration calibration;
  private final String trainFingerprint;

  /**
   * How the model is fitted.
   *
   * @param neighbours ItemKNN neighbours kept per item (0 = all)
   * @param lastN history items whose neighbours are summed
   * @param negatives sampled negative items per validation case
   * @param seed seed of the negative sampling
   */
  public record Settings(int neighbours, int lastN, int negatives, long seed) {
    public Settings {
      if (neighbours < 0) {
        throw new IllegalArgumentException("neighbours=" + neighbours + " must be >= 0 (0 = all)");
      }
      if (lastN < 1) {
        throw new IllegalArgumentException("lastN=" + lastN + " must be >= 1");
      }
      if (negatives < 1) {
        throw new IllegalArgumentException("negatives=" + negatives + " must be >= 1");
      }
    }

    /** All neighbours, the last 3 items (ItemKNN's protocol), 4 negatives per case. */
    public static Settings defaults(long seed) {
      return new Settings(0, 3, 4, seed);
    }
  }

  /**
   * The calibrated score on the validation pairs.
   *
   * @param cases validation cases used
   * @param pairs scored (case, item) pairs: positives plus negatives
   * @param logLoss mean log-loss of the calibrated probability
   * @param baseLogLoss log-loss of the constant base-rate probability (for comparison)
   * @param auc area under the ROC curve (positives above negatives)
   */
  public record Calibration(int cases, int pairs, double logLoss, double baseLogLoss,
      double auc) {

    /** One line for logs. */
    public String summary() {
      return String.format(Locale.ROOT, "reward model (ItemKNN + Platt) on %,d validation pairs "
          + "(%,d cases): log-loss %.4f (base rate %.4f), AUC %.4f", pairs, cases, logLoss,
          baseLogLoss, auc);
    }
  }

  private KnnRewardModel(ItemKnn knn, Settings settings, PlattScaling platt,
      Calibration calibration, String trainFingerprint) {
    this.knn = knn;
    this.settings = settings;
    this.platt = platt;
    this.calibration = calibration;
    this.trainFingerprint = trainFingerprint;
  }

  /**
   * Fits ItemKNN on {@code train} and Platt scaling on pairs from {@code calibrationCases}.
   *
   * @param train training sequences (the only interactions ItemKNN sees)
   * @param calibrationCases held-out cases (their targets are not in {@code train})
   * @param threads threads for the ItemKNN index
   */
  public static KnnRewardModel fit(List<int[]> train, int numItems,
      List<EvalCase> calibrationCases, Settings settings, int threads) {
    if (calibrationCases.isEmpty()) {
      throw new IllegalArgumentException("no validation cases to calibrate the reward model on");
    }
    ItemKnn knn = ItemKnn.fit(train, numItems,
        new ItemKnn.Options(settings.neighbours(), settings.lastN(), threads));
    Random rnd = new Random(settings.seed() * 0x9E3779B97F4A7C15L + 17);
    int n = calibrationCases.size() * (1 + settings.negatives());
    double[] x = new double[n];
    boolean[] y = new boolean[n];
    int at = 0;
    for (EvalCase c : calibrationCases) {
      BitSet taken = new BitSet(numItems);
      for (int h : c.history()) {
        taken.set(h);
      }
      taken.set(c.target());
      if (taken.cardinality() + settings.negatives() > numItems) {
        throw new IllegalArgumentException("the catalogue of " + numItems + " items is too small "
            + "for " + settings.negatives() + " negatives per validation case");
      }
      int[] items = new int[1 + settings.negatives()];
      items[0] = c.target();
      for (int k = 1; k < items.length; k++) {
        int j;
        do {
          j = rnd.nextInt(numItems);
        } while (taken.get(j));
        taken.set(j);
        items[k] = j;
      }
      float[] raw = rawScores(knn, settings.lastN(), c.history(), items);
      for (int k = 0; k < items.length; k++) {
        x[at] = feature(raw[k]);
        y[at] = k == 0;
        at++;
      }
    }
    PlattScaling platt = PlattScaling.fit(x, y);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = platt.probability(x[i]);
    }
    double base = 1.0 / (1 + settings.negatives());
    double[] constant = new double[n];
    java.util.Arrays.fill(constant, base);
    Calibration cal = new Calibration(calibrationCases.size(), n, PlattScaling.logLoss(p, y),
        PlattScaling.logLoss(constant, y), PlattScaling.auc(x, y));
    return new KnnRewardModel(knn, settings, platt, cal, fingerprint(train, numItems));
  }

  /** The feature Platt scaling sees: {@code ln(1 + ItemKNN score)}. */
  static double feature(float raw) {
    return Math.log1p(raw);
  }

  /** ItemKNN scores of {@code items}, history items included (ItemKnn.score masks them). */
  static float[] rawScores(ItemKnn knn, int lastN, int[] history, int[] items) {
    Map<Integer, Integer> want = new HashMap<>();
    for (int k = 0; k < items.length; k++) {
      want.putIfAbsent(items[k], k);
    }
    float[] byFirst = new float[items.length];
    for (int h = Math.max(0, history.length - lastN); h < history.length; h++) {
      int[] nb = knn.neighbours(history[h]);
      float[] sim = knn.similarities(history[h]);
      for (int e = 0; e < nb.length; e++) {
        Integer k = want.get(nb[e]);
        if (k != null) {
          byFirst[k] += sim[e];
        }
      }
    }
    float[] out = new float[items.length];
    for (int k = 0; k < items.length; k++) {
      out[k] = byFirst[want.get(items[k])];
    }
    return out;
  }

  /** Calibrated probabilities of {@code items} for {@code history}. */
  @Override
  public float[] score(int[] history, int[] items) {
    float[] raw = rawScores(knn, settings.lastN(), history, items);
    float[] out = new float[raw.length];
    for (int k = 0; k < raw.length; k++) {
      out[k] = (float) platt.probability(feature(raw[k]));
    }
    return out;
  }

  public Settings settings() {
    return settings;
  }

  public PlattScaling platt() {
    return platt;
  }

  public Calibration calibration() {
    return calibration;
  }

  /** Fingerprint of the training sequences ItemKNN was fitted on. */
  public String trainFingerprint() {
    return trainFingerprint;
  }

  static String fingerprint(List<int[]> train, int numItems) {
    Fingerprint f = new Fingerprint().add("reward-train").add(numItems).add(train.size());
    for (int[] s : train) {
      f.add(s);
    }
    return f.hex();
  }

  /** The saved form: settings, coefficients, calibration and fingerprint. */
  public ObjectNode header() {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.put("relevance", "ItemKNN score x = ln(1 + score), p = sigmoid(a x + b)");
    h.set("settings", TensorFile.JSON.valueToTree(settings));
    h.put("a", platt.a());
    h.put("b", platt.b());
    h.set("calibration", TensorFile.JSON.valueToTree(calibration));
    h.put("trainFingerprint", trainFingerprint);
    return h;
  }

  /** Writes {@link #header()} to {@code file}, atomically. */
  public void save(Path file) {
    AtomicFiles.writeString(file, header().toPrettyString() + "\n");
  }

  /**
   * Loads a model saved by {@link #save}, refitting ItemKNN on {@code train}.
   *
   * @throws DataFormatException when the file is not a reward model or {@code train} is not the
   *     data it was fitted on
   */
  public static KnnRewardModel load(Path file, List<int[]> train, int numItems, int threads) {
    JsonNode h;
    try {
      h = TensorFile.JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new DataFormatException(file, 0, null, "could not read: " + e.getMessage());
    }
    if (!FORMAT.equals(h.path("format").asText())) {
      throw new DataFormatException(file, 0, "format", "expected '" + FORMAT + "', got '"
          + h.path("format").asText() + "'");
    }
    String fp = fingerprint(train, numItems);
    if (!fp.equals(h.path("trainFingerprint").asText())) {
      throw new DataFormatException(file, 0, "trainFingerprint",
          "the reward model was fitted on other training data");
    }
    try {
      Settings s = TensorFile.JSON.treeToValue(h.path("settings"), Settings.class);
      Calibration c = TensorFile.JSON.treeToValue(h.path("calibration"), Calibration.class);
      ItemKnn knn = ItemKnn.fit(train, numItems,
          new ItemKnn.Options(s.neighbours(), s.lastN(), threads));
      return new KnnRewardModel(knn, s, new PlattScaling(h.path("a").asDouble(),
          h.path("b").asDouble()), c, fp);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }
}
