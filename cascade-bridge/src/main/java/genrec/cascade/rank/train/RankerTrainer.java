package genrec.cascade.rank.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import genrec.cascade.rank.features.RankBatch;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.model.RankerNetwork;
import genrec.cascade.rank.train.RankTrainResult.EpochStats;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.generator.train.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Trains a {@link RankerNetwork}: per task binary cross-entropy with logits over the known labels
 * ({@link RankLoss#maskedBce}), the generator's {@link AdamW} at a constant learning rate with
 * global-norm clipping, {@code epochs} passes over the training rows. After every epoch the validation rows
 * are scored (per task AUC and GAUC, {@link RankMetrics}); the weights of the epoch with the best
 * first-task validation AUC are kept and become the model.
 *
 * <p>Deterministic and exactly resumable at epoch boundaries: weights start from a {@link Random}
 * seeded by the seed, the rows of epoch e are shuffled by a {@link Random} seeded by (seed, e),
 * and libtorch's generator (dropout) is reseeded with (seed, step) before every step. So training
 * N epochs straight equals training k, writing a checkpoint, and {@link #resume resuming}.
 *
 * <p>With an output folder: {@value RankerModel#MODEL_FILE} and {@value RankerModel#MODEL_JSON}
 * (the best model, rewritten at each improvement) and {@value #CHECKPOINT_FILE} (after every
 * epoch), all written atomically.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class RankerTrainer {
  public static final String CHECKPOINT_FILE = "ranker-checkpoint.bin";

  private static final Pattern EMBEDDING = Pattern.compile("^\\d*(items|codes\\d+)_weight$");

  private final RankerConfig modelConfig;
  private final RankTrainConfig config;
  private final long seed;
  private final Path outDir;
  private final boolean showProgress;
  private final int stopAfterEpochs;

  private RankerTrainer(Builder b) {
    this.modelConfig = b.modelConfig;
    this.config = b.trainConfig;
    this.seed = b.seed;
    this.outDir = b.outDir;
    this.showProgress = b.progress;
    this.stopAfterEpochs = b.stopAfterEpochs;
  }

  public RankerConfig modelConfig() {
    return modelConfig;
  }

  public RankTrainConfig trainConfig() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /**
   * Trains from scratch on {@code train}, validating on {@code validation} (both with labels).
   *
   * @throws IllegalArgumentException if the rows do not fit the config or have no labels
   */
  public RankTrainResult train(RankRows train, RankRows validation) {
    return run(train, validation, null);
  }

  /**
   * Continues the run whose checkpoint is {@code checkpointFile}; this trainer's configs and seed
   * and the data must be the checkpoint's.
   */
  public RankTrainResult resume(RankRows train, RankRows validation, Path checkpointFile) {
    RankCheckpoint cp = RankCheckpoint.read(checkpointFile);
    StringBuilder diff = new StringBuilder();
    if (!cp.modelConfig().equals(modelConfig)) {
      diff.append(" model config ").append(cp.modelConfig()).append(" vs ").append(modelConfig);
    }
    if (!cp.trainConfig().equals(config)) {
      diff.append(" train config ").append(cp.trainConfig()).append(" vs ").append(config);
    }
    if (cp.seed() != seed) {
      diff.append(" seed ").append(cp.seed()).append(" vs ").append(seed);
    }
    if (diff.length() > 0) {
      throw new IllegalArgumentException(
          "checkpoint " + checkpointFile + " belongs to another run:" + diff);
    }
    String fp = fingerprint(train, validation);
    if (!cp.dataFingerprint().equals(fp)) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile
          + " was trained on different rows (fingerprint " + cp.dataFingerprint() + ")");
    }
    return run(train, validation, cp);
  }

  private static String fingerprint(RankRows train, RankRows validation) {
    return train.fingerprint() + "+" + validation.fingerprint();
  }

  /** Mutable bookkeeping of one run, saved in checkpoints. */
  private static final class State {
    int epochsDone;
    long steps;
    double elapsedBefore;
    int bestEpoch = -1;
    double bestAuc = Double.NaN;
    EpochStats initial;
    List<EpochStats> epochs = new ArrayList<>();
    Map<String, Tensor> best;
  }

  private RankTrainResult run(RankRows train, RankRows val, RankCheckpoint cp) {
    check(train, "train");
    check(val, "validation");
    long t0 = System.nanoTime();
    String fp = fingerprint(train, val);
    int n = train.rows();
    int bs = config.batchSize();
    long batchesPerEpoch = (n + bs - 1) / bs;
    Engine engine = Engine.getEngine("PyTorch");
    State st = new State();
    String reason = "done";
    RankerModel model;
    try (NDManager root = engine.newBaseManager();
        NDManager optManager = root.newSubManager()) {
      RankerNetwork net = new RankerNetwork(modelConfig);
      net.initialize(root);
      List<Pair<String, Parameter>> params = new ArrayList<>();
      net.getParameters().forEach(params::add);
      AdamW opt = new AdamW(params, optManager, config.beta1(), config.beta2(),
          config.epsilon(), config.weightDecay());
      if (cp == null) {
        initWeights(params, new Random(seed));
        st.initial = evaluate(net, root, val, 0, Double.NaN);
      } else {
        Map<String, Tensor> w = cp.group("w/");
        for (Pair<String, Parameter> p : params) {
          Tensor t = w.get(p.getKey());
          if (t == null) {
            throw new IllegalArgumentException("checkpoint has no weight '" + p.getKey() + "'");
          }
          RankerModel.copyInto(t, p.getValue().getArray(), p.getKey());
        }
        opt.restore(cp.tensors(), cp.steps());
        st.epochsDone = cp.epochsDone();
        st.steps = cp.steps();
        st.elapsedBefore = cp.elapsedSeconds();
        st.bestEpoch = cp.bestEpoch();
        st.bestAuc = cp.bestValAuc();
        st.initial = cp.initial();
        st.epochs = new ArrayList<>(cp.epochs());
        Map<String, Tensor> best = cp.group("best/");
        st.best = best.isEmpty() ? null : best;
      }
      int firstEpoch = st.epochsDone;
      ParameterStore ps = new ParameterStore(root, false);
      final double[] lastLoss = {Double.NaN};
      long remaining = (config.epochs() - st.epochsDone) * batchesPerEpoch;
      try (Progress progress = showProgress
          ? Progress.start("rank train", Math.max(0, remaining), "steps")
          : Progress.silent()) {
        progress.status(() -> String.format(Locale.ROOT, "loss %.4f%s", lastLoss[0],
            st.bestEpoch >= 0 ? String.format(Locale.ROOT, ", best val AUC %.4f (epoch %d)",
                st.bestAuc, st.bestEpoch) : ""));
        while (st.epochsDone < config.epochs()) {
          int epoch = st.epochsDone + 1;
          int[] perm = permutation(n, seed, epoch);
          double lossSum = 0;
          for (long b = 0; b < batchesPerEpoch; b++) {
            int from = (int) (b * bs);
            int[] idx = Arrays.copyOfRange(perm, from, Math.min(n, from + bs));
            float loss = step(engine, ps, net, opt, train, idx, st.steps);
            st.steps++;
            lossSum += loss;
            lastLoss[0] = loss;
            progress.advance(1);
          }
          EpochStats s = evaluate(net, root, val, epoch, lossSum / batchesPerEpoch);
          st.epochs.add(s);
          double auc = s.valAuc().get(0);
          if (st.bestEpoch < 0 || (Double.isNaN(st.bestAuc) && !Double.isNaN(auc))
              || auc > st.bestAuc) {
            st.bestEpoch = epoch;
            st.bestAuc = auc;
            st.best = RankerModel.weightsOf(net);
            if (outDir != null) {
              try (RankerModel m = RankerModel.of(modelConfig, st.best, seed, fp)) {
                m.save(outDir);
              }
            }
          }
          st.epochsDone = epoch;
          if (outDir != null) {
            checkpoint(params, opt, st, elapsed(st, t0), fp)
                .write(outDir.resolve(CHECKPOINT_FILE));
          }
          if (stopAfterEpochs > 0 && st.epochsDone - firstEpoch >= stopAfterEpochs
              && st.epochsDone < config.epochs()) {
            reason = "stop after " + stopAfterEpochs + " epochs";
            break;
          }
        }
      }
      model = RankerModel.of(modelConfig, st.best != null ? st.best : RankerModel.weightsOf(net),
          seed, fp);
    }
    return new RankTrainResult(model, st.initial, st.epochs, st.bestEpoch, st.bestAuc,
        elapsed(st, t0), reason);
  }

  private void check(RankRows rows, String name) {
    if (rows == null) {
      throw new IllegalArgumentException(name + " rows are required");
    }
    if (!rows.hasLabels()) {
      throw new IllegalArgumentException(name + " rows have no labels");
    }
    if (rows.rows() == 0) {
      throw new IllegalArgumentException(name + " rows are empty");
    }
    try {
      rows.requireFits(modelConfig);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /** One optimiser step on rows {@code idx}; returns the batch loss. */
  private float step(Engine engine, ParameterStore ps, RankerNetwork net, AdamW opt,
      RankRows train, int[] idx, long step) {
    try (NDManager bm = ps.getManager().newSubManager();
        NDScope scope = new NDScope()) {
      engine.setRandomSeed(stepSeed(seed, step));
      RankBatch b = train.batch(bm, idx);
      float loss;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray logits = net.logits(ps, b, true); // (B, T)
        NDArray l = RankLoss.maskedBce(logits, b.labels(), b.labelMask()); // ()
        gc.backward(l);
        loss = l.getFloat();
      }
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException("training loss is " + loss + " at step " + (step + 1)
            + " (try a lower learning rate)");
      }
      float scale = 1f;
      if (config.clipNorm() > 0f) {
        double norm = opt.gradNorm();
        if (!Double.isFinite(norm)) {
          throw new IllegalStateException(
              "gradient norm is " + norm + " at step " + (step + 1) + " (loss " + loss + ")");
        }
        if (norm > config.clipNorm()) {
          scale = (float) (config.clipNorm() / (norm + 1e-6));
        }
      }
      opt.step(config.learningRate(), scale);
      return loss;
    }
  }

  /** Validation AUC and GAUC per task of the network as it is now. */
  private EpochStats evaluate(RankerNetwork net, NDManager root, RankRows val, int epoch,
      double trainLoss) {
    int t = modelConfig.numTasks();
    int n = val.rows();
    float[] logits = new float[n * t];
    ParameterStore ps = new ParameterStore(root, false);
    for (int from = 0; from < n; from += RankerModel.CHUNK) {
      int to = Math.min(n, from + RankerModel.CHUNK);
      int[] idx = new int[to - from];
      for (int i = from; i < to; i++) {
        idx[i - from] = i;
      }
      try (NDManager m = root.newSubManager();
          NDScope scope = new NDScope()) {
        float[] chunk = net.logits(ps, val.batch(m, idx), false).toFloatArray(); // (B, T)
        System.arraycopy(chunk, 0, logits, from * t, chunk.length);
      }
    }
    List<Double> auc = new ArrayList<>(t);
    List<Double> gauc = new ArrayList<>(t);
    for (int k = 0; k < t; k++) {
      int known = 0;
      for (int r = 0; r < n; r++) {
        known += val.labelKnown(r, k) ? 1 : 0;
      }
      float[] s = new float[known];
      float[] y = new float[known];
      int[] g = new int[known];
      for (int r = 0, i = 0; r < n; r++) {
        if (val.labelKnown(r, k)) {
          s[i] = logits[r * t + k];
          y[i] = val.label(r, k);
          g[i++] = val.group(r);
        }
      }
      auc.add(RankMetrics.auc(s, y));
      gauc.add(RankMetrics.gauc(s, y, g));
    }
    return new EpochStats(epoch, trainLoss, auc, gauc);
  }

  private RankCheckpoint checkpoint(List<Pair<String, Parameter>> params, AdamW opt,
      State st, double seconds, String fp) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : params) {
      tensors.put("w/" + p.getKey(), RankerModel.tensorOf(p.getValue().getArray()));
    }
    tensors.putAll(opt.state());
    if (st.best != null) {
      st.best.forEach((name, t) -> tensors.put("best/" + name, t));
    }
    return new RankCheckpoint(modelConfig, config, seed, fp, st.epochsDone, st.steps, seconds,
        st.bestEpoch, st.bestAuc, st.initial, st.epochs, tensors);
  }

  private static double elapsed(State st, long t0) {
    return st.elapsedBefore + (System.nanoTime() - t0) / 1e9;
  }

  /** A permutation of [0, n) from a {@link Random} seeded by (seed, epoch). */
  static int[] permutation(int n, long seed, long epoch) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int stepSeed(long seed, long step) {
    long h = (seed + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L + step;
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (int) (h & 0x7FFFFFFF);
  }

  /**
   * Seeded initial weights: N(0, 0.05²) for embedding tables, Xavier-uniform for the other
   * matrices, 0 for biases.
   */
  static void initWeights(List<Pair<String, Parameter>> params, Random rnd) {
    for (Pair<String, Parameter> p : params) {
      NDArray a = p.getValue().getArray();
      long[] s = a.getShape().getShape();
      float[] v = new float[Math.toIntExact(a.size())];
      String name = p.getKey();
      if (p.getValue().getType() == Parameter.Type.BIAS) {
        // zeros
      } else if (EMBEDDING.matcher(name).matches()) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * 0.05);
        }
      } else {
        double limit = s.length == 2 ? Math.sqrt(6.0 / (s[0] + s[1])) : 0.05;
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
      }
      RankerModel.copyInto(new Tensor(s, v), a, name);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setModelConfig}, {@link #setTrainConfig}, {@link #setSeed}. Optional:
   * {@link #optOutputDir} (none: nothing is written), {@link #optProgress} (false), {@link
   * #optStopAfterEpochs} (none).
   */
  public static final class Builder {
    private RankerConfig modelConfig;
    private RankTrainConfig trainConfig;
    private Long seed;
    private Path outDir;
    private boolean progress;
    private int stopAfterEpochs;

    private Builder() {}

    public Builder setModelConfig(RankerConfig modelConfig) {
      this.modelConfig = modelConfig;
      return this;
    }

    public Builder setTrainConfig(RankTrainConfig trainConfig) {
      this.trainConfig = trainConfig;
      return this;
    }

    /** The seed; mandatory so that every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Folder for the best model and the checkpoint. */
    public Builder optOutputDir(Path outDir) {
      this.outDir = outDir;
      return this;
    }

    /** A progress bar on stderr (loss, best validation AUC, ETA). */
    public Builder optProgress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /** Stop after this many epochs of this session (checkpoint written); 0 = run to the end. */
    public Builder optStopAfterEpochs(int epochs) {
      this.stopAfterEpochs = epochs;
      return this;
    }

    public RankerTrainer build() {
      if (modelConfig == null) {
        throw new IllegalArgumentException("modelConfig is required (setModelConfig)");
      }
      if (trainConfig == null) {
        throw new IllegalArgumentException("trainConfig is required (setTrainConfig)");
      }
      if (seed == null) {
        throw new IllegalArgumentException("seed is required (setSeed)");
      }
      if (stopAfterEpochs < 0) {
        throw new IllegalArgumentException(
            "stopAfterEpochs=" + stopAfterEpochs + " must be >= 0");
      }
      return new RankerTrainer(this);
    }
  }
}
