package genrec.serving.cli;

import genrec.cascade.pipeline.RunFolder;
import genrec.cascade.recall.RunEmbeddings;
import genrec.generator.align.AlignConfig;
import genrec.generator.align.AlignResult;
import genrec.generator.align.AlignReward;
import genrec.generator.align.CompositeReward;
import genrec.generator.align.DpoTrainer;
import genrec.generator.align.ItemSimilarity;
import genrec.generator.align.KnnRewardModel;
import genrec.generator.align.RewardWeights;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.TrainedOn;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec align}: DPO tuning of the trained generator toward a list reward. */
@Command(name = "align", mixinStandardHelpOptions = true,
    description = "Tune the trained generator (RUN/generator/model.bin) with DPO toward a list "
        + "reward (relevance from ItemKNN calibrated by Platt scaling on validation pairs, "
        + "diversity, new items, a history penalty): rounds of beam search on sampled training "
        + "users, chosen = best-rewarded beam, rejected = worst. Writes RUN/align/: model.bin "
        + "(the generator's format; evaluate it with 'genrec eval --weights aligned'), "
        + "model.json, checkpoint.bin, align-curve.csv, reward-model.json, reward.json. "
        + "Ctrl-C writes a checkpoint; --resume continues it exactly.")
final class AlignCommand implements Callable<Integer> {
  /** The folder under the run. */
  static final String DIR = genrec.cascade.pipeline.RunFolder.ALIGN_DIR;

  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of pair sampling, batches and validation users (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", description = "Optimiser steps (default: 1000; tiny preset 12).")
  Integer steps;

  @Option(names = "--rounds", paramLabel = "R",
      description = "Pair-generation rounds over the steps: pairs are regenerated with the "
          + "tuned model every steps/R steps (default: 5; tiny 2).")
  Integer rounds;

  @Option(names = "--pairs-per-round", paramLabel = "N",
      description = "Training users searched per round, each giving --negatives pairs when its "
          + "beams' rewards differ (default: 2000; tiny 16).")
  Integer usersPerRound;

  @Option(names = "--beta", paramLabel = "B", description = "DPO temperature beta (default 0.1).")
  Float beta;

  @Option(names = "--ce-weight", paramLabel = "LAMBDA",
      description = "Weight of the next-item cross-entropy on the user's true next item added "
          + "to the DPO loss; 0 = none (default 0).")
  Float ceWeight;

  @Option(names = "--reward-weights", paramLabel = "rel=1,div=0,new=0,hist=1",
      description = "List reward = rel x mean relevance + div x (1 - mean pairwise cosine of "
          + "text vectors, needs RUN/embeddings) + new x share of new items (the items held "
          + "out by 'quantize --cold-items') - hist x share of history items "
          + "(default: rel=1,div=0,new=0,hist=1).")
  String rewardWeights;

  @Option(names = "--users", paramLabel = "N",
      description = "Validation users of the Recall/NDCG@10 and reward checks (default: 1000; "
          + "tiny 10); the reward model is calibrated on the other validation users.")
  Integer users;

  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "Peak learning rate (default: 1e-5; tiny 1e-3).")
  Float learningRate;

  @Option(names = "--batch-size", description = "Pairs per step (default: 32; tiny 8).")
  Integer batchSize;

  @Option(names = "--negatives", description = "Rejected beams per user (default 1).")
  Integer negatives;

  @Option(names = "--validate-every", paramLabel = "STEPS",
      description = "Validate and keep the best model every STEPS steps, also at the start "
          + "(the reference) and the end (default: 200; tiny 6).")
  Integer validateEvery;

  @Option(names = "--select", paramLabel = "ndcg|reward",
      description = "What the kept model.bin is best at on validation: ndcg (NDCG@10; the "
          + "reference itself if tuning never beats it) or reward (default: ndcg).")
  String select;

  @Option(names = "--max-minutes", paramLabel = "M",
      description = "Stop after M minutes of wall time (validate, checkpoint, write the model).")
  Double maxMinutes;

