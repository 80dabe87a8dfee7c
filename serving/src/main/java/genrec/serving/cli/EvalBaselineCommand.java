package genrec.serving.cli;

import genrec.core.io.Progress;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.eval.Recommender;
import genrec.serving.config.Preset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec eval-baseline}: MostPop / ItemKNN under the leave-one-out full-ranking protocol. */
@Command(name = "eval-baseline", mixinStandardHelpOptions = true,
    description = "Evaluate a baseline with leave-one-out, full ranking over all items: "
        + "Recall@5/10, NDCG@5/10, coverage on validation and test.")
final class EvalBaselineCommand implements Callable<Integer> {
  enum Model { mostpop, itemknn, all }

  @Mixin DataCommand.DataOptions data;

  @Option(names = "--model", defaultValue = "all",
      description = "mostpop, itemknn or all (default ${DEFAULT-VALUE}).")
  Model model;

  @Option(names = "--neighbours",
      description = "ItemKNN: neighbours kept per item, 0 = all (default: the preset's, 0).")
  Integer neighbours;

  @Option(names = "--last-n",
      description = "ItemKNN: most recent history items scored (default: the preset's, 3).")
  Integer lastN;

  @Option(names = "--refit", description = "Also fit on the validation interactions (test only; "
      + "validation is then not reported, since it would be seen in training).")
  boolean refit;

  @Option(names = "--mostpop-keep-history",
      description = "MostPop: leave the user's own history items in the ranking (default: excluded).")
  boolean mostPopKeepHistory;

  @Option(names = "--threads", description = "Threads (default: all processors).")
  Integer threads;

  @Override
  public Integer call() {
    int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Dataset d = data.load();
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    List<int[]> fitOn = refit ? split.trainPlusValidation() : split.train();
    System.out.printf(Locale.ROOT, "%s: %,d users (%,d evaluated), %,d items; fit on %s%n",
        d.name(), d.users().size(), split.test().size(), d.catalog().size(),
        refit ? "training + validation interactions (--refit)" : "training interactions");
    List<Recommender> models = new ArrayList<>();
    if (model != Model.itemknn) {
      models.add(MostPop.fit(fitOn, split.numItems(), !mostPopKeepHistory));
    }
    if (model != Model.mostpop) {
      long t0 = System.nanoTime();
      Preset.Baseline b = data.preset().baseline();
      ItemKnn knn = ItemKnn.fit(fitOn, split.numItems(), new ItemKnn.Options(
          neighbours == null ? b.neighbours() : neighbours, lastN == null ? b.lastN() : lastN, th));
      System.out.printf(Locale.ROOT, "ItemKNN index: %,d pairs in %.2f s%n",
          knn.indexSize(), (System.nanoTime() - t0) / 1e9);
      models.add(knn);
    }
    Evaluator ev = new Evaluator(new int[] {5, 10}, th);
    List<EvalReport> reports = new ArrayList<>();
    for (Recommender m : models) {
      if (!refit) {
        reports.add(ev.evaluate(m, split.validation(), "validation", Progress.silent()));
      }
      reports.add(ev.evaluate(m, split.test(), "test", Progress.silent()));
    }
    System.out.print(EvalReport.table(reports));
    double secs = reports.stream().mapToDouble(EvalReport::seconds).sum();
    System.out.printf(Locale.ROOT, "evaluated in %.2f s%n", secs);
    return 0;
  }
}
