package genrec.generator.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.Fingerprint;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.LoopResult;
import genrec.core.train.RunIdentity;
import genrec.core.train.Seeds;
import genrec.core.train.Session;
import genrec.core.train.TrainCheckpoint;
import genrec.core.train.TrainTask;
import genrec.core.train.TrainerBuilder;
import genrec.core.train.TrainingLoop;
import genrec.core.train.Weights;
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
 * <p>The steps, checkpoints, limits and best-keeping are the {@link TrainingLoop}'s; this class
 * is DPO's {@link TrainTask}. Deterministic and exactly resumable: a {@link #CHECKPOINT_FILE
 * checkpoint} (the loop's one format) holds the weights, AdamW moments, the current round's
 * pairs (with their reference log-probabilities) and the bookkeeping, so N steps straight equal
 * k steps + resume for N − k.
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
  /** Format tag of an alignment checkpoint: the training loop's one format. */
  public static final String CHECKPOINT_FORMAT = TrainCheckpoint.FORMAT;
  /** The task name of alignment checkpoints. */
  public static final String TASK = "align";

  /** Validation metrics; {@link AlignConfig#selectBy()} picks which one chooses the best. */
  static final String NDCG = "ndcg@10";
  static final String REWARD = "reward";

  private static final int SEARCH_BATCH = 32;

  private final AlignConfig config;
  private final Session session;
  private final int evalThreads;

  private DpoTrainer(Builder b, Session session) {
    this.config = b.config;
    this.session = session;
    this.evalThreads = b.evalThreads;
  }

  public AlignConfig config() {
    return config;
  }

  public long seed() {
    return session.seed();
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
    return run(data, reference, reward, TrainCheckpoint.read(checkpointFile, TASK),
        checkpointFile);
  }

  /** A builder holding the config and seed saved in {@code checkpointFile}. */
  public static Builder resumeFrom(Path checkpointFile) {
    ObjectNode id = TrainCheckpoint.read(checkpointFile, TASK).identity();
    return builder().setConfig(TensorFile.field(id, "config", AlignConfig.class, checkpointFile))
        .setSeed(id.path("seed").asLong());
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
    return Seeds.sample(all, size, new Random(seed ^ 0x5DEECE66DL));
  }

  private AlignResult run(TrainData data, GeneratorModel reference, Reward reward,
      TrainCheckpoint cp, Path cpFile) {
    if (!reference.sidFingerprint().equals(data.sidFingerprint())) {
      throw new IllegalArgumentException("the reference generator was trained on other semantic "
          + "IDs than the data's");
    }
    Task task = new Task(data, reference, reward);
    TrainingLoop loop = session.loop(task, config.steps(), CHECKPOINT_FILE, "align")
        .setMetric(config.selectBy() == AlignConfig.Selection.NDCG ? NDCG : REWARD)
        .optValidateEvery(config.validateEvery()).optValidateAtStart(true)
        .optCheckpointEvery(config.checkpointEvery()).build();
    LoopResult r = cp == null ? loop.train() : loop.resume(cp, cpFile);
    return new AlignResult(task.model, r.steps(), r.seconds(), r.bestStep(), task.curve,
        task.sessionRounds, r.losses(), r.firstStep(),
        r.stopText(session.stopAfterSteps(), "steps"));
  }

  /** DPO's part of the {@link TrainingLoop}: rounds of pairs, the DPO loss, validation. */
  private final class Task implements TrainTask {
    private final TrainData data;
    private final GeneratorModel reference;
    private final Reward reward;
    private final GeneratorConfig mc;
    private final int[][] codes;
    private final PrefixTrie trie;
    private final List<EvalCase> valSubset;
    private final List<Integer> candidates = new ArrayList<>();
    private final RunIdentity identity;
    private final List<AlignResult.CurvePoint> curve = new ArrayList<>();
    private final List<AlignResult.Round> rounds = new ArrayList<>();
    private final List<AlignResult.Round> sessionRounds = new ArrayList<>();
    private SidTransformer net;
    private GeneratorModel model;
    private double marginSum;
    private double accSum;
    private int count;
    private int pairsRound = -1;
    private List<PreferencePair> pairs = List.of();
    private int[] perm;
    private long permKey = Long.MIN_VALUE;
    private float[] margins; // of the last step's batch
    private float lastMargin = Float.NaN;
    private float lastAcc = Float.NaN;

    Task(TrainData data, GeneratorModel reference, Reward reward) {
      this.data = data;
      this.reference = reference;
      this.reward = reward;
      this.mc = reference.config();
      this.codes = data.itemCodes();
      this.trie = PrefixTrie.of(codes, mc.codebookSize());
      this.valSubset = validationSubset(data.validation(), config.validationUsers(),
          session.seed());
      for (int u = 0; u < data.sequences().size(); u++) {
        if (data.sequences().get(u).length >= 2) {
          candidates.add(u);
        }
      }
      if (candidates.isEmpty()) {
        throw new IllegalArgumentException("no training user has 2 or more items to align on");
      }
      String other = "was aligned on different data or semantic IDs";
      this.identity = new RunIdentity(TASK).run("config", config).run("seed", session.seed())
          .data("dataFingerprint", data.dataFingerprint(), other)
          .data("sidFingerprint", data.sidFingerprint(), other)
          .data("referenceFingerprint", fingerprint(reference), "was aligned from another "
              + "reference generator (was 'genrec train' run again?)");
    }

    @Override
    public RunIdentity identity() {
      return identity;
    }

    @Override
    public List<Pair<String, Parameter>> network(NDManager manager) {
      net = new SidTransformer(mc);
      net.initialize(manager);
      return Weights.parameters(net);
    }

    @Override
    public AdamW optimiser(List<Pair<String, Parameter>> parameters, NDManager manager) {
      return new AdamW(parameters, manager, 0.9f, 0.999f, 1e-8f, config.weightDecay());
    }

    /** The policy starts as the reference. */
    @Override
    public void initWeights(List<Pair<String, Parameter>> parameters) {
      Weights.load(reference.weights(), parameters, "the reference generator");
    }

    @Override
    public void beforeStep(long step) {
      int round = config.roundOf(step);
      if (round != pairsRound) {
        List<PreferencePair> made = new ArrayList<>();
        AlignResult.Round r = generatePairs(net, reference, trie, data, candidates, reward,
            round, step, made);
        pairs = made;
        pairsRound = round;
        rounds.add(r);
        sessionRounds.add(r);
        if (session.progress()) {
          System.err.printf(Locale.ROOT, "align round %d/%d: %,d users, %,d pairs, top-%d "
              + "reward %.4f (chosen %.4f, rejected %.4f)%n", round + 1, config.rounds(),
              r.users(), r.pairs(), config.listSize(), r.meanListReward(),
              r.meanChosenReward(), r.meanRejectedReward());
        }
      }
      if (pairs.isEmpty()) {
        throw new IllegalStateException("round " + (round + 1) + " made no preference pairs: "
            + "the reward did not tell any user's beams apart (check --reward-weights)");
      }
    }

    /** The step's pairs: the round's pairs cycled in orders seeded by (seed, round, pass). */
    private PreferencePair[] batch(long step) {
      int round = pairsRound;
      int n = pairs.size();
      int bs = Math.min(config.batchSize(), n);
      long j = step - config.roundStart(round);
      PreferencePair[] batch = new PreferencePair[bs];
      for (int i = 0; i < bs; i++) {
        long pos = j * bs + i;
        long pass = pos / n;
        long key = round * 1_000_003L + pass;
        if (key != permKey) {
          perm = Seeds.permutation(n, new Random((session.seed() * 0x9E3779B97F4A7C15L + round)
              * 0xBF58476D1CE4E5B9L + pass));
          permKey = key;
        }
        batch[i] = pairs.get(perm[(int) (pos % n)]);
      }
      return batch;
    }

    /** DPO loss of the step's pairs, plus {@code ceWeight} × cross-entropy if set. */
    @Override
    public NDArray loss(NDManager bm, ParameterStore ps, long step) {
      PreferencePair[] batch = batch(step);
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
      NDList out = logProbs(net, ps, bm, hist, targets, copies, codes);
      NDArray lp = out.get(0); // (c·B)
      NDArray pc = lp.get(new NDIndex("0:{}", b)); // (B)
      NDArray pr = lp.get(new NDIndex("{}:{}", b, 2 * b)); // (B)
      NDArray z = DpoLoss.margins(pc, pr, bm.create(refC), bm.create(refR),
          config.beta()); // (B)
      NDArray l = DpoLoss.fromMargins(z); // ()
      if (ce) {
        NDArray logits = out.get(1).get(new NDIndex("{}:", 2 * b)); // (B, T, K)
        NDArray tgt = out.get(2).get(new NDIndex("{}:", 2 * b)); // (B, T)
        l = l.add(SidLoss.crossEntropy(logits, tgt).mul(config.ceWeight())); // ()
      }
      margins = z.toFloatArray();
      return l;
    }

    @Override
    public float learningRate(long update) {
      return config.learningRateAt(update);
    }

    @Override
    public float clipNorm() {
      return config.clipNorm();
    }

    /** Adds the step's mean margin and implied-preference accuracy to the running sums. */
    @Override
    public void afterStep(long stepsDone, float loss) {
      double zs = 0;
      int acc = 0;
      for (float v : margins) {
        zs += v;
        acc += v > 0 ? 1 : 0;
      }
      lastMargin = (float) (zs / margins.length);
      lastAcc = (float) acc / margins.length;
      marginSum += lastMargin;
      accSum += lastAcc;
      count++;
    }

    @Override
    public boolean validates() {
      return !valSubset.isEmpty();
    }

    @Override
    public Map<String, Double> validate(long step, double seconds, double meanLoss) {
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
            .evaluate(rec, valSubset, "validation", Progress.silent());
      }
      int k = Math.min(config.listSize(), trie.numItems());
      try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
          .optBeamWidth(config.beamWidth()).optExcludeHistory(config.excludeHistory()).build()) {
        for (int from = 0; from < valSubset.size(); from += SEARCH_BATCH) {
          int to = Math.min(valSubset.size(), from + SEARCH_BATCH);
          int[][] hist = new int[to - from][];
          for (int i = from; i < to; i++) {
            hist[i - from] = valSubset.get(i).history();
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
      int n = valSubset.size();
      double valReward = rewardSum / n;
      double ndcg = r.ndcgAt(10);
      double recall = r.recallAt(10);
      boolean first = count == 0;
      curve.add(new AlignResult.CurvePoint(seconds, step, ndcg, recall, valReward,
          relSum / n, reward.measuresDiversity() ? divSum / n : Double.NaN,
          reward.measuresNewItems() ? newSum / n : Double.NaN, histSum / n, meanLoss,
          first ? Double.NaN : marginSum / count, first ? Double.NaN : accSum / count));
      marginSum = 0;
      accSum = 0;
      count = 0;
      if (session.outDir() != null) {
        AtomicFiles.writeString(session.outDir().resolve(CURVE_FILE), AlignResult.curveCsv(curve));
      }
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(NDCG, ndcg);
      m.put(REWARD, valReward);
      return m;
    }

    @Override
    public Map<String, Tensor> validatedWeights() {
      return GeneratorModel.weightsOf(net);
    }

    @Override
    public void improved(long step, Map<String, Tensor> best) {
      if (session.outDir() != null) {
        try (GeneratorModel m = GeneratorModel.of(mc, best, session.seed(),
            reference.dataFingerprint(),
            reference.sidFingerprint())) {
          writeModel(m, step);
        }
      }
    }

    @Override
    public ObjectNode state() {
      ObjectNode h = TensorFile.JSON.createObjectNode();
      h.put("marginSum", marginSum);
      h.put("accSum", accSum);
      h.put("count", count);
      h.put("pairsRound", pairsRound);
      ArrayNode c = h.putArray("curve");
      curve.forEach(p -> c.add(TensorFile.JSON.valueToTree(p)));
      ArrayNode rs = h.putArray("rounds");
      rounds.forEach(r -> rs.add(TensorFile.JSON.valueToTree(r)));
      return h;
    }

    @Override
    public Map<String, Tensor> stateTensors() {
      return pairTensors(pairs);
    }

    @Override
    public void restore(ObjectNode h, Map<String, Tensor> tensors) {
      marginSum = TrainCheckpoint.number(h.path("marginSum"));
      accSum = TrainCheckpoint.number(h.path("accSum"));
      count = h.path("count").asInt();
      pairsRound = h.path("pairsRound").asInt();
      for (JsonNode p : h.path("curve")) {
        curve.add(new AlignResult.CurvePoint(num(p, "seconds"), p.path("step").asLong(),
            num(p, "valNdcg10"), num(p, "valRecall10"), num(p, "valReward"),
            num(p, "valRelevance"), num(p, "valDiversity"), num(p, "valNewShare"),
            num(p, "valHistoryShare"), num(p, "trainLoss"), num(p, "margin"),
            num(p, "accuracy")));
      }
      try {
        for (JsonNode r : h.path("rounds")) {
          rounds.add(TensorFile.JSON.treeToValue(r, AlignResult.Round.class));
        }
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("bad round in checkpoint: " + e.getMessage(), e);
      }
      pairs = pairsOf(tensors);
    }

    private static double num(JsonNode o, String field) {
      return TrainCheckpoint.number(o.path(field));
    }

    @Override
    public String status() {
      return String.format(Locale.ROOT, ", margin %.3f, acc %.2f", lastMargin, lastAcc);
    }

    @Override
    public void finish(Map<String, Tensor> weights, long bestStep) {
      model = GeneratorModel.of(mc, weights, session.seed(), reference.dataFingerprint(),
          reference.sidFingerprint());
      if (session.outDir() != null) {
        writeModel(model, bestStep);
      }
    }
  }

  /**
   * One round's pairs from the current policy: beam search for sampled users, reward, {@link
   * PairSelector}, then the reference's log-probabilities of both sides.
   */
  private AlignResult.Round generatePairs(SidTransformer net, GeneratorModel reference,
      PrefixTrie trie, TrainData data, List<Integer> candidates, Reward reward, int round,
      long step, List<PreferencePair> out) {
    Random rnd = new Random((session.seed() + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L + round);
    int[] perm = Seeds.permutation(candidates.size(), rnd);
    int users = Math.min(config.usersPerRound(), candidates.size());
    int window = net.config().historyWindow();
    int topK = Math.min(config.beamWidth(), trie.numItems());
    double listSum = 0;
    double chosenSum = 0;
    double rejectedSum = 0;
    List<PreferencePair> raw = new ArrayList<>();
    try (BeamSearch search = BeamSearch.builder().setModel(net).setCatalogue(trie)
            .optBeamWidth(config.beamWidth()).optExcludeHistory(config.excludeHistory()).build();
        Progress progress = session.progress()
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

  private void writeModel(GeneratorModel m, long bestStep) {
    m.save(session.outDir().resolve(MODEL_FILE));
    ObjectNode h = m.header();
    ObjectNode a = h.putObject("alignment");
    a.put("method", "DPO");
    a.put("bestStep", bestStep);
    a.put("seed", session.seed());
    a.set("config", TensorFile.JSON.valueToTree(config));
    AtomicFiles.writeString(session.outDir().resolve(MODEL_JSON), h.toPrettyString() + "\n");
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

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setConfig}, {@link #setSeed}. Optional: {@link #optOutputDir} (none:
   * nothing written), {@link #optProgress} (false), {@link #optMaxSeconds}, {@link
   * #optStopAfterSteps}, {@link #optShutdownHook} (false), {@link #optEvalThreads} (all
   * processors).
   */
  public static final class Builder extends TrainerBuilder<Builder> {
    private AlignConfig config;
    private int evalThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    public Builder setConfig(AlignConfig config) {
      this.config = config;
      return this;
    }

    public Builder optEvalThreads(int threads) {
      this.evalThreads = threads;
      return this;
    }

    public DpoTrainer build() {
      required(config, "config");
      Session session = session();
      if (evalThreads < 1) {
        throw new IllegalArgumentException("evalThreads=" + evalThreads + " must be >= 1");
      }
      return new DpoTrainer(this, session);
    }
  }
}
