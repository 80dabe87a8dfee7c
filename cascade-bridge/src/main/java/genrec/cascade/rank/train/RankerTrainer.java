package genrec.cascade.rank.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.rank.features.RankBatch;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.model.RankerNetwork;
import genrec.cascade.rank.train.RankTrainResult.EpochStats;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.EpochBatches;
import genrec.core.train.LoopResult;
import genrec.core.train.RunIdentity;
import genrec.core.train.Session;
import genrec.core.train.TrainCheckpoint;
import genrec.core.train.TrainTask;
import genrec.core.train.TrainerBuilder;
import genrec.core.train.TrainingLoop;
import genrec.core.train.Weights;
import genrec.core.train.Weights.Init;
import genrec.generator.train.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Trains a {@link RankerNetwork}: per task binary cross-entropy with logits over the known labels
 * ({@link RankLoss#maskedBce}), the generator's {@link AdamW} at a constant learning rate with
 * global-norm clipping, {@code epochs} passes over the training rows. After every epoch the
 * validation rows are scored (per task AUC and GAUC, {@link RankMetrics}); the weights of the
 * epoch with the best first-task validation AUC are kept and become the model.
 *
 * <p>The steps, seeds, checkpoints, limits and best-keeping are the {@link TrainingLoop}'s
 * (validation and a checkpoint every epoch; optional time limit and Ctrl-C checkpoint); this
 * class is the ranker's {@link TrainTask}. Deterministic and exactly resumable: weights start
 * from a {@link Random} seeded by the seed, the rows of epoch e (1-based) are shuffled by a
 * {@link Random} seeded by (seed, e) ({@link EpochBatches}), and libtorch's generator (dropout)
 * is reseeded with (seed, step) before every step. So training N epochs straight equals training
 * k, writing a checkpoint, and {@link #resume resuming}. A session stopped inside an epoch (time
 * limit, Ctrl-C) validates there (its {@link EpochStats} carries that epoch's number) and
 * resumes from that step.
 *
 * <p>With an output folder: {@value RankerModel#MODEL_FILE} and {@value RankerModel#MODEL_JSON}
 * (the best model, rewritten at each improvement) and {@value #CHECKPOINT_FILE} (after every
 * epoch, the training loop's one format), all written atomically.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class RankerTrainer {
  public static final String CHECKPOINT_FILE = "ranker-checkpoint.bin";

  /** The task name of ranker checkpoints. */
  public static final String TASK = "ranker";

  /** The metric that picks the best epoch: the first task's validation AUC. */
  static final String AUC = "auc";

  private static final Pattern EMBEDDING = Pattern.compile("^\\d*(items|codes\\d+)_weight$");

  private final RankerConfig modelConfig;
  private final RankTrainConfig config;
  private final Session session;
  private final int stopAfterEpochs;

  private RankerTrainer(Builder b, Session session) {
    this.modelConfig = b.modelConfig;
    this.config = b.trainConfig;
    this.session = session;
    this.stopAfterEpochs = b.stopAfterEpochs;
  }

  public RankerConfig modelConfig() {
    return modelConfig;
  }

  public RankTrainConfig trainConfig() {
    return config;
  }

  public long seed() {
    return session.seed();
  }

  /**
   * Trains from scratch on {@code train}, validating on {@code validation} (both with labels).
   *
   * @throws IllegalArgumentException if the rows do not fit the config or have no labels
   */
  public RankTrainResult train(RankRows train, RankRows validation) {
    return run(train, validation, null, null);
  }

  /**
   * Continues the run whose checkpoint is {@code checkpointFile}; this trainer's configs and seed
   * and the data must be the checkpoint's.
   */
  public RankTrainResult resume(RankRows train, RankRows validation, Path checkpointFile) {
    return run(train, validation, TrainCheckpoint.read(checkpointFile, TASK), checkpointFile);
  }

  private static String fingerprint(RankRows train, RankRows validation) {
    return train.fingerprint() + "+" + validation.fingerprint();
  }

  private RankTrainResult run(RankRows train, RankRows val, TrainCheckpoint cp, Path cpFile) {
    check(train, "train");
    check(val, "validation");
    EpochBatches batches = new EpochBatches(train.rows(), config.batchSize(), session.seed(),
        1, null, 0);
    long bpe = batches.batchesPerEpoch();
    Task task = new Task(train, val, batches);
    TrainingLoop.Builder lb = session.loop(task, config.epochs() * bpe, CHECKPOINT_FILE,
        "rank train").setMetric(AUC).optValidateEvery(Math.toIntExact(bpe))
        .optCheckpointEvery(Math.toIntExact(bpe));
    if (stopAfterEpochs > 0) {
      lb.optStopAfterSteps(stopAfterEpochs * bpe);
    }
    TrainingLoop loop = lb.build();
    LoopResult r = cp == null ? loop.train() : loop.resume(cp, cpFile);
    return new RankTrainResult(task.model, task.initial, task.epochs,
        r.bestStep() < 0 ? -1 : task.epochOf(r.bestStep()), r.best(AUC), r.seconds(),
        stopAfterEpochs > 0 ? r.stopText(stopAfterEpochs, "epochs")
            : r.stopText(session.stopAfterSteps(), "steps"));
  }

  /** The ranker's part of the {@link TrainingLoop}: row batches, masked BCE, AUC / GAUC. */
  private final class Task implements TrainTask {
    private final RankRows train;
    private final RankRows val;
    private final EpochBatches batches;
    private final RunIdentity identity;
    private final List<EpochStats> epochs = new ArrayList<>();
    private EpochStats initial;
    private RankerNetwork net;
    private NDManager root;
    private RankerModel model;

    Task(RankRows train, RankRows val, EpochBatches batches) {
      this.train = train;
      this.val = val;
      this.batches = batches;
      this.identity = new RunIdentity(TASK).run("modelConfig", modelConfig)
          .run("trainConfig", config).run("seed", session.seed())
          .data("dataFingerprint", fingerprint(train, val), "was trained on different rows");
    }

    /** The (1-based) epoch that {@code step} steps end in; a partial epoch counts. */
    int epochOf(long step) {
      return Math.toIntExact((step + batches.batchesPerEpoch() - 1) / batches.batchesPerEpoch());
    }

    @Override
    public RunIdentity identity() {
      return identity;
    }

    @Override
    public List<Pair<String, Parameter>> network(NDManager manager) {
      root = manager;
      net = new RankerNetwork(modelConfig);
      net.initialize(manager);
      return Weights.parameters(net);
    }

    @Override
    public AdamW optimiser(List<Pair<String, Parameter>> parameters, NDManager manager) {
      return new AdamW(parameters, manager, config.beta1(), config.beta2(), config.epsilon(),
          config.weightDecay());
    }

    @Override
    public void initWeights(List<Pair<String, Parameter>> parameters) {
      RankerTrainer.initWeights(parameters, new Random(session.seed()));
    }

    /** A fresh run measures its random initial weights (epoch 0, not a candidate for best). */
    @Override
    public void begin(boolean resumed) {
      if (!resumed) {
        initial = evaluate(0, Double.NaN);
      }
    }

    @Override
    public NDArray loss(NDManager bm, ParameterStore ps, long step) {
      RankBatch b = train.batch(bm, batches.batch(step));
      NDArray logits = net.logits(ps, b, true); // (B, T)
      return RankLoss.maskedBce(logits, b.labels(), b.labelMask()); // ()
    }

    @Override
    public float learningRate(long update) {
      return config.learningRate();
    }

    @Override
    public float clipNorm() {
      return config.clipNorm();
    }

    @Override
    public boolean validates() {
      return true;
    }

    @Override
    public Map<String, Double> validate(long step, double seconds, double meanLoss) {
      EpochStats s = evaluate(epochOf(step), meanLoss);
      epochs.add(s);
      return Map.of(AUC, s.valAuc().get(0));
    }

    @Override
    public Map<String, Tensor> validatedWeights() {
      return RankerModel.weightsOf(net);
    }

    @Override
    public void improved(long step, Map<String, Tensor> best) {
      if (session.outDir() != null) {
        try (RankerModel m = RankerModel.of(modelConfig, best, session.seed(), identity.toJson()
            .path("dataFingerprint").asText())) {
          m.save(session.outDir());
        }
      }
    }

    @Override
    public ObjectNode state() {
      ObjectNode h = TensorFile.JSON.createObjectNode();
      h.set("initial", stats(initial));
      ArrayNode a = h.putArray("epochs");
      epochs.forEach(s -> a.add(stats(s)));
      return h;
    }

    @Override
    public void restore(ObjectNode state, Map<String, Tensor> tensors) {
      initial = stats(state.path("initial"));
      state.path("epochs").forEach(s -> epochs.add(stats(s)));
    }

    @Override
    public void finish(Map<String, Tensor> weights, long bestStep) {
      model = RankerModel.of(modelConfig, weights, session.seed(), fingerprint(train, val));
    }

    /** Validation AUC and GAUC per task of the network as it is now. */
    private EpochStats evaluate(int epoch, double trainLoss) {
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
  }

  private static ObjectNode stats(EpochStats s) {
    ObjectNode o = TensorFile.JSON.createObjectNode();
    o.put("epoch", s.epoch());
    o.put("trainLoss", s.trainLoss());
    ArrayNode auc = o.putArray("valAuc");
    s.valAuc().forEach(auc::add);
    ArrayNode gauc = o.putArray("valGauc");
    s.valGauc().forEach(gauc::add);
    return o;
  }

  private static EpochStats stats(JsonNode o) {
    List<Double> auc = new ArrayList<>();
    o.path("valAuc").forEach(n -> auc.add(TrainCheckpoint.number(n)));
    List<Double> gauc = new ArrayList<>();
    o.path("valGauc").forEach(n -> gauc.add(TrainCheckpoint.number(n)));
    return new EpochStats(o.path("epoch").asInt(), TrainCheckpoint.number(o.path("trainLoss")),
        auc, gauc);
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

  /**
   * Seeded initial weights: N(0, 0.05²) for embedding tables, Xavier-uniform for the other
   * matrices, 0 for biases.
   */
  static void initWeights(List<Pair<String, Parameter>> params, Random rnd) {
    Weights.initialise(params, rnd, p -> p.getValue().getType() == Parameter.Type.BIAS
        ? Init.constant(0) : EMBEDDING.matcher(p.getKey()).matches() ? Init.normal(0.05)
        : Init.xavierUniform(0.05));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setModelConfig}, {@link #setTrainConfig}, {@link #setSeed}. Optional:
   * {@link #optOutputDir} (none: nothing is written), {@link #optProgress} (false), {@link
   * #optStopAfterEpochs} (none), {@link #optMaxSeconds} (none), {@link #optShutdownHook} (false).
   */
  public static final class Builder extends TrainerBuilder<Builder> {
    private RankerConfig modelConfig;
    private RankTrainConfig trainConfig;
    private int stopAfterEpochs;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    public Builder setModelConfig(RankerConfig modelConfig) {
      this.modelConfig = modelConfig;
      return this;
    }

    public Builder setTrainConfig(RankTrainConfig trainConfig) {
      this.trainConfig = trainConfig;
      return this;
    }

    /**
     * Stop after this many epochs of this session (checkpoint written); 0 = run to the end.
     * Takes the place of {@link #optStopAfterSteps} when set.
     */
    public Builder optStopAfterEpochs(int epochs) {
      this.stopAfterEpochs = epochs;
      return this;
    }

    public RankerTrainer build() {
      required(modelConfig, "modelConfig");
      required(trainConfig, "trainConfig");
      Session session = session();
      if (stopAfterEpochs < 0) {
        throw new IllegalArgumentException(
            "stopAfterEpochs=" + stopAfterEpochs + " must be >= 0");
      }
      return new RankerTrainer(this, session);
    }
  }
}
