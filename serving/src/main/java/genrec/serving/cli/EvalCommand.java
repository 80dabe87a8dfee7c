package genrec.serving.cli;

import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.eval.Recommender;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import genrec.quantizer.io.Progress;
import genrec.serving.http.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec eval}: the trained generator beside MostPop and ItemKNN, same harness. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate the trained generator (RUN/generator/model.bin, constrained beam "
        + "search, history items excluded) beside MostPop and ItemKNN: leave-one-out, full "
        + "ranking, Recall@5/10 and NDCG@5/10 on validation and test.")
final class EvalCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--beam", defaultValue = "20", description = "Beam width (default ${DEFAULT-VALUE}).")
  int beam;

  @Option(names = "--threads", description = "Threads (default: all processors).")
  Integer threads;

  enum Weights { best, last }

  @Option(names = "--weights", defaultValue = "best", description = "best (model.bin, the best "
      + "validation check) or last (the last step in checkpoint.bin) (default: ${DEFAULT-VALUE}).")
  Weights weights;

  @Override
  public Integer call() {
    int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Dataset d = data.load();
    Path runDir = run.dir(d);
    int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    List<EvalReport> reports = new ArrayList<>();
    try (GeneratorModel model = ModelFiles.loadGenerator(runDir, codes,
        weights == Weights.last)) {
      // a generator trained with 'genrec train --refit' has seen the validation targets: only
      // the test split measures it, and the baselines are refit the same way
      boolean refit = model.dataFingerprint()
          .equals(TrainData.refit(split, codes).dataFingerprint());
      List<int[]> fitOn = refit ? split.trainPlusValidation() : split.train();
      PrefixTrie trie = PrefixTrie.of(codes, model.config().codebookSize());
      BeamSearch search = model.beamSearch(trie).optBeamWidth(beam).optExcludeHistory(true)
          .build();
      List<Recommender> models = List.of(
          new GenerativeRecommender(search, Math.min(10, codes.length),
              "generator (" + (model.config().causalEncoder() ? "sequence"
                  : model.config().layout().name().toLowerCase(Locale.ROOT))
                  + (weights == Weights.last ? ", last" : "") + (refit ? ", refit" : "") + ")"),
          MostPop.fit(fitOn, split.numItems(), true),
          ItemKnn.fit(fitOn, split.numItems(), data.preset().baseline().itemKnn(th)));
      System.out.printf(Locale.ROOT, "%s: %,d users evaluated, %,d items; beam %d%s%n", d.name(),
          split.test().size(), d.catalog().size(), beam, refit
              ? "; refit run (trained on training + validation interactions): test split only, "
                  + "MostPop and ItemKNN refit the same way" : "");
      String[] splits = refit ? new String[] {"test"} : new String[] {"test", "validation"};
      Evaluator ev = new Evaluator(new int[] {5, 10}, th);
      for (Recommender m : models) {
        for (String which : splits) {
          List<LeaveOneOutSplit.EvalCase> cases =
              which.equals("test") ? split.test() : split.validation();
          try (Progress p = m instanceof GenerativeRecommender
              ? Progress.start("eval " + which, cases.size(), "users") : Progress.silent()) {
            reports.add(ev.evaluate(m, cases, which, p));
          }
        }
      }
    }
    System.out.println(reports.get(0).header());
    for (EvalReport r : reports) {
      System.out.println(r.row());
    }
    System.out.printf(Locale.ROOT, "evaluated in %.1f s%n",
        reports.stream().mapToDouble(EvalReport::seconds).sum());
    return 0;
  }
}
