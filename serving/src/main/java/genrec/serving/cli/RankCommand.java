package genrec.serving.cli;

import genrec.cascade.pipeline.CascadeInputs;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.RankerCascade;
import genrec.cascade.rank.features.CascadeData;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankTrainConfig;
import genrec.cascade.rank.train.RankTrainResult;
import genrec.cascade.rank.train.RankerTrainer;
import genrec.core.io.Progress;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec rank}: the cascade's multi-task ranker. */
@Command(name = "rank", mixinStandardHelpOptions = true,
    description = "The cascade's multi-task ranker (DCN-v2 cross layers, DIN target attention, "
        + "MMoE or PLE experts).",
    subcommands = {RankCommand.Train.class})
final class RankCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: train");
  }

  /** {@code genrec rank train}. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the ranker on the channels' own candidates: for each user the "
          + "training sequence without its last item is the history and that item the target, "
          + "with ItemKNN and popularity fitted without those items; checked after each epoch "
          + "on the validation split (channels fitted on the whole training split); the test "
          + "split is never read. Writes RUN/ranker/ (model, config, cascade.json).")
  static final class Train implements Callable<Integer> {
    @Mixin DataCommand.DataOptions data;

    @Mixin RunDir run;

    @Option(names = "--quotas", defaultValue = Pipeline.DEFAULT_QUOTAS,
        description = "Candidates each channel adds, name=count in priority order (default "
            + "${DEFAULT-VALUE}); channels the run cannot build are dropped with a note.")
    String quotas;

    @Option(names = "--beam", description = "Generator beam width (default: its quota).")
    Integer beam;

    @Option(names = "--mixture", defaultValue = "mmoe",
        description = "Multi-task layer: mmoe, ple or shared-bottom (default ${DEFAULT-VALUE}).")
    String mixture;

    @Option(names = "--negatives", defaultValue = "50",
        description = "Negative candidates kept per training case, a seeded sample (0 = all; "
            + "default ${DEFAULT-VALUE}).")
    int negatives;

    @Option(names = "--positions", defaultValue = "1",
        description = "Training targets per user: the last P training items, with the channels "
            + "fitted without them (default ${DEFAULT-VALUE}).")
    int positions;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "1024",
        description = "Rows per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.002",
        description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--users", paramLabel = "N",
        description = "Train on a seeded sample of N users' cases (default: all).")
    Integer users;

    @Option(names = "--validation-users", paramLabel = "N", defaultValue = "5000",
        description = "Validation cases checked after each epoch, a seeded sample (default "
            + "${DEFAULT-VALUE}; 0 = all).")
    int validationUsers;

    @Option(names = "--liked-at", defaultValue = "4",
        description = "Interactions with a value at least this are 'liked' (the liked task, "
            + "when the data has values, e.g. MovieLens stars; default ${DEFAULT-VALUE}).")
    float likedAt;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Override
    public Integer call() {
      int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
      if (negatives < 0) {
        throw new IllegalArgumentException("--negatives=" + negatives + " must be >= 0");
      }
      if (users != null && users < 1) {
        throw new IllegalArgumentException("--users=" + users + " must be >= 1");
      }
      if (validationUsers < 0) {
        throw new IllegalArgumentException("--validation-users=" + validationUsers
            + " must be >= 0");
      }
      RankerConfig.Mixture mix = mixture(mixture);
      Dataset d = data.load();
      Path runDir = run.dir(d);
      LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
      ColdItems cold = ColdStart.of(d, runDir);
      LeaveOneOutSplit split = ColdStart.trainingSplit(loo, cold, false, "rank train");
      CascadeData cd = new CascadeData(d, split, likedAt);
      int historyLength = data.preset().data().historyWindow();
      try (Pipeline setup = CascadeEvaluation.loader(data, d, runDir, split, th)
          .optQuotas(quotas).optBeam(beam).optRanker(false).load()) {
        setup.notes().forEach(n -> System.out.println("note: " + n));
        if (setup.hasGenerator()) {
          System.out.println("note: the generator was trained on every training item, the "
              + "targets of the ranker's training cases included: its scores there are more "
              + "confident than on unseen targets");
        }
        List<RankExamples.Case> trainCases = Sampling.sample(cd.trainCases(positions), users, seed);
        List<RankExamples.Case> valCases =
            Sampling.sample(cd.validationCases(), validationUsers == 0 ? null : validationUsers, seed + 1);
        System.out.printf(Locale.ROOT, "%s: %,d users, %,d items; cascade %s; tasks %s; "
            + "%,d training cases, %,d validation cases%n", d.name(), d.users().size(),
            d.catalog().size(), setup.merger().describe(), cd.tasks(), trainCases.size(),
            valCases.size());
        long t0 = System.nanoTime();
        CascadeInputs trainInputs = setup.inputs(cd.trainFit(positions));
        RankExamples train;
        try (Progress p = Progress.start("rank examples (train)", trainCases.size(), "users")) {
          train = RankExamples.build(trainInputs.channels(), setup.merger(),
              trainInputs.features(), cd.tasks(), trainCases, false, negatives, seed, th, p);
        }
        CascadeInputs valInputs = setup.inputs();
        RankExamples val;
        try (Progress p = Progress.start("rank examples (validation)", valCases.size(), "users")) {
          val = RankExamples.build(valInputs.channels(), setup.merger(), valInputs.features(),
              cd.tasks(), valCases, false, 0, seed, th, p);
        }
        System.out.printf(Locale.ROOT, "examples: training %,d rows (%,d of %,d cases reached "
            + "by the channels, %.1f%%), validation %,d rows (%,d of %,d reached, %.1f%%) in "
            + "%.1f s%n", train.rows(), train.reached(), train.cases(),
            100.0 * train.reached() / Math.max(1, train.cases()), val.rows(), val.reached(),
            val.cases(), 100.0 * val.reached() / Math.max(1, val.cases()),
            (System.nanoTime() - t0) / 1e9);
        if (train.queries().isEmpty()) {
          throw new IllegalArgumentException("no training case has its target among the "
              + "channels' candidates: nothing to learn from");
        }
        RankerConfig config = RankerConfig.builder()
            .setData(trainInputs.features().numDense(), d.catalog().size(),
                codebookSize(setup.codes()), historyLength)
            .setTasks(cd.tasks())
            .optMixture(mix)
            .build();
        RankTrainConfig tc = RankTrainConfig.builder().setEpochs(epochs).setBatchSize(batchSize)
            .setLearningRate(learningRate).build();
        Path out = runDir.resolve(RankerCascade.DIR);
        RankTrainResult result = RankerTrainer.builder().setModelConfig(config)
            .setTrainConfig(tc).setSeed(seed).optOutputDir(out).optProgress(true).build()
            .train(train.rows(config.numTasks()), val.rows(config.numTasks()));
        try (RankerModel model = result.model()) {
          model.save(out);
        }
        new RankerCascade(setup.merger().describe(), beam, historyLength, likedAt, cd.tasks(),
            trainInputs.features().names()).write(out.resolve(RankerCascade.FILE));
        System.out.print(table(result, cd.tasks()));
        System.out.printf(Locale.ROOT, "trained in %.1f s; wrote %s (best epoch %d: validation "
            + "AUC of %s %.4f)%n", result.seconds(), out, result.bestEpoch(), cd.tasks().get(0),
            result.bestValAuc());
        return 0;
      }
    }

    /** Per epoch (0 = the random initial weights): train loss, validation AUC and GAUC per task. */
    static String table(RankTrainResult r, List<String> tasks) {
      StringBuilder b = new StringBuilder("| epoch | train loss |");
      StringBuilder sep = new StringBuilder("|---|---|");
      for (String t : tasks) {
        b.append(" AUC ").append(t).append(" | GAUC ").append(t).append(" |");
        sep.append("---|---|");
      }
      b.append('\n').append(sep).append('\n');
      List<RankTrainResult.EpochStats> all = new ArrayList<>();
      all.add(r.initial());
      all.addAll(r.epochs());
      for (RankTrainResult.EpochStats e : all) {
        b.append(String.format(Locale.ROOT, "| %d%s | %s |", e.epoch(),
            e.epoch() == 0 ? " (random init)" : e.epoch() == r.bestEpoch() ? " (best)" : "",
            Double.isNaN(e.trainLoss()) ? "-" : String.format(Locale.ROOT, "%.4f", e.trainLoss())));
        for (int t = 0; t < tasks.size(); t++) {
          b.append(String.format(Locale.ROOT, " %.4f | %.4f |", e.valAuc().get(t),
              e.valGauc().get(t)));
        }
        b.append('\n');
      }
      return b.toString();
    }

    private static int codebookSize(int[][] codes) {
      int max = 0;
      if (codes != null) {
        for (int[] c : codes) {
          for (int l = 0; l < 3; l++) {
            max = Math.max(max, c[l] + 1);
          }
        }
      }
      return Math.max(1, max);
    }
  }

  static RankerConfig.Mixture mixture(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mmoe" -> RankerConfig.Mixture.MMOE;
      case "ple" -> RankerConfig.Mixture.PLE;
      case "shared-bottom" -> RankerConfig.Mixture.SHARED_BOTTOM;
      default -> throw new IllegalArgumentException("--mixture=" + name
          + " must be mmoe, ple or shared-bottom");
    };
  }
}
