package genrec.generator.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import genrec.core.io.AtomicFiles;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>Deterministic and exactly resumable: weights start from a {@link Random} seeded by the
 * seed, the samples of epoch e are shuffled by a {@link Random} seeded by (seed, e), and libtorch's
 * generator (dropout) is reseeded with (seed, step) before every step. So training N steps
 * straight equals training k steps, writing a {@link Checkpoint}, and {@link #resume resuming}
 * for N − k more. The trainer holds no state between calls; runtime limits (time, stop after,
 * shutdown hook) are not part of the run's identity.
 *
 * <p>Files in the output folder (all written atomically): {@value #MODEL_FILE} (the best model,
 * rewritten at each improvement), {@value #MODEL_JSON} (its header, readable),
 * {@value #CHECKPOINT_FILE} and {@value #CURVE_FILE}.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class GeneratorTrainer {
  public static final String MODEL_FILE = "model.bin";
  public static final String MODEL_JSON = "model.json";
  public static final String CHECKPOINT_FILE = "checkpoint.bin";
  public static final String CURVE_FILE = "learning-curve.csv";

  /** The learning curve as a PNG ({@link LearningCurveChart}), written with the CSV. */
  public static final String CURVE_CHART_FILE = "learning-curve.png";

  private final GeneratorConfig modelConfig;
  private final TrainConfig config;
  private final long seed;
  private final Path outDir;
  private final boolean showProgress;
  private final double maxSeconds;
  private final long stopAfterSteps;
  private final boolean shutdownHook;
  private final int evalThreads;

  private GeneratorTrainer(Builder b) {
    this.modelConfig = b.modelConfig;
    this.config = b.trainConfig;
    this.seed = b.seed;
    this.outDir = b.outDir;
    this.showProgress = b.progress;
    this.maxSeconds = b.maxSeconds;
    this.stopAfterSteps = b.stopAfterSteps;
    this.shutdownHook = b.shutdownHook;
    this.evalThreads = b.evalThreads;
  }

  public GeneratorConfig modelConfig() {
    return modelConfig;
  }

  public TrainConfig trainConfig() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /** Trains from scratch. */
  public TrainResult train(TrainData data) {
    return run(data, null);
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
    if (!cp.dataFingerprint().equals(data.dataFingerprint())) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile
          + " was trained on different data (fingerprint " + cp.dataFingerprint() + ")");
    }
    if (!cp.sidFingerprint().equals(data.sidFingerprint())) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile
          + " was trained on different semantic IDs (was 'genrec quantize' run again?)");
    }
    return run(data, cp);
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

  /** Mutable bookkeeping of one run, saved in checkpoints. */
  private static final class State {
    long step;
    double elapsedBefore;
    long bestStep = -1;
    double bestNdcg = Double.NaN;
    double bestRecall = Double.NaN;
    int bad;
    double lossSum;
    int lossCount;
    List<TrainResult.CurvePoint> curve = new ArrayList<>();
    Map<String, Tensor> best;
    long lastValidated = -1;
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

  private TrainResult run(TrainData data, Checkpoint cp) {
    checkCodes(data);
    String dataFp = data.dataFingerprint();
    String sidFp = data.sidFingerprint();
    long t0 = System.nanoTime();
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
    long batchesPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
    long total = config.totalSteps(batchesPerEpoch);
    int codebook = modelConfig.codebookSize();
    PrefixTrie trie = PrefixTrie.of(data.itemCodes(), codebook);
    List<EvalCase> valSubset = validationSubset(data.validation());

    State st = new State();
    Engine engine = Engine.getEngine("PyTorch");
    AtomicBoolean stopRequested = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = null;
    if (shutdownHook) {
      hook = new Thread(() -> {
        stopRequested.set(true);
        try {
          finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "genrec-train-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    float[] losses = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, total))];
    int sessionSteps = 0;
    long sessionSamples = 0;
    long stepNanos = 0;
    String reason = "done";
    long firstStep;
    GeneratorModel model;
    try (NDManager root = engine.newBaseManager();
        NDManager optManager = root.newSubManager()) {
      SidTransformer net = new SidTransformer(modelConfig);
      net.initialize(root);
      List<Pair<String, Parameter>> params = new ArrayList<>();
      net.getParameters().forEach(params::add);
      AdamW opt = new AdamW(params, optManager, config);
      if (cp == null) {
        initWeights(params, new Random(seed));
      }
      WeightAverage ema = config.emaDecay() > 0f
          ? new WeightAverage(params, optManager, config.emaDecay()) : null;
      if (cp != null) {
        Map<String, Tensor> w = cp.group("w/");
        for (Pair<String, Parameter> p : params) {
          Tensor t = w.get(p.getKey());
          if (t == null) {
            throw new IllegalArgumentException("checkpoint has no weight '" + p.getKey() + "'");
          }
          GeneratorModel.copyInto(t, p.getValue().getArray(), p.getKey());
        }
        opt.restore(cp.tensors(), cp.step());
        if (ema != null) {
          ema.restore(cp.tensors());
        }
        st.step = cp.step();
        st.elapsedBefore = cp.elapsedSeconds();
        st.bestStep = cp.bestStep();
        st.bestNdcg = cp.bestNdcg10();
        st.bestRecall = cp.bestRecall10();
        st.bad = cp.badValidations();
        st.lossSum = cp.lossSum();
        st.lossCount = cp.lossCount();
        st.curve = new ArrayList<>(cp.curve());
        Map<String, Tensor> best = cp.group("best/");
        st.best = best.isEmpty() ? null : best;
        st.lastValidated = cp.curve().isEmpty() ? -1 : cp.curve().get(cp.curve().size() - 1).step();
      }
      firstStep = st.step;
      ParameterStore ps = new ParameterStore(root, false);
      int[] perm = null;
      long permEpoch = -1;
      final double[] lastLoss = {Double.NaN};
      try (Progress progress = showProgress
          ? Progress.start("train", Math.max(0, total - st.step), "steps")
          : Progress.silent()) {
        final long sessionStart = System.nanoTime();
        // targets (next items predicted), not sequences: the sequence layout trains many per row
        final long[] doneTargets = {0};
        progress.status(() -> String.format(Locale.ROOT, "loss %.4f, %.0f targets/s%s",
            lastLoss[0], doneTargets[0] / ((System.nanoTime() - sessionStart) / 1e9),
            st.bestStep >= 0 ? String.format(Locale.ROOT, ", best val NDCG@10 %.4f", st.bestNdcg)
                : ""));
        while (st.step < total) {
          long epoch = st.step / batchesPerEpoch;
          int b = (int) (st.step % batchesPerEpoch);
          if (epoch != permEpoch) {
            perm = permutation(n, seed, epoch);
            if (chunkLengths != null) {
              perm = lengthBucketed(perm, chunkLengths, config.batchSize(),
                  config.lengthBuckets(), seed, epoch);
            }
            permEpoch = epoch;
          }
          int from = b * config.batchSize();
          int to = Math.min(n, from + config.batchSize());
          int[][] hist = new int[to - from][];
          int[][] next = new int[to - from][];
          long[] users = modelConfig.userTokens() ? new long[to - from] : null;
          for (int i = from; i < to; i++) {
            int[] smp = samples.get(perm[i]);
            int[] seq = data.sequences().get(smp[0]);
            hist[i - from] = Arrays.copyOfRange(seq, smp[1], smp[2]);
            next[i - from] = sequence ? Arrays.copyOfRange(seq, smp[1] + 1, smp[2] + 1)
                : new int[] {seq[smp[2]]};
            sessionSamples += next[i - from].length;
            if (users != null) {
              users[i - from] = smp[0];
            }
          }
          int[][] codes = data.itemCodes();
          BatchLoss batchLoss = sequence
              ? bm -> SequenceBatch.of(net, bm, hist, next, users, codes).loss(net, ps, true)
              : bm -> prefixLoss(net, ps, bm, hist, next, users, codes);
          long ts = System.nanoTime();
          float loss = step(engine, ps, opt, batchLoss, st.step, total);
          st.step++;
          if (ema != null) {
            ema.update(st.step);
          }
          stepNanos += System.nanoTime() - ts;
          lastLoss[0] = loss;
          losses[sessionSteps++] = loss;
          doneTargets[0] = sessionSamples;
          st.lossSum += loss;
          st.lossCount++;
          progress.advance(1);
          if (config.validateEvery() > 0 && st.step % config.validateEvery() == 0
              && st.step < total) {
            validate(net, ema, trie, valSubset, st, elapsed(st, t0), sidFp, dataFp);
            if (config.patience() > 0 && st.bad >= config.patience()) {
              reason = "early stopping";
              break;
            }
          }
          if (outDir != null && config.checkpointEvery() > 0
              && st.step % config.checkpointEvery() == 0 && st.step < total) {
            checkpoint(params, opt, ema, st, elapsed(st, t0), batchesPerEpoch, dataFp, sidFp)
                .write(outDir.resolve(CHECKPOINT_FILE));
          }
          if (stopRequested.get()) {
            reason = "interrupted";
            break;
          }
          if (stopAfterSteps > 0 && st.step - firstStep >= stopAfterSteps && st.step < total) {
            reason = "stop after " + stopAfterSteps + " steps";
            break;
          }
          if (maxSeconds > 0 && (System.nanoTime() - t0) / 1e9 >= maxSeconds
              && st.step < total) {
            reason = "time limit";
            break;
          }
        }
      }
      boolean finalValidation = reason.equals("done") || reason.equals("time limit");
      if (finalValidation && st.lastValidated != st.step && !valSubset.isEmpty()) {
        validate(net, ema, trie, valSubset, st, elapsed(st, t0), sidFp, dataFp);
      }
      if (outDir != null) {
        checkpoint(params, opt, ema, st, elapsed(st, t0), batchesPerEpoch, dataFp, sidFp)
            .write(outDir.resolve(CHECKPOINT_FILE));
      }
      Map<String, Tensor> weights = st.best != null ? st.best
          : ema != null ? ema.weights() : GeneratorModel.weightsOf(net);
      model = GeneratorModel.of(modelConfig, weights, seed, dataFp, sidFp);
      if (outDir != null) {
        writeModel(model); // before 'finished': a shutdown hook waits for this write
      }
    } finally {
      finished.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook is running and waits for 'finished'
        }
      }
    }
    double sessionSeconds = (System.nanoTime() - t0) / 1e9;
    return new TrainResult(model, st.step, (double) st.step * config.batchSize() / n,
        st.elapsedBefore + sessionSeconds, st.bestStep, st.bestNdcg, st.bestRecall, st.curve,
        Arrays.copyOf(losses, sessionSteps), firstStep,
        stepNanos > 0 ? sessionSamples / (stepNanos / 1e9) : 0,
        reason);
  }

  /** The training loss of one batch, built in the batch's manager. */
  @FunctionalInterface
  private interface BatchLoss {
    NDArray loss(NDManager batchManager);
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

  /** One optimiser step on a batch; returns the batch loss. */
  private float step(Engine engine, ParameterStore ps, AdamW opt, BatchLoss batchLoss,
      long step, long total) {
    try (NDManager bm = ps.getManager().newSubManager();
        NDScope scope = new NDScope()) {
      engine.setRandomSeed(stepSeed(seed, step));
      float loss;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray l = batchLoss.loss(bm); // ()
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
      opt.step(config.learningRateAt(step + 1, total), scale);
      return loss;
    }
  }

  /** Validates the averaged weights if {@code ema} is not null, else the network's own. */
  private void validate(SidTransformer net, WeightAverage ema, PrefixTrie trie,
      List<EvalCase> subset, State st, double seconds, String sidFp, String dataFp) {
    if (ema != null) {
      ema.withAverage(() -> {
        validate(net, trie, subset, st, seconds, sidFp, dataFp);
        return null;
      });
    } else {
      validate(net, trie, subset, st, seconds, sidFp, dataFp);
    }
  }

  private void validate(SidTransformer net, PrefixTrie trie, List<EvalCase> subset, State st,
      double seconds, String sidFp, String dataFp) {
    if (subset.isEmpty()) {
      return;
    }
    EvalReport r;
    // a search folds the weights of this step; it is freed before training goes on
    try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
        .optBeamWidth(config.validationBeam()).optExcludeHistory(true).build()) {
      GenerativeRecommender rec = new GenerativeRecommender(search, 10, "generator");
      r = new Evaluator(new int[] {10}, evalThreads)
          .evaluate(rec, subset, "validation", Progress.silent());
    }
    double ndcg = r.ndcgAt(10);
    double recall = r.recallAt(10);
    st.curve.add(new TrainResult.CurvePoint(seconds, st.step, ndcg, recall,
        st.lossCount == 0 ? Double.NaN : st.lossSum / st.lossCount));
    st.lossSum = 0;
    st.lossCount = 0;
    st.lastValidated = st.step;
    if (st.bestStep < 0 || ndcg > st.bestNdcg) {
      st.bestStep = st.step;
      st.bestNdcg = ndcg;
      st.bestRecall = recall;
      st.bad = 0;
      st.best = GeneratorModel.weightsOf(net);
      if (outDir != null) {
        try (GeneratorModel m = GeneratorModel.of(modelConfig, st.best, seed, dataFp, sidFp)) {
          writeModel(m);
        }
      }
    } else {
      st.bad++;
    }
    if (outDir != null) {
      AtomicFiles.writeString(outDir.resolve(CURVE_FILE), TrainResult.curveCsv(st.curve));
      LearningCurveChart.write(outDir.resolve(CURVE_CHART_FILE), st.curve,
          "Learning curve (validation subset)");
    }
  }

  private void writeModel(GeneratorModel m) {
    m.save(outDir.resolve(MODEL_FILE));
    AtomicFiles.writeString(outDir.resolve(MODEL_JSON), m.header().toPrettyString() + "\n");
  }

  private Checkpoint checkpoint(List<Pair<String, Parameter>> params, AdamW opt,
      WeightAverage ema, State st, double seconds, long batchesPerEpoch, String dataFp,
      String sidFp) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : params) {
      tensors.put("w/" + p.getKey(), GeneratorModel.tensorOf(p.getValue().getArray()));
    }
    tensors.putAll(opt.state());
    if (ema != null) {
      tensors.putAll(ema.state());
    }
    if (st.best != null) {
      st.best.forEach((name, t) -> tensors.put("best/" + name, t));
    }
    return new Checkpoint(modelConfig, config, seed, dataFp, sidFp, st.step,
        st.step / batchesPerEpoch, st.step % batchesPerEpoch, seconds, st.bestStep, st.bestNdcg,
        st.bestRecall, st.bad, st.lossSum, st.lossCount, st.curve, tensors);
  }

  private static double elapsed(State st, long t0) {
    return st.elapsedBefore + (System.nanoTime() - t0) / 1e9;
  }

  /** The fixed validation subset: {@code validationUsers} cases drawn with the seed. */
  List<EvalCase> validationSubset(List<EvalCase> all) {
    int m = Math.min(config.validationUsers(), all.size());
    int[] idx = permutation(all.size(), seed ^ 0x5DEECE66DL, 0);
    int[] pick = Arrays.copyOf(idx, m);
    Arrays.sort(pick);
    List<EvalCase> out = new ArrayList<>(m);
    for (int i : pick) {
      out.add(all.get(i));
    }
    return out;
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

  /**
   * Reorders an epoch's shuffled samples so that each batch holds chunks of similar length: the
   * order is cut into pools of {@code poolBatches × batchSize}, each pool is sorted by length
   * (stably, so ties keep the shuffled order) and cut into batches, and the pool's full batches
   * are shuffled by a {@link Random} seeded by (seed, epoch, pool). A partial last batch stays
   * last. Deterministic in its arguments, so a resumed run sees the same batches.
   *
   * @param order the epoch's permutation of sample indices
   * @param lengths sample index → its chunk length
   * @return the new order, of the same indices
   */
  static int[] lengthBucketed(int[] order, int[] lengths, int batchSize, int poolBatches,
      long seed, long epoch) {
    int n = order.length;
    int[] out = new int[n];
    int poolSize = (int) Math.min(n, (long) poolBatches * batchSize);
    for (int from = 0, pool = 0; from < n; from += poolSize, pool++) {
      int to = Math.min(n, from + poolSize);
      Integer[] members = new Integer[to - from];
      for (int i = from; i < to; i++) {
        members[i - from] = order[i];
      }
      Arrays.sort(members, Comparator.comparingInt(i -> lengths[i])); // stable
      int full = members.length / batchSize;
      int[] batches = permutation(full, seed ^ 0x2545F4914F6CDD1DL, epoch * 1_000_003L + pool);
      int at = from;
      for (int b : batches) {
        for (int k = 0; k < batchSize; k++) {
          out[at++] = members[b * batchSize + k];
        }
      }
      for (int k = full * batchSize; k < members.length; k++) {
        out[at++] = members[k];
      }
    }
    return out;
  }

  private static int stepSeed(long seed, long step) {
    long h = (seed + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L + step;
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (int) (h & 0x7FFFFFFF);
  }

  /**
   * Seeded initial weights: Xavier-uniform for linear maps, N(0, 0.02²) for embedding tables,
   * 1 for norm gains.
   */
  static void initWeights(List<Pair<String, Parameter>> params, Random rnd) {
    for (Pair<String, Parameter> p : params) {
      NDArray a = p.getValue().getArray();
      long[] s = a.getShape().getShape();
      float[] v = new float[Math.toIntExact(a.size())];
      String name = p.getKey();
      if (p.getValue().getType() == Parameter.Type.GAMMA) {
        Arrays.fill(v, 1f);
      } else if (name.contains("tokens_") || name.contains("positions_")) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * 0.02);
        }
      } else {
        double limit = s.length == 2 ? Math.sqrt(6.0 / (s[0] + s[1])) : 0.02;
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
      }
      GeneratorModel.copyInto(new Tensor(s, v), a, name);
    }
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
  public static final class Builder {
    private GeneratorConfig modelConfig;
    private TrainConfig trainConfig;
    private Long seed;
    private Path outDir;
    private boolean progress;
    private double maxSeconds;
    private long stopAfterSteps;
    private boolean shutdownHook;
    private int evalThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    public Builder setModelConfig(GeneratorConfig modelConfig) {
      this.modelConfig = modelConfig;
      return this;
    }

    public Builder setTrainConfig(TrainConfig trainConfig) {
      this.trainConfig = trainConfig;
      return this;
    }

    /** The seed; mandatory so that every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Folder for the model, checkpoint and learning curve. */
    public Builder optOutputDir(Path outDir) {
      this.outDir = outDir;
      return this;
    }

    /** A progress bar on stderr (loss, targets/s, ETA). */
    public Builder optProgress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /** Stop (validate, checkpoint, write the model) after this much wall time; 0 = no limit. */
    public Builder optMaxSeconds(double maxSeconds) {
      this.maxSeconds = maxSeconds;
      return this;
    }

    /** Stop after this many steps of this session and checkpoint (no extra validation). */
    public Builder optStopAfterSteps(long steps) {
      this.stopAfterSteps = steps;
      return this;
    }

    /** On Ctrl-C (JVM shutdown), finish the current step and write a checkpoint. */
    public Builder optShutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    public Builder optEvalThreads(int threads) {
      this.evalThreads = threads;
      return this;
    }

    public GeneratorTrainer build() {
      if (modelConfig == null) {
        throw new IllegalArgumentException("modelConfig is required (setModelConfig)");
      }
      if (trainConfig == null) {
        throw new IllegalArgumentException("trainConfig is required (setTrainConfig)");
      }
      if (seed == null) {
        throw new IllegalArgumentException("seed is required (setSeed)");
      }
      if (!(maxSeconds >= 0)) {
        throw new IllegalArgumentException("maxSeconds=" + maxSeconds + " must be >= 0");
      }
      if (stopAfterSteps < 0) {
        throw new IllegalArgumentException("stopAfterSteps=" + stopAfterSteps + " must be >= 0");
      }
      if (evalThreads < 1) {
        throw new IllegalArgumentException("evalThreads=" + evalThreads + " must be >= 1");
      }
      return new GeneratorTrainer(this);
    }
  }
}