  @Option(names = "--threads", description = "Validation and ItemKNN threads (default: all processors).")
  Integer threads;

  @Option(names = "--resume", description = "Continue RUN/align/checkpoint.bin with the "
      + "settings, seed and reward saved with it (other settings given are ignored, with a "
      + "warning); --max-minutes and --threads still apply.")
  boolean resume;

  /** The options a resumed run takes from its checkpoint instead. */
  static final List<String> FROM_CHECKPOINT = List.of("--seed", "--steps", "--rounds",
      "--pairs-per-round", "--beta", "--ce-weight", "--reward-weights", "--users",
      "--learning-rate", "--batch-size", "--negatives", "--validate-every", "--select");

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Dataset d = data.load();
    Path runDir = run.dir(d);
    int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
    LeaveOneOutSplit full = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    Path out = runDir.resolve(DIR);
    Path checkpoint = out.resolve(DpoTrainer.CHECKPOINT_FILE);
    DpoTrainer.Builder b;
    RewardWeights weights;
    if (resume) {
      if (!Files.isRegularFile(checkpoint)) {
        throw new IllegalArgumentException("nothing to resume: " + checkpoint + " does not exist");
      }
      List<String> ignored = FROM_CHECKPOINT.stream()
          .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
      if (!ignored.isEmpty()) {
        System.err.println("genrec align: " + String.join(", ", ignored) + " ignored: a resumed "
            + "run keeps the settings saved with its checkpoint");
      }
      b = DpoTrainer.resumeFrom(checkpoint);
      weights = AlignReward.savedWeights(out);
    } else {
      b = DpoTrainer.builder().setConfig(config()).setSeed(seed);
      weights = rewardWeights != null ? RewardWeights.parse(rewardWeights)
          : RewardWeights.defaults();
    }
    b.optOutputDir(out).optProgress(true).optShutdownHook(true).optEvalThreads(th);
    if (maxMinutes != null) {
      if (!(maxMinutes > 0)) {
        throw new IllegalArgumentException("--max-minutes=" + maxMinutes + " must be > 0");
      }
      b.optMaxSeconds(maxMinutes * 60);
    }
    DpoTrainer trainer = b.build();
    AlignConfig c = trainer.config();
    if (weights.novelty() > 0 && cold == null) {
      throw new IllegalArgumentException("--reward-weights new=" + weights.novelty()
          + ": the new items are those 'genrec quantize --cold-items' held out, and this run "
          + "holds none out");
    }
    // the new-item share and the diversity are measured (and reported at every validation)
    // whenever the run can give them, rewarded only with a weight > 0
    BitSet newItems = null;
    if (cold != null) {
      newItems = new BitSet();
      for (int i : cold.items()) {
        newItems.set(i);
      }
    }
    ItemSimilarity similarity = itemSimilarity(d, runDir, weights.diversity() > 0);
    // the generator learnt from the training split (without held-out items, if any)
    LeaveOneOutSplit split = ColdStart.trainingSplit(full, cold, false, "align");
    TrainData td = TrainData.of(split, codes);
    try (GeneratorModel reference = RunFolder.of(runDir).generator(codes)) {
      if (TrainedOn.of(reference, full, codes).refit()) {
        throw new IllegalArgumentException("the generator in " + runDir + " was trained with "
            + "--refit: alignment validates on the validation split, which it has seen; train "
            + "it without --refit");
      }
      if (!reference.dataFingerprint().equals(td.dataFingerprint())) {
        throw new IllegalArgumentException("the generator in " + runDir + " was trained on "
            + "other interactions than --data " + data.data + " gives: run 'genrec train' again");
      }
      KnnRewardModel rewardModel = resume ? AlignReward.load(out, split, th)
          : AlignReward.fit(out, split, c, trainer.seed(), weights, newItems, similarity != null,
              th);
      System.out.printf(Locale.ROOT, "%s: %,d users, %,d items; aligning %s with DPO: %d steps "
              + "in %d rounds of %,d users, batch %d pairs, lr %.1e, beta %s, ce weight %s, "
              + "%d negative(s), lists of %d from beam %d; reward %s; best by %s; seed %d%s%n",
          d.name(), d.users().size(), d.catalog().size(), runDir.resolve(RunFolder.GENERATOR_DIR)
              .resolve("model.bin"), c.steps(), c.rounds(), c.usersPerRound(), c.batchSize(),
          c.learningRate(), c.beta(), c.ceWeight(), c.negatives(), c.listSize(), c.beamWidth(),
          weights, c.selectBy().name().toLowerCase(Locale.ROOT), trainer.seed(),
          resume ? " (resumed)" : "");
      System.out.println(rewardModel.calibration().summary());
      CompositeReward reward = new CompositeReward(rewardModel, weights, similarity, newItems);
      AlignResult r = resume ? trainer.resume(td, reference, reward, checkpoint)
          : trainer.align(td, reference, reward);
      try (GeneratorModel m = r.model()) {
        System.out.print(r.summary());
        System.out.println("wrote " + out + " (" + DpoTrainer.MODEL_FILE + ", "
            + DpoTrainer.MODEL_JSON + ", " + DpoTrainer.CHECKPOINT_FILE + ", "
            + DpoTrainer.CURVE_FILE + ", " + AlignReward.MODEL_FILE + ", " + AlignReward.FILE + "); "
            + "evaluate with: genrec eval --data " + data.data + " --run " + runDir
            + " --weights aligned");
      }
    }
    return 0;
  }

  /**
   * Text cosine between items, from the run's cached embeddings: required for a diversity
   * reward; otherwise only to report the lists' diversity, so null when the run has none.
   */
  private ItemSimilarity itemSimilarity(Dataset d, Path runDir, boolean required) {
    String embed = "genrec embed --data " + data.data + " --run " + runDir;
    EmbeddingMatrix m;
    try {
      m = RunEmbeddings.load(d.catalog(), runDir, embed);
    } catch (IllegalArgumentException e) {
      if (required) {
        throw e;
      }
      System.err.println("genrec align: the lists' diversity is not reported (no item "
          + "embeddings of this catalogue in the run; '" + embed + "' makes them)");
      return null;
    }
    return ContentKnn.of(m, ContentKnn.Options.defaults())::cosine;
  }

  /** The preset's settings with every option given. */
  private AlignConfig config() {
    AlignConfig.Builder cb = data.preset().align().toBuilder(); // the preset's align: section
    if (steps != null) {
      cb.setSteps(steps);
    }
    if (rounds != null) {
      cb.setRounds(rounds);
    }
    if (usersPerRound != null) {
      cb.setUsersPerRound(usersPerRound);
    }
    if (beta != null) {
      cb.optBeta(beta);
    }
    if (ceWeight != null) {
      cb.optCeWeight(ceWeight);
    }
    if (users != null) {
      cb.optValidationUsers(users);
    }
    if (learningRate != null) {
      cb.setLearningRate(learningRate);
    }
    if (batchSize != null) {
      cb.setBatchSize(batchSize);
    }
    if (negatives != null) {
      cb.optNegatives(negatives);
    }
    if (validateEvery != null) {
      cb.optValidateEvery(validateEvery).optCheckpointEvery(validateEvery);
    }
    if (select != null) {
      cb.optSelectBy(switch (select.toLowerCase(Locale.ROOT)) {
        case "ndcg" -> AlignConfig.Selection.NDCG;
        case "reward" -> AlignConfig.Selection.REWARD;
        default -> throw new IllegalArgumentException("--select=" + select
            + " must be ndcg or reward");
      });
    }
    AlignConfig c = cb.build();
    if (c.warmupSteps() >= c.steps()) { // short runs: warm up over a tenth of them
      c = c.toBuilder().optWarmupSteps(c.steps() / 10).build();
    }
    return c;
  }
}
