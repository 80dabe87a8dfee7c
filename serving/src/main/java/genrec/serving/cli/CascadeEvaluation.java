package genrec.serving.cli;

import genrec.cascade.rank.CascadeInputs;
import genrec.cascade.rank.CascadeRecommender;
import genrec.cascade.rank.features.CascadeData;
import genrec.cascade.rank.features.QueryScorer;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankMetrics;
import genrec.core.io.Progress;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.eval.Recommender;
import genrec.serving.http.RankerCascade;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code genrec eval --cascade}: recall → rank → top-K with the run's trained ranker, beside
 * every channel alone (the generator when the run has one, ItemKNN, MostPop, ContentKNN), on the
 * test and validation splits; then the ranker's per-task AUC and GAUC on the test split's
 * candidate lists.
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

  static int run(DataCommand.DataOptions data, Path runDir, Dataset d, int threads) {
    RankerCascade spec = cascadeOf(runDir);
    LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    LeaveOneOutSplit split = ColdStart.trainingSplit(loo, cold, false, "eval --cascade");
    List<EvalReport> reports = new ArrayList<>();
    List<String> aucLines = new ArrayList<>();
    try (CascadeSetup setup = CascadeSetup.open(data, d, runDir, spec.quotas(), spec.beam(),
            threads, split);
        RankerModel ranker = RankerModel.load(runDir.resolve(RankerCascade.DIR))) {
      setup.notes.forEach(n -> System.out.println("note: " + n));
      if (!setup.merger.describe().equals(spec.quotas())) {
        throw new IllegalArgumentException("--cascade: the ranker was trained on the cascade "
            + spec.quotas() + " but the run now gives " + setup.merger.describe()
            + "; retrain with 'genrec rank train'");
      }
      CascadeInputs inputs = setup.fit(split.train());
      if (!inputs.features().names().equals(spec.features())) {
        throw new IllegalArgumentException("--cascade: the ranker's features differ from this "
            + "version's; retrain with 'genrec rank train'");
      }
      int tasks = ranker.tasks().size();
      QueryScorer scorer = q -> {
        RankRows rows = RankExamples.rows(q, tasks);
        return ranker.score(rows, rows.allRows());
      };
      List<int[]> fitOn = split.train();
      List<Recommender> models = new ArrayList<>();
      models.add(new CascadeRecommender("cascade (" + setup.merger.describe() + ", "
          + ranker.config().mixture().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")",
          inputs, scorer));
      if (setup.hasGenerator()) {
        models.add(new ChannelRecommender(inputs, "generator",
            "generator alone (beam " + setup.beamWidth() + ")"));
      }
      models.add(MostPop.fit(fitOn, split.numItems(), true));
      models.add(ItemKnn.fit(fitOn, split.numItems(), setup.knnOptions));
      if (setup.text != null) {
        models.add(setup.text);
      }
      System.out.printf(Locale.ROOT, "%s: %,d users evaluated, %,d items; cascade %s; ranker "
          + "tasks %s%n", d.name(), loo.test().size(), d.catalog().size(),
          setup.merger.describe(), ranker.tasks());
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
          test = RankExamples.build(inputs.channels(), setup.merger, inputs.features(),
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
