package genrec.serving.cli;

import genrec.cascade.pipeline.CascadeInputs;
import genrec.cascade.pipeline.CascadeRecommender;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.PipelineLoader;
import genrec.cascade.pipeline.RankerCascade;
import genrec.cascade.pipeline.RankingStage;
import genrec.cascade.pipeline.RunFolder;
import genrec.cascade.rank.features.CascadeData;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankMetrics;
import genrec.core.io.Progress;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.eval.Recommender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code genrec eval --cascade}: recall → rank → top-K with the run's trained ranker (the run's
 * {@link Pipeline}, as {@code genrec serve} runs it), beside every channel alone (the generator
 * when the run has one, ItemKNN, MostPop, ContentKNN), on the test and validation splits; then
 * the ranker's per-task AUC and GAUC on the test split's candidate lists.
 */
final class CascadeEvaluation {
  private CascadeEvaluation() {}

  /** The run's ranker cascade, for {@code --cascade} (its errors say so). */
  static RankerCascade cascadeOf(Path runDir) {
    try {
      return RankerCascade.read(runDir);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--cascade: " + e.getMessage(), e);
    }
  }

  /**
   * The loader of a run's pipeline as the cascade commands load it: the channels fitted on
   * {@code split}'s training histories with the preset's ItemKNN and history window, a generator
   * refit on {@code split}'s validation targets refused, the commands that make a missing
   * artifact named with this dataset and run.
   */
  static PipelineLoader loader(DataCommand.DataOptions data, Dataset d, Path runDir,
      LeaveOneOutSplit split, int threads) {
    String run = RunDir.runOption(d, runDir);
    return Pipeline.loader(RunFolder.of(runDir)).setCatalog(d.catalog()).setTrain(split.train())
        .optItemKnn(data.preset().baseline().itemKnn(threads))
        .optHistoryLength(data.preset().data().historyWindow())
        .optRefusingRefitOn(split)
        .optCommands("genrec embed --data " + data.data + run,
            "genrec quantize --data " + data.data + run);
  }

  static int run(DataCommand.DataOptions data, Path runDir, Dataset d, int threads) {
    RankerCascade spec = cascadeOf(runDir);
    LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    LeaveOneOutSplit split = ColdStart.trainingSplit(loo, cold, false, "eval --cascade");
    List<EvalReport> reports = new ArrayList<>();
    List<String> aucLines = new ArrayList<>();
    try (Pipeline pipeline = loader(data, d, runDir, split, threads).load()) {
      pipeline.notes().forEach(n -> System.out.println("note: " + n));
      RankingStage stage = pipeline.ranker();
      RankerModel ranker = stage.model();
      int tasks = ranker.tasks().size();
      CascadeInputs inputs = pipeline.inputs();
      List<int[]> fitOn = split.train();
      List<Recommender> models = new ArrayList<>();
      models.add(new CascadeRecommender("cascade (" + pipeline.merger().describe() + ", "
          + ranker.config().mixture().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")",
          pipeline));
      if (pipeline.hasGenerator()) {
        models.add(new ChannelRecommender(inputs, "generator",
            "generator alone (beam " + pipeline.beamWidth() + ")"));
      }
      models.add(MostPop.fit(fitOn, split.numItems(), true));
      models.add(ItemKnn.fit(fitOn, split.numItems(),
          data.preset().baseline().itemKnn(threads)));
      if (pipeline.recall().text() != null) {
        models.add(pipeline.recall().text());
      }
      System.out.printf(Locale.ROOT, "%s: %,d users evaluated, %,d items; cascade %s; ranker "
          + "tasks %s%n", d.name(), loo.test().size(), d.catalog().size(),
          pipeline.merger().describe(), ranker.tasks());
      Evaluator ev = new Evaluator(new int[] {5, 10}, threads);
      for (Recommender m : models) {
        for (String which : new String[] {"test", "validation"}) {
          List<LeaveOneOutSplit.EvalCase> cases =
              which.equals("test") ? split.test() : split.validation();
          try (Progress p = m == models.get(0)
              ? Progress.start("eval " + which, cases.size(), "users") : Progress.silent()) {
            reports.add(ev.evaluate(m, cases, which, p));
          }
        }
      }
      // per-task AUC / GAUC of the ranker on the test split's candidate lists
      CascadeData cd = new CascadeData(d, split, spec.likedAt());
      if (cd.tasks().equals(ranker.tasks())) {
        RankExamples test;
        try (Progress p = Progress.start("rank auc (test)", split.test().size(), "users")) {
          test = RankExamples.build(inputs.channels(), pipeline.merger(), inputs.features(),
              cd.tasks(), cd.cases(split.test()), false, 0, 42, threads, p);
        }
        if (!test.queries().isEmpty()) {
          RankRows rows = test.rows(tasks);
          RankerModel.Prediction pr = ranker.predict(rows, rows.allRows());
          int n = rows.rows();
          int[] groups = new int[n];
          for (int r = 0; r < n; r++) {
            groups[r] = rows.group(r);
          }
          for (int t = 0; t < tasks; t++) {
            float[] p = new float[n];
            float[] y = new float[n];
            for (int r = 0; r < n; r++) {
              p[r] = pr.probabilities()[r][t];
              y[r] = rows.label(r, t);
            }
            aucLines.add(String.format(Locale.ROOT, "ranker, test candidate lists (%,d of %,d "
                + "targets reached), task %s: AUC %.4f, GAUC %.4f", test.reached(), test.cases(),
                ranker.tasks().get(t), RankMetrics.auc(p, y), RankMetrics.gauc(p, y, groups)));
          }
        }
      }
    }
    System.out.print(EvalReport.table(reports));
    aucLines.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "evaluated in %.1f s%n",
        reports.stream().mapToDouble(EvalReport::seconds).sum());
    return 0;
  }

  /** One channel of the cascade alone: its own list in its own order. */
  private static final class ChannelRecommender implements Recommender {
    private final CascadeInputs inputs;
    private final String channel;
    private final String name;

    ChannelRecommender(CascadeInputs inputs, String channel, String name) {
      this.inputs = inputs;
      this.channel = channel;
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int numItems() {
      return inputs.features().numItems();
    }

    @Override
    public void score(int[] history, float[] scores) {
      java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
      for (var c : inputs.channels()) {
        if (c.name().equals(channel)) {
          var l = c.candidates(history, 10);
          for (int r = 0; r < l.size(); r++) {
            scores[l.candidates().get(r).item()] = -r;
          }
        }
      }
    }
  }
}
