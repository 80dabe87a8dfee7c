package genrec.generator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.EpochBatches;
import genrec.core.train.LoopResult;
import genrec.core.train.RunIdentity;
import genrec.core.train.Seeds;
import genrec.core.train.Session;
import genrec.core.train.TrainCheckpoint;
import genrec.core.train.TrainTask;
import genrec.core.train.TrainerBuilder;
import genrec.core.train.TrainingLoop;
import genrec.core.train.Weights;
import genrec.core.train.Weights.Init;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidLoss;
import genrec.generator.model.SidTransformer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link SidTransformer} on next-item prediction (the TIGER recipe). Every prefix of
 * every training sequence is one sample: history = the items before position t (the last
 * {@code historyWindow} of them), target = item t. Teacher forcing, cross-entropy over the
 * levels, our own {@link AdamW} with warm-up and decay ({@link TrainConfig#learningRateAt}),
 * global-norm clipping. Validation: Recall@10 / NDCG@10 with constrained beam search
 * ({@link GenerativeRecommender} + {@link Evaluator}, history items excluded) on a fixed subset of
 * validation users drawn with the seed; the best weights are kept; optional early stopping.
 * With {@link TrainConfig#emaDecay()} set, a {@link WeightAverage} of the weights is what gets
 * validated, kept as the best and written as the model; the optimiser still steps the raw weights.
 *
 * <p>The steps, seeds, checkpoints, limits and best-keeping are the {@link TrainingLoop}'s; this
 * class is the generator's {@link TrainTask}. Deterministic and exactly resumable: weights start
 * from a {@link Random} seeded by the seed, the samples come in {@link EpochBatches} (length
 * buckets with {@link TrainConfig#lengthBuckets()}), and libtorch's generator (dropout) is
 * reseeded with (seed, step) before every step. So training N steps straight equals training k
 * steps, writing a {@link Checkpoint}, and {@link #resume resuming} for N − k more. The trainer
 * holds no state between calls; runtime limits (time, stop after, shutdown hook) are not part
 * of the run's identity.
 *
 * <p>Files in the output folder (all written atomically): {@value #MODEL_FILE} (the best model,
 * rewritten at each improvement), {@value #MODEL_JSON} (its header, readable),
 * {@value #CHECKPOINT_FILE} and {@value #CURVE_FILE}.
 */
public final class GeneratorTrainer {
  public static final String MODEL_FILE = "model.bin";
  public static final String MODEL_JSON = "model.json";
  public static final String CHECKPOINT_FILE = "checkpoint.bin";
  public static final String CURVE_FILE = "learning-curve.csv";

  /** The task name of the generator's checkpoints. */
  public static final String TASK = "generator";

  /** Validation metrics: NDCG@10 picks the best weights. */
  static final String NDCG = "ndcg@10";
  static final String RECALL = "recall@10";

  /** The learning curve as a PNG ({@link LearningCurveChart}), written with the CSV. */
  public static final String CURVE_CHART_FILE = "learning-curve.png";

  private final GeneratorConfig modelConfig;
  private final TrainConfig config;
  private final Session session;
  private final int evalThreads;

  private GeneratorTrainer(Builder b, Session session) {
    this.modelConfig = b.modelConfig;
    this.config = b.trainConfig;
    this.session = session;
    this.evalThreads = b.evalThreads;
  }

  public GeneratorConfig modelConfig() {
    return modelConfig;
  }

  public TrainConfig trainConfig() {
    return config;
  }

  public long seed() {
    return session.seed();
  }

  /** Trains from scratch. */
  public TrainResult train(TrainData data) {
    return run(data, null, null);
  }

  /**
   * Continues the run saved in {@code checkpointFile}. The trainer's configs and seed must be the
   * checkpoint's (see {@link #resumeFrom}) and the data must have the same fingerprints.
   */
  public TrainResult resume(TrainData data, Path checkpointFile) {
    return resume(data, Checkpoint.read(checkpointFile), checkpointFile);
  }

  /**
   * As {@link #resume(TrainData, Path)}, with the checkpoint already read from {@code
   * checkpointFile} (named in errors), so a caller that inspected it need not read it again.
   */
  public TrainResult resume(TrainData data, Checkpoint cp, Path checkpointFile) {
    return run(data, cp.saved(), checkpointFile);
  }

  /** A builder holding the configs and seed of the run saved in {@code checkpointFile}. */
  public static Builder resumeFrom(Path checkpointFile) {
    return resumeFrom(Checkpoint.read(checkpointFile));
  }

  /** A builder holding the configs and seed of the run saved in {@code cp}. */
  public static Builder resumeFrom(Checkpoint cp) {
    return builder().setModelConfig(cp.modelConfig()).setTrainConfig(cp.trainConfig())
        .setSeed(cp.seed());
  }

  /**
   * The training samples of one epoch, in data order. Per prefix: (sequence, start, t) = history
   * [start, t) → item t, for every t >= 1; sequence-parallel: chunks (sequence, start, end) =
   * inputs [start, end) → items start+1..end, cut from the end of each sequence in pieces of at
   * most {@code window} inputs.
   */
  static List<int[]> samples(TrainData data, int window, boolean sequence) {
    List<int[]> samples = new ArrayList<>();
    for (int u = 0; u < data.sequences().size(); u++) {
      int len = data.sequences().get(u).length;
      if (sequence) {
        for (int e = len - 1; e >= 1; e = Math.max(0, e - window)) {
          samples.add(new int[] {u, Math.max(0, e - window), e});
        }
      } else {
        for (int t = 1; t < len; t++) {
          samples.add(new int[] {u, Math.max(0, t - window), t});
        }
      }
    }
    return samples;
  }

  /**
   * Optimiser steps in one pass over {@code data} with these settings (the unit of {@link
   * TrainConfig#scaledToData}).
   */
  public static long batchesPerEpoch(TrainData data, GeneratorConfig modelConfig,
      TrainConfig config) {
    long n = samples(data, modelConfig.historyWindow(),
        config.samples() == TrainConfig.Samples.SEQUENCE).size();
    return (n + config.batchSize() - 1) / config.batchSize();
  }

  private TrainResult run(TrainData data, TrainCheckpoint cp, Path checkpointFile) {
    checkCodes(data);
    boolean sequence = config.samples() == TrainConfig.Samples.SEQUENCE;
    if (sequence) {
      SequenceBatch.requireSupported(modelConfig);
    }
    List<int[]> samples = samples(data, modelConfig.historyWindow(), sequence);
    int n = samples.size();
    if (n == 0) {
      throw new IllegalArgumentException("no training samples: every sequence is shorter than 2");
    }
    int[] chunkLengths = sequence && config.lengthBuckets() > 0
        ? samples.stream().mapToInt(smp -> smp[2] - smp[1]).toArray() : null;
    EpochBatches batches = new EpochBatches(n, config.batchSize(), session.seed(), 0, chunkLengths,
        config.lengthBuckets());
    long total = config.totalSteps(batches.batchesPerEpoch());
    Task task = new Task(data, samples, batches, total, sequence);
    TrainingLoop loop = session.loop(task, total, CHECKPOINT_FILE, "train").setMetric(NDCG)
        .optValidateEvery(config.validateEvery()).optCheckpointEvery(config.checkpointEvery())
        .optPatience(config.patience()).build();
    LoopResult r = cp == null ? loop.train() : loop.resume(cp, checkpointFile);
    return new TrainResult(task.model, r.steps(), (double) r.steps() * config.batchSize() / n,
        r.seconds(), r.bestStep(), r.best(NDCG), r.best(RECALL), task.curve, r.losses(),
        r.firstStep(), r.stepSeconds() > 0 ? task.sessionSamples / r.stepSeconds() : 0,
        r.stopText(session.stopAfterSteps(), "steps"));
  }

  /** The generator's part of the {@link TrainingLoop}: batches, loss, validation, the EMA. */
  private final class Task implements TrainTask {
    private final TrainData data;
    private final List<int[]> samples;
    private final EpochBatches batches;
    private final long total;
    private final boolean sequence;
    private final PrefixTrie trie;
    private final List<EvalCase> valSubset;
    private final RunIdentity identity;
    private final List<TrainResult.CurvePoint> curve = new ArrayList<>();
    private SidTransformer net;
    private NDManager optManager;
    private WeightAverage ema;
    private GeneratorModel model;
    // targets (next items predicted), not sequences: the sequence layout trains many per row
    private long sessionSamples;
    private long sessionStart;

    Task(TrainData data, List<int[]> samples, EpochBatches batches, long total,
        boolean sequence) {
      this.data = data;
      this.samples = samples;
      this.batches = batches;
      this.total = total;
      this.sequence = sequence;
      this.trie = PrefixTrie.of(data.itemCodes(), modelConfig.codebookSize());
      this.valSubset = validationSubset(data.validation());
      this.identity = new RunIdentity(TASK).run("modelConfig", modelConfig)
          .run("trainConfig", config).run("seed", session.seed())
          .data("dataFingerprint", data.dataFingerprint(), "was trained on different data")
          .data("sidFingerprint", data.sidFingerprint(),
              "was trained on different semantic IDs (was 'genrec quantize' run again?)");
    }

    @Override
    public RunIdentity identity() {
      return identity;
    }

    @Override
    public List<Pair<String, Parameter>> network(NDManager manager) {
      net = new SidTransformer(modelConfig);
      net.initialize(manager);
      return Weights.parameters(net);
    }

    @Override
    public AdamW optimiser(List<Pair<String, Parameter>> parameters, NDManager manager) {
      optManager = manager;
      return new AdamW(parameters, manager, config);
    }

    @Override
    public void initWeights(List<Pair<String, Parameter>> parameters) {
      GeneratorTrainer.initWeights(parameters, new Random(session.seed()));
      startAverage(parameters);
    }

    private void startAverage(List<Pair<String, Parameter>> parameters) {
      ema = config.emaDecay() > 0f
          ? new WeightAverage(parameters, optManager, config.emaDecay()) : null;
    }

    @Override
    public void restore(ObjectNode state, Map<String, Tensor> tensors) {
      startAverage(Weights.parameters(net));
      if (ema != null) {
        ema.restore(tensors);
      }
      curve.addAll(Checkpoint.curveOf(state.path("curve")));
    }

    @Override
    public void begin(boolean resumed) {
      sessionStart = System.nanoTime();
    }

    @Override
    public NDArray loss(NDManager bm, ParameterStore ps, long step) {
      int[] idx = batches.batch(step);
      int b = idx.length;
      int[][] hist = new int[b][];
      int[][] next = new int[b][];
      long[] users = modelConfig.userTokens() ? new long[b] : null;
      for (int i = 0; i < b; i++) {
        int[] smp = samples.get(idx[i]);
        int[] seq = data.sequences().get(smp[0]);
        hist[i] = Arrays.copyOfRange(seq, smp[1], smp[2]);
        next[i] = sequence ? Arrays.copyOfRange(seq, smp[1] + 1, smp[2] + 1)
            : new int[] {seq[smp[2]]};
        sessionSamples += next[i].length;
        if (users != null) {
          users[i] = smp[0];
        }
      }
      int[][] codes = data.itemCodes();
      return sequence
          ? SequenceBatch.of(net, bm, hist, next, users, codes).loss(net, ps, true) // ()
          : prefixLoss(net, ps, bm, hist, next, users, codes); // ()
    }

    @Override
    public float learningRate(long update) {
      return config.learningRateAt(update, total);
    }

    @Override
    public float clipNorm() {
      return config.clipNorm();
    }

    @Override
    public void afterStep(long stepsDone, float loss) {
      if (ema != null) {
        ema.update(stepsDone);
      }
    }

    @Override
    public boolean validates() {
      return !valSubset.isEmpty();
    }

    /** Validates the averaged weights if there is an average, else the network's own. */
    @Override
    public Map<String, Double> validate(long step, double seconds, double meanLoss) {
      EvalReport r = ema != null ? ema.withAverage(this::evaluate) : evaluate();
      double ndcg = r.ndcgAt(10);
      double recall = r.recallAt(10);
      curve.add(new TrainResult.CurvePoint(seconds, step, ndcg, recall, meanLoss));
      if (session.outDir() != null) {
        AtomicFiles.writeString(session.outDir().resolve(CURVE_FILE), TrainResult.curveCsv(curve));
        LearningCurveChart.write(session.outDir().resolve(CURVE_CHART_FILE), curve,
            "Learning curve (validation subset)");
      }
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(NDCG, ndcg);
      m.put(RECALL, recall);
      return m;
    }

    private EvalReport evaluate() {
      // a search folds the weights of this step; it is freed before training goes on
      try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
          .optBeamWidth(config.validationBeam()).optExcludeHistory(true).build()) {
        GenerativeRecommender rec = new GenerativeRecommender(search, 10, "generator");
        return new Evaluator(new int[] {10}, evalThreads)
            .evaluate(rec, valSubset, "validation", Progress.silent());
      }
    }

    @Override
    public Map<String, Tensor> validatedWeights() {
      return ema != null ? ema.weights() : GeneratorModel.weightsOf(net);
    }

    @Override
    public void improved(long step, Map<String, Tensor> best) {
      if (session.outDir() != null) {
        try (GeneratorModel m = GeneratorModel.of(modelConfig, best, session.seed(),
            data.dataFingerprint(), data.sidFingerprint())) {
          writeModel(m);
        }
      }
    }

    @Override
    public ObjectNode state() {
      ObjectNode s = TensorFile.JSON.createObjectNode();
      ArrayNode c = s.putArray("curve");
      curve.forEach(p -> c.add(TensorFile.JSON.valueToTree(p)));
      return s;
    }

    @Override
    public Map<String, Tensor> stateTensors() {
      return ema != null ? ema.state() : Map.of();
    }

    @Override
    public String status() {
      return String.format(Locale.ROOT, ", %.0f targets/s",
          sessionSamples / ((System.nanoTime() - sessionStart) / 1e9));
    }

    @Override
    public void finish(Map<String, Tensor> weights, long bestStep) {
      model = GeneratorModel.of(modelConfig, weights, session.seed(), data.dataFingerprint(),
          data.sidFingerprint());
      if (session.outDir() != null) {
        writeModel(model);
      }
    }
  }

  /** Per-prefix layout: one history → one next item per row. Legend in the package docs. */
  private static NDArray prefixLoss(SidTransformer net, ParameterStore ps, NDManager bm,
      int[][] hist, int[][] next, long[] users, int[][] codes) {
    int[][] targets = new int[next.length][];
    for (int i = 0; i < next.length; i++) {
      targets[i] = codes[next[i][0]];
    }
    NDArray enc = net.encoderTokens(bm, hist, users, codes); // (B, S, G)
    NDArray dec = net.decoderTokens(bm, targets); // (B, T)
    NDArray tgt = net.targetCodes(bm, targets); // (B, T)
    NDArray logits = net.forward(ps, new NDList(enc, dec), true).head(); // (B, T, K)
    return SidLoss.crossEntropy(logits, tgt); // ()
  }

  private void writeModel(GeneratorModel m) {
    m.save(session.outDir().resolve(MODEL_FILE));
    AtomicFiles.writeString(session.outDir().resolve(MODEL_JSON),
        m.header().toPrettyString() + "\n");
  }

  /** The fixed validation subset: {@code validationUsers} cases drawn with the seed. */
  List<EvalCase> validationSubset(List<EvalCase> all) {
    return Seeds.sample(all, config.validationUsers(),
        Seeds.random(session.seed() ^ 0x5DEECE66DL, 0));
  }

  private void checkCodes(TrainData data) {
    int levels = modelConfig.levels();
    int k = modelConfig.codebookSize();
    int[][] codes = data.itemCodes();
    for (int i = 0; i < codes.length; i++) {
      if (codes[i].length != levels) {
        throw new IllegalArgumentException("item " + i + " has " + codes[i].length
            + " codes, the model has levels=" + levels);
      }
      for (int c : codes[i]) {
        if (c < 0 || c >= k) {
          throw new IllegalArgumentException("item " + i + " has code " + c
              + " outside the model's codebook [0, " + k + ")");
        }
      }
    }
  }

  /**
   * Seeded initial weights: Xavier-uniform for linear maps, N(0, 0.02²) for embedding tables,
   * 1 for norm gains.
   */
  static void initWeights(List<Pair<String, Parameter>> params, Random rnd) {
    Weights.initialise(params, rnd, p -> p.getValue().getType() == Parameter.Type.GAMMA
        ? Init.constant(1) : p.getKey().contains("tokens_") || p.getKey().contains("positions_")
        ? Init.normal(0.02) : Init.xavierUniform(0.02));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setModelConfig}, {@link #setTrainConfig}, {@link #setSeed}. Optional:
   * {@link #optOutputDir} (none: nothing is written), {@link #optProgress} (false), {@link
   * #optMaxSeconds} (none), {@link #optStopAfterSteps} (none), {@link #optShutdownHook} (false),
   * {@link #optEvalThreads} (all processors).
   */
  public static final class Builder extends TrainerBuilder<Builder> {
    private GeneratorConfig modelConfig;
    private TrainConfig trainConfig;
    private int evalThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    public Builder setModelConfig(GeneratorConfig modelConfig) {
      this.modelConfig = modelConfig;
      return this;
    }

    public Builder setTrainConfig(TrainConfig trainConfig) {
      this.trainConfig = trainConfig;
      return this;
    }

    public Builder optEvalThreads(int threads) {
      this.evalThreads = threads;
      return this;
    }

    public GeneratorTrainer build() {
      required(modelConfig, "modelConfig");
      required(trainConfig, "trainConfig");
      Session session = session();
      if (evalThreads < 1) {
        throw new IllegalArgumentException("evalThreads=" + evalThreads + " must be >= 1");
      }
      return new GeneratorTrainer(this, session);
    }
  }
}
