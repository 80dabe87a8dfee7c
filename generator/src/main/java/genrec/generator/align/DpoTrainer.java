package genrec.generator.align;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.core.io.Fingerprint;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidLoss;
import genrec.generator.model.SidTransformer;
import genrec.generator.train.AdamW;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tunes a trained generator toward higher {@link Reward} with DPO against a frozen reference
 * copy of itself. Rounds: at the first step of round r ({@link AlignConfig#roundStart}) it
 * samples {@code usersPerRound} training users with a {@link Random} seeded by (seed, r); each
 * user's history is its training sequence without the last item (that item is the "true" next
 * item of the optional cross-entropy term); the current policy's beam search ({@code
 * beamWidth} beams) is scored by the reward and {@link PairSelector} makes the pairs; the
 * reference's log-probabilities of both sides are computed once. The steps of the round then
 * cycle over its pairs in orders seeded by (seed, r, pass). Loss: {@link DpoLoss} plus
 * {@code ceWeight} × {@link SidLoss} on the true or chosen item; AdamW with warm-up and
 * gradient clipping. Dropout is off throughout (the policy is run in inference mode), so at
 * step 0 the policy equals the reference and the loss is exactly ln 2.
 *
 * <p>Validation at step 0 (the reference), every {@code validateEvery} steps and at the end:
 * Recall/NDCG@10 on a fixed, seeded subset of validation cases ({@link Evaluator}, history
 * excluded, as {@code genrec eval}) and the mean reward of those users' top-K lists. The best
 * ({@link AlignConfig#selectBy}) is kept and written.
 *
 * <p>Deterministic and exactly resumable: a {@link #CHECKPOINT_FILE checkpoint} holds the
 * weights, AdamW moments, the current round's pairs (with their reference log-probabilities)
 * and the bookkeeping, so N steps straight equal k steps + resume for N − k.
 *
 * <p>Files in the output folder (atomic writes): {@value #MODEL_FILE} (the best model, in the
 * generator's own format, so {@code genrec eval} reads it), {@value #MODEL_JSON}, {@value
 * #CHECKPOINT_FILE}, {@value #CURVE_FILE}.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class DpoTrainer {
  public static final String MODEL_FILE = "model.bin";
  public static final String MODEL_JSON = "model.json";
  public static final String CHECKPOINT_FILE = "checkpoint.bin";
  public static final String CURVE_FILE = "align-curve.csv";
  /** Format tag of an alignment checkpoint. */
  public static final String CHECKPOINT_FORMAT = "genrec-align-checkpoint/1";

  private static final int SEARCH_BATCH = 32;

  private final AlignConfig config;
  private final long seed;
  private final Path outDir;
  private final boolean showProgress;
  private final double maxSeconds;
  private final long stopAfterSteps;
  private final boolean shutdownHook;
  private final int evalThreads;

  private DpoTrainer(Builder b) {
    this.config = b.config;
    this.seed = b.seed;
    this.outDir = b.outDir;
    this.showProgress = b.progress;
    this.maxSeconds = b.maxSeconds;
    this.stopAfterSteps = b.stopAfterSteps;
    this.shutdownHook = b.shutdownHook;
    this.evalThreads = b.evalThreads;
  }

  public AlignConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /** Tunes {@code reference} (not changed) from its own weights. */
  public AlignResult align(TrainData data, GeneratorModel reference, Reward reward) {
    return run(data, reference, reward, null, null);
  }

  /**
   * Continues the run saved in {@code checkpointFile}; the trainer's config and seed, the data
   * and the reference must be the checkpoint's.
   */
  public AlignResult resume(TrainData data, GeneratorModel reference, Reward reward,
      Path checkpointFile) {
    TensorFile.Contents cp = TensorFile.read(checkpointFile, CHECKPOINT_FORMAT);
    ObjectNode h = cp.header();
    AlignConfig saved = TensorFile.field(h, "config", AlignConfig.class, checkpointFile);
    if (!saved.equals(config) || h.path("seed").asLong() != seed) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile + " belongs to another "
          + "run: config " + saved + ", seed " + h.path("seed").asLong() + " vs " + config
          + ", seed " + seed);
    }
    if (!h.path("dataFingerprint").asText().equals(data.dataFingerprint())
        || !h.path("sidFingerprint").asText().equals(data.sidFingerprint())) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile
          + " was aligned on different data or semantic IDs");
    }
    if (!h.path("referenceFingerprint").asText().equals(fingerprint(reference))) {
      throw new IllegalArgumentException("checkpoint " + checkpointFile
          + " was aligned from another reference generator (was 'genrec train' run again?)");
    }
    return run(data, reference, reward, cp, checkpointFile);
  }

  /** A builder holding the config and seed saved in {@code checkpointFile}. */
  public static Builder resumeFrom(Path checkpointFile) {
    TensorFile.Contents cp = TensorFile.read(checkpointFile, CHECKPOINT_FORMAT);
    return builder().setConfig(TensorFile.field(cp.header(), "config", AlignConfig.class,
        checkpointFile)).setSeed(cp.header().path("seed").asLong());
  }

  /** Fingerprint of a generator's weights (identifies the reference of a run). */
  public static String fingerprint(GeneratorModel m) {
    Fingerprint f = new Fingerprint().add("reference").add(m.sidFingerprint())
        .add(m.dataFingerprint());
    for (Map.Entry<String, Tensor> e : m.weights().entrySet()) {
      f.add(e.getKey()).add(e.getValue().data());
    }
    return f.hex();
  }

  /**
   * The fixed validation subset of a run with this seed: {@code size} cases drawn by a seeded
   * permutation, in data order (so a caller can keep them out of the reward model's fit).
   */
  public static List<EvalCase> validationSubset(List<EvalCase> all, int size, long seed) {
    int m = Math.min(size, all.size());
    int[] idx = permutation(all.size(), new Random(seed ^ 0x5DEECE66DL));
    int[] pick = Arrays.copyOf(idx, m);
    Arrays.sort(pick);
    List<EvalCase> out = new ArrayList<>(m);
    for (int i : pick) {
      out.add(all.get(i));
    }
    return out;
  }

  /** Mutable bookkeeping, saved in checkpoints. */
  private static final class State {
    long step;
    double elapsedBefore;
    long bestStep = -1;
    double bestScore = Double.NaN;
    Map<String, Tensor> best; // null: the reference (bestStep 0) or none
    double lossSum;
    double marginSum;
    double accSum;
    int count;
    List<AlignResult.CurvePoint> curve = new ArrayList<>();
    List<AlignResult.Round> rounds = new ArrayList<>();
    int pairsRound = -1;
    List<PreferencePair> pairs = List.of();
    long lastValidated = -1;
  }

  private AlignResult run(TrainData data, GeneratorModel reference, Reward reward,
      TensorFile.Contents cp, Path cpFile) {
    GeneratorConfig mc = reference.config();
    if (!reference.sidFingerprint().equals(data.sidFingerprint())) {
      throw new IllegalArgumentException("the reference generator was trained on other semantic "
          + "IDs than the data's");
    }
    long t0 = System.nanoTime();
    int[][] codes = data.itemCodes();
    PrefixTrie trie = PrefixTrie.of(codes, mc.codebookSize());
    List<EvalCase> valSubset = validationSubset(data.validation(), config.validationUsers(), seed);
    List<Integer> candidates = new ArrayList<>();
    for (int u = 0; u < data.sequences().size(); u++) {
      if (data.sequences().get(u).length >= 2) {
        candidates.add(u);
      }
    }
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no training user has 2 or more items to align on");
    }
    String dataFp = data.dataFingerprint();
    String refFp = fingerprint(reference);
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
      }, "genrec-align-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    float[] losses = new float[config.steps()];
    int sessionSteps = 0;
    String reason = "done";
    long firstStep;
    List<AlignResult.Round> sessionRounds = new ArrayList<>();
    GeneratorModel model;
    try (NDManager root = engine.newBaseManager();
        NDManager optManager = root.newSubManager()) {
      SidTransformer net = new SidTransformer(mc);
      net.initialize(root);
      List<Pair<String, Parameter>> params = new ArrayList<>();
      net.getParameters().forEach(params::add);
      AdamW opt = new AdamW(params, optManager, 0.9f, 0.999f, 1e-8f, config.weightDecay());
      Map<String, Tensor> start = cp == null ? reference.weights() : group(cp.tensors(), "w/");
      for (Pair<String, Parameter> p : params) {
        Tensor t = start.get(p.getKey());
        if (t == null) {
          throw new IllegalArgumentException("no weight '" + p.getKey() + "' to start from");
        }
        GeneratorModel.copyInto(t, p.getValue().getArray(), p.getKey());
      }
      if (cp != null) {
        restore(st, cp, cpFile, opt);
      }
      firstStep = st.step;
      ParameterStore ps = new ParameterStore(root, false);
      if (st.lastValidated < 0 && !valSubset.isEmpty()) {
        validate(net, trie, valSubset, reward, st, elapsed(st, t0), mc, reference, dataFp);
      }
      double[] last = {Double.NaN, Double.NaN, Double.NaN};
      try (Progress progress = showProgress
          ? Progress.start("align", Math.max(0, config.steps() - st.step), "steps")
          : Progress.silent()) {
        progress.status(() -> String.format(Locale.ROOT, "loss %.4f, margin %.3f, acc %.2f%s",
            last[0], last[1], last[2], st.bestStep >= 0 ? String.format(Locale.ROOT,
                ", best val %s %.4f", config.selectBy() == AlignConfig.Selection.NDCG
                    ? "NDCG@10" : "reward", st.bestScore) : ""));
        int[] perm = null;
        long permKey = Long.MIN_VALUE;
        while (st.step < config.steps()) {
          int round = config.roundOf(st.step);
          if (round != st.pairsRound) {
            List<PreferencePair> pairs = new ArrayList<>();
            AlignResult.Round r = generatePairs(net, reference, trie, data, candidates, reward,
                round, st.step, pairs);
            st.pairs = pairs;
            st.pairsRound = round;
            st.rounds.add(r);
            sessionRounds.add(r);
            if (showProgress) {
              System.err.printf(Locale.ROOT, "align round %d/%d: %,d users, %,d pairs, top-%d "
                  + "reward %.4f (chosen %.4f, rejected %.4f)%n", round + 1, config.rounds(),
                  r.users(), r.pairs(), config.listSize(), r.meanListReward(),
                  r.meanChosenReward(), r.meanRejectedReward());
            }
          }
          int n = st.pairs.size();
          if (n == 0) {
            throw new IllegalStateException("round " + (round + 1) + " made no preference pairs: "
                + "the reward did not tell any user's beams apart (check --reward-weights)");
          }
          int bs = Math.min(config.batchSize(), n);
          long j = st.step - config.roundStart(round);
          PreferencePair[] batch = new PreferencePair[bs];
          for (int i = 0; i < bs; i++) {
            long pos = j * bs + i;
            long pass = pos / n;
            long key = round * 1_000_003L + pass;
            if (key != permKey) {
              perm = permutation(n, new Random((seed * 0x9E3779B97F4A7C15L + round)
                  * 0xBF58476D1CE4E5B9L + pass));
              permKey = key;
            }
            batch[i] = st.pairs.get(perm[(int) (pos % n)]);
          }
          float[] stats = step(engine, ps, net, opt, batch, codes, st.step);
          st.step++;
          last[0] = stats[0];
          last[1] = stats[1];
          last[2] = stats[2];
          losses[sessionSteps++] = stats[0];
          st.lossSum += stats[0];
          st.marginSum += stats[1];
          st.accSum += stats[2];
          st.count++;
          progress.advance(1);
          if (config.validateEvery() > 0 && st.step % config.validateEvery() == 0
              && st.step < config.steps() && !valSubset.isEmpty()) {
            validate(net, trie, valSubset, reward, st, elapsed(st, t0), mc, reference, dataFp);
          }
          if (outDir != null && config.checkpointEvery() > 0
              && st.step % config.checkpointEvery() == 0 && st.step < config.steps()) {
            writeCheckpoint(params, opt, st, elapsed(st, t0), mc, dataFp, data.sidFingerprint(),
                refFp);
          }
          if (stopRequested.get()) {
            reason = "interrupted";
            break;
          }
          if (stopAfterSteps > 0 && st.step - firstStep >= stopAfterSteps
              && st.step < config.steps()) {
            reason = "stop after " + stopAfterSteps + " steps";
            break;
          }
          if (maxSeconds > 0 && (System.nanoTime() - t0) / 1e9 >= maxSeconds
              && st.step < config.steps()) {
            reason = "time limit";
            break;
          }
        }
      }
      boolean finalValidation = reason.equals("done") || reason.equals("time limit");
      if (finalValidation && st.lastValidated != st.step && !valSubset.isEmpty()) {
        validate(net, trie, valSubset, reward, st, elapsed(st, t0), mc, reference, dataFp);
      }
      if (outDir != null) {
        writeCheckpoint(params, opt, st, elapsed(st, t0), mc, dataFp, data.sidFingerprint(),
            refFp);
      }
      Map<String, Tensor> weights = st.bestStep == 0 ? reference.weights()
          : st.best != null ? st.best : GeneratorModel.weightsOf(net);
      model = GeneratorModel.of(mc, weights, seed, reference.dataFingerprint(),
          reference.sidFingerprint());
      if (outDir != null) {
        writeModel(model, st.bestStep);
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
    return new AlignResult(model, st.step, elapsed(st, t0), st.bestStep, st.curve,
        sessionRounds, Arrays.copyOf(losses, sessionSteps), firstStep, reason);
  }

  /**
   * One round's pairs from the current policy: beam search for sampled users, reward, {@link
   * PairSelector}, then the reference's log-probabilities of both sides.
   */
  private AlignResult.Round generatePairs(SidTransformer net, GeneratorModel reference,
      PrefixTrie trie, TrainData data, List<Integer> candidates, Reward reward, int round,
      long step, List<PreferencePair> out) {
    Random rnd = new Random((seed + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L + round);
    int[] perm = permutation(candidates.size(), rnd);
    int users = Math.min(config.usersPerRound(), candidates.size());
    int window = net.config().historyWindow();
    int topK = Math.min(config.beamWidth(), trie.numItems());
    double listSum = 0;
    double chosenSum = 0;
    double rejectedSum = 0;
    List<PreferencePair> raw = new ArrayList<>();
    try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
            .optBeamWidth(config.beamWidth()).optExcludeHistory(config.excludeHistory()).build();
        Progress progress = showProgress
            ? Progress.start("align pairs " + (round + 1) + "/" + config.rounds(), users, "users")
            : Progress.silent()) {
      for (int from = 0; from < users; from += SEARCH_BATCH) {
        int to = Math.min(users, from + SEARCH_BATCH);
        int[][] hist = new int[to - from][];
        int[] next = new int[to - from];
        for (int i = from; i < to; i++) {
          int[] seq = data.sequences().get(candidates.get(perm[i]));
          hist[i - from] = Arrays.copyOf(seq, seq.length - 1);
          next[i - from] = seq[seq.length - 1];
        }
        List<BeamResult> results = search.search(hist, null, topK);
        for (int i = 0; i < hist.length; i++) {
          int[] items = validItems(results.get(i));
          if (items.length < 2) {
            continue;
          }
          Reward.Scored s = reward.score(hist[i], items);
          listSum += reward.score(hist[i],
              Arrays.copyOf(items, Math.min(config.listSize(), items.length))).list();
          PairSelector.Selection sel = PairSelector.select(s.perItem(), config.negatives(),
              config.minRewardGap());
          int[] h = LeaveOneOutSplit.window(hist[i], window);
          for (int r : sel.rejected()) {
            raw.add(new PreferencePair(h, next[i], items[sel.chosen()], items[r],
                s.perItem()[sel.chosen()], s.perItem()[r], Float.NaN, Float.NaN));
            chosenSum += s.perItem()[sel.chosen()];
            rejectedSum += s.perItem()[r];
          }
        }
        progress.advance(to - from);
      }
    }
    // the reference's log-probabilities, once per pair
    try (NDManager m = net.getParameters().valueAt(0).getArray().getManager().newSubManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      for (int from = 0; from < raw.size(); from += SEARCH_BATCH) {
        List<PreferencePair> part = raw.subList(from, Math.min(raw.size(), from + SEARCH_BATCH));
        try (NDManager bm = m.newSubManager(); NDScope scope = new NDScope()) {
          int b = part.size();
          int[][] h = new int[b][];
          int[][] targets = new int[2 * b][];
          for (int i = 0; i < b; i++) {
            h[i] = part.get(i).history();
            targets[i] = data.itemCodes()[part.get(i).chosen()];
            targets[b + i] = data.itemCodes()[part.get(i).rejected()];
          }
          float[] lp = logProbs(reference.transformer(), ps, bm, h, targets, 2, data.itemCodes())
              .head().toFloatArray();
          for (int i = 0; i < b; i++) {
            out.add(part.get(i).withReference(lp[i], lp[b + i]));
          }
        }
      }
    }
    int pairs = out.size();
    return new AlignResult.Round(round, step, users, pairs, users == 0 ? 0 : listSum / users,
        pairs == 0 ? Double.NaN : chosenSum / pairs, pairs == 0 ? Double.NaN : rejectedSum / pairs);
  }

  private static int[] validItems(BeamResult r) {
    return Arrays.stream(r.items()).filter(i -> i >= 0).toArray();
  }

  /**
   * Teacher-forced summed log-probabilities of {@code copies × B} targets against B histories
   * (rows copy-major: copy c of user i is row {@code c·B + i}); the encoder runs once per user.
   *
   * @return {@code (copies·B)} log-probabilities, then the logits {@code (copies·B, T, K)} and
   *     the targets {@code (copies·B, T)}
   */
  static NDList logProbs(SidTransformer net, ParameterStore ps, NDManager bm, int[][] histories,
      int[][] targets, int copies, int[][] codes) {
    NDArray enc = net.encoderTokens(bm, histories, null, codes); // (B, S, G)
    EncoderOutput e = net.encode(ps, enc, false); // (B, S, D), (B, 1, 1, S)
    NDList mems = new NDList();
    NDList biases = new NDList();
    for (int c = 0; c < copies; c++) {
      mems.add(e.memory());
      biases.add(e.keyBias());
    }
    EncoderOutput rep = copies == 1 ? e : new EncoderOutput(NDArrays.concat(mems, 0),
        NDArrays.concat(biases, 0)); // (c·B, S, D), (c·B, 1, 1, S)
    NDArray dec = net.decoderTokens(bm, targets); // (c·B, T)
    NDArray tgt = net.targetCodes(bm, targets); // (c·B, T)
    NDArray logits = net.decode(ps, dec, rep, false); // (c·B, T, K)
    return new NDList(DpoLoss.sequenceLogProb(logits, tgt), logits, tgt); // (c·B)
  }

  /** One optimiser step; returns loss, mean margin and accuracy of the batch. */
  private float[] step(Engine engine, ParameterStore ps, SidTransformer net, AdamW opt,
      PreferencePair[] batch, int[][] codes, long step) {
    int b = batch.length;
    boolean ce = config.ceWeight() > 0f;
    int copies = ce ? 3 : 2;
    int[][] hist = new int[b][];
    int[][] targets = new int[copies * b][];
    float[] refC = new float[b];
    float[] refR = new float[b];
    for (int i = 0; i < b; i++) {
      PreferencePair p = batch[i];
      hist[i] = p.history();
      targets[i] = codes[p.chosen()];
      targets[b + i] = codes[p.rejected()];
      if (ce) {
        targets[2 * b + i] = codes[config.ceTarget() == AlignConfig.CeTarget.TRUE
            ? p.trueItem() : p.chosen()];
      }
      refC[i] = p.refChosen();
      refR[i] = p.refRejected();
    }
    try (NDManager bm = ps.getManager().newSubManager(); NDScope scope = new NDScope()) {
      float loss;
      float[] z;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDList out = logProbs(net, ps, bm, hist, targets, copies, codes);
        NDArray lp = out.get(0); // (c·B)
        NDArray pc = lp.get(new NDIndex("0:{}", b)); // (B)
        NDArray pr = lp.get(new NDIndex("{}:{}", b, 2 * b)); // (B)
        NDArray margins = DpoLoss.margins(pc, pr, bm.create(refC), bm.create(refR),
            config.beta()); // (B)
        NDArray l = DpoLoss.fromMargins(margins); // ()
        if (ce) {
          NDArray logits = out.get(1).get(new NDIndex("{}:", 2 * b)); // (B, T, K)
          NDArray tgt = out.get(2).get(new NDIndex("{}:", 2 * b)); // (B, T)
          l = l.add(SidLoss.crossEntropy(logits, tgt).mul(config.ceWeight())); // ()
        }
        gc.backward(l);
        loss = l.getFloat();
        z = margins.toFloatArray();
      }
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException("alignment loss is " + loss + " at step " + (step + 1)
            + " (try a lower learning rate)");
      }
      float scale = 1f;
      if (config.clipNorm() > 0f) {
        double norm = opt.gradNorm();
        if (!Double.isFinite(norm)) {
          throw new IllegalStateException("gradient norm is " + norm + " at step " + (step + 1));
        }
        if (norm > config.clipNorm()) {
          scale = (float) (config.clipNorm() / (norm + 1e-6));
        }
      }
      opt.step(config.learningRateAt(step + 1), scale);
      double zs = 0;
      int acc = 0;
      for (float v : z) {
        zs += v;
        acc += v > 0 ? 1 : 0;
      }
      return new float[] {loss, (float) (zs / b), (float) acc / b};
    }
  }

  private void validate(SidTransformer net, PrefixTrie trie, List<EvalCase> subset,
      Reward reward, State st, double seconds, GeneratorConfig mc, GeneratorModel reference,
      String dataFp) {
    EvalReport r;
    double rewardSum = 0;
    double relSum = 0;
    double divSum = 0;
    double newSum = 0;
    double histSum = 0;
    try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
        .optBeamWidth(config.validationBeam()).optExcludeHistory(true).build()) {
      GenerativeRecommender rec = new GenerativeRecommender(search, 10, "aligned generator");
      r = new Evaluator(new int[] {10}, evalThreads)
          .evaluate(rec, subset, "validation", Progress.silent());
    }
    int k = Math.min(config.listSize(), trie.numItems());
    try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
        .optBeamWidth(config.beamWidth()).optExcludeHistory(config.excludeHistory()).build()) {
      for (int from = 0; from < subset.size(); from += SEARCH_BATCH) {
        int to = Math.min(subset.size(), from + SEARCH_BATCH);
        int[][] hist = new int[to - from][];
        for (int i = from; i < to; i++) {
          hist[i - from] = subset.get(i).history();
        }
        List<BeamResult> res = search.search(hist, null, k);
        for (int i = 0; i < hist.length; i++) {
          Reward.Scored s = reward.score(hist[i], validItems(res.get(i)));
          rewardSum += s.list();
          relSum += s.relevance();
          divSum += s.diversity();
          newSum += s.newShare();
          histSum += s.historyShare();
        }
      }
    }
    int n = subset.size();
    double valReward = rewardSum / n;
    double ndcg = r.ndcgAt(10);
    double recall = r.recallAt(10);
    boolean first = st.count == 0;
    st.curve.add(new AlignResult.CurvePoint(seconds, st.step, ndcg, recall, valReward,
        relSum / n, reward.measuresDiversity() ? divSum / n : Double.NaN,
        reward.measuresNewItems() ? newSum / n : Double.NaN, histSum / n,
        first ? Double.NaN : st.lossSum / st.count, first ? Double.NaN : st.marginSum / st.count,
        first ? Double.NaN : st.accSum / st.count));
    st.lossSum = 0;
    st.marginSum = 0;
    st.accSum = 0;
    st.count = 0;
    st.lastValidated = st.step;
    double score = config.selectBy() == AlignConfig.Selection.NDCG ? ndcg : valReward;
    if (st.bestStep < 0 || score > st.bestScore) {
      st.bestStep = st.step;
      st.bestScore = score;
      st.best = st.step == 0 ? null : GeneratorModel.weightsOf(net);
      if (outDir != null) {
        try (GeneratorModel m = GeneratorModel.of(mc, st.step == 0 ? reference.weights()
            : st.best, seed, reference.dataFingerprint(), reference.sidFingerprint())) {
          writeModel(m, st.step);
        }
      }
    }
    if (outDir != null) {
      AtomicFiles.writeString(outDir.resolve(CURVE_FILE), AlignResult.curveCsv(st.curve));
    }
  }

  private void writeModel(GeneratorModel m, long bestStep) {
    m.save(outDir.resolve(MODEL_FILE));
    ObjectNode h = m.header();
    ObjectNode a = h.putObject("alignment");
    a.put("method", "DPO");
    a.put("bestStep", bestStep);
    a.put("seed", seed);
    a.set("config", TensorFile.JSON.valueToTree(config));
    AtomicFiles.writeString(outDir.resolve(MODEL_JSON), h.toPrettyString() + "\n");
  }

  private void writeCheckpoint(List<Pair<String, Parameter>> params, AdamW opt, State st,
      double seconds, GeneratorConfig mc, String dataFp, String sidFp, String refFp) {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", CHECKPOINT_FORMAT);
    h.set("config", TensorFile.JSON.valueToTree(config));
    h.set("modelConfig", TensorFile.JSON.valueToTree(mc));
    h.put("seed", seed);
    h.put("dataFingerprint", dataFp);
    h.put("sidFingerprint", sidFp);
    h.put("referenceFingerprint", refFp);
    h.put("step", st.step);
    h.put("elapsedSeconds", seconds);
    h.put("bestStep", st.bestStep);
    h.put("bestScore", st.bestScore);
    h.put("lossSum", st.lossSum);
    h.put("marginSum", st.marginSum);
    h.put("accSum", st.accSum);
    h.put("count", st.count);
    h.put("lastValidated", st.lastValidated);
    h.put("pairsRound", st.pairsRound);
    ArrayNode c = h.putArray("curve");
    st.curve.forEach(p -> c.add(TensorFile.JSON.valueToTree(p)));
    ArrayNode rs = h.putArray("rounds");
    st.rounds.forEach(r -> rs.add(TensorFile.JSON.valueToTree(r)));
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : params) {
      tensors.put("w/" + p.getKey(), GeneratorModel.tensorOf(p.getValue().getArray()));
    }
    tensors.putAll(opt.state());
    if (st.best != null) {
      st.best.forEach((name, t) -> tensors.put("best/" + name, t));
    }
    tensors.putAll(pairTensors(st.pairs));
    TensorFile.write(outDir.resolve(CHECKPOINT_FILE), h, tensors);
  }

  private static void restore(State st, TensorFile.Contents cp, Path file, AdamW opt) {
    ObjectNode h = cp.header();
    try {
      st.step = h.path("step").asLong();
      st.elapsedBefore = h.path("elapsedSeconds").asDouble();
      st.bestStep = h.path("bestStep").asLong();
      st.bestScore = number(h.path("bestScore"));
      st.lossSum = number(h.path("lossSum"));
      st.marginSum = number(h.path("marginSum"));
      st.accSum = number(h.path("accSum"));
      st.count = h.path("count").asInt();
      st.lastValidated = h.path("lastValidated").asLong();
      st.pairsRound = h.path("pairsRound").asInt();
      for (JsonNode p : h.path("curve")) {
        st.curve.add(new AlignResult.CurvePoint(number(p.path("seconds")),
            p.path("step").asLong(), number(p.path("valNdcg10")), number(p.path("valRecall10")),
            number(p.path("valReward")), number(p.path("valRelevance")),
            number(p.path("valDiversity")), number(p.path("valNewShare")),
            number(p.path("valHistoryShare")), number(p.path("trainLoss")),
            number(p.path("margin")), number(p.path("accuracy"))));
      }
      for (JsonNode r : h.path("rounds")) {
        st.rounds.add(TensorFile.JSON.treeToValue(r, AlignResult.Round.class));
      }
      Map<String, Tensor> best = group(cp.tensors(), "best/");
      st.best = best.isEmpty() ? null : best;
      st.pairs = pairsOf(cp.tensors());
      opt.restore(cp.tensors(), st.step);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }

  /** Jackson writes NaN as the string "NaN"; read it back. */
  private static double number(JsonNode n) {
    return n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
  }

  /** A round's pairs as float tensors (item indices are exact in float below 2^24). */
  static Map<String, Tensor> pairTensors(List<PreferencePair> pairs) {
    int n = pairs.size();
    int total = 0;
    for (PreferencePair p : pairs) {
      total += p.history().length;
    }
    float[] hist = new float[total];
    float[] lengths = new float[n];
    float[][] cols = new float[7][n];
    int at = 0;
    for (int i = 0; i < n; i++) {
      PreferencePair p = pairs.get(i);
      for (int item : p.history()) {
        hist[at++] = exact(item);
      }
      lengths[i] = p.history().length;
      cols[0][i] = exact(p.trueItem());
      cols[1][i] = exact(p.chosen());
      cols[2][i] = exact(p.rejected());
      cols[3][i] = p.rewardChosen();
      cols[4][i] = p.rewardRejected();
      cols[5][i] = p.refChosen();
      cols[6][i] = p.refRejected();
    }
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("pairs/history", new Tensor(new long[] {total}, hist));
    t.put("pairs/lengths", new Tensor(new long[] {n}, lengths));
    String[] names = {"true", "chosen", "rejected", "rewardChosen", "rewardRejected",
        "refChosen", "refRejected"};
    for (int c = 0; c < names.length; c++) {
      t.put("pairs/" + names[c], new Tensor(new long[] {n}, cols[c]));
    }
    return t;
  }

  private static float exact(int item) {
    if (Math.abs(item) >= (1 << 24)) {
      throw new IllegalArgumentException("item index " + item + " cannot be checkpointed exactly");
    }
    return item;
  }

  static List<PreferencePair> pairsOf(Map<String, Tensor> tensors) {
    Tensor lengths = tensors.get("pairs/lengths");
    if (lengths == null) {
      return List.of();
    }
    float[] hist = tensors.get("pairs/history").data();
    float[][] cols = new float[7][];
    String[] names = {"true", "chosen", "rejected", "rewardChosen", "rewardRejected",
        "refChosen", "refRejected"};
    for (int c = 0; c < names.length; c++) {
      Tensor t = tensors.get("pairs/" + names[c]);
      if (t == null) {
        throw new IllegalArgumentException("checkpoint has no tensor 'pairs/" + names[c] + "'");
      }
      cols[c] = t.data();
    }
    List<PreferencePair> out = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < lengths.data().length; i++) {
      int len = (int) lengths.data()[i];
      int[] h = new int[len];
      for (int k = 0; k < len; k++) {
        h[k] = (int) hist[at++];
      }
      out.add(new PreferencePair(h, (int) cols[0][i], (int) cols[1][i], (int) cols[2][i],
          cols[3][i], cols[4][i], cols[5][i], cols[6][i]));
    }
    return out;
  }

  private static Map<String, Tensor> group(Map<String, Tensor> tensors, String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  private static double elapsed(State st, long t0) {
    return st.elapsedBefore + (System.nanoTime() - t0) / 1e9;
  }

  private static int[] permutation(int n, Random r) {
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

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setConfig}, {@link #setSeed}. Optional: {@link #optOutputDir} (none:
   * nothing written), {@link #optProgress} (false), {@link #optMaxSeconds}, {@link
   * #optStopAfterSteps}, {@link #optShutdownHook} (false), {@link #optEvalThreads} (all
   * processors).
   */
  public static final class Builder {
    private AlignConfig config;
    private Long seed;
    private Path outDir;
    private boolean progress;
    private double maxSeconds;
    private long stopAfterSteps;
    private boolean shutdownHook;
    private int evalThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    public Builder setConfig(AlignConfig config) {
      this.config = config;
      return this;
    }

    /** The seed; mandatory so that every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optOutputDir(Path outDir) {
      this.outDir = outDir;
      return this;
    }

    /** Progress bars on stderr (loss, reward margin, implied-preference accuracy). */
    public Builder optProgress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /** Stop (validate, checkpoint, write the model) after this much wall time; 0 = none. */
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

    public DpoTrainer build() {
      if (config == null) {
        throw new IllegalArgumentException("config is required (setConfig)");
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
      return new DpoTrainer(this);
    }
  }
}
