package genrec.serving.cli;

import genrec.cascade.recall.RunEmbeddings;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.GeneratorEvaluation;
import genrec.generator.eval.Recommender;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
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
        + "search, history items excluded), or with --ensemble a mixture of generators, beside "
        + "MostPop and ItemKNN: leave-one-out, full ranking, Recall@5/10 and NDCG@5/10 on "
        + "validation and test.")
final class EvalCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--beam", defaultValue = "20", description = "Beam width (default ${DEFAULT-VALUE}).")
  int beam;

  @Option(names = "--threads", description = "Threads (default: all processors).")
  Integer threads;

  enum Weights { best, last, aligned }

  @Option(names = "--weights", defaultValue = "best", description = "best (model.bin, the best "
      + "validation check), last (the last step in checkpoint.bin) or aligned (RUN/align/model.bin "
      + "of 'genrec align') (default: ${DEFAULT-VALUE}).")
  Weights weights;

  @Option(names = "--ensemble", paramLabel = "DIR",
      description = "Another run folder trained on the same data (repeatable): evaluate the "
          + "equal-weight mixture of this run's generator and theirs (each proposes its top items; "
          + "an item scores the mean of their probabilities) instead of the run's generator alone. "
          + "Members may use different semantic-ID tables; all must be refit runs or none.")
  List<Path> ensemble = new ArrayList<>();

  @Option(names = "--unconstrained", description = "Decode without the prefix trie (every code "
      + "allowed at every level) and report the invalid rate: the share of generated top-10 "
      + "paths that name no item (they count as misses). Only for measuring it: the "
      + "constrained search, the default and what 'genrec serve' runs, is valid by construction.")
  boolean unconstrained;

  @Option(names = "--cold-items", paramLabel = "FRACTION",
      description = "Cold-start protocol, for a run quantized with 'quantize --cold-items "
          + "FRACTION' (and trained on it): also report, on the test users whose target is a "
          + "held-out item, the generator, ItemKNN, MostPop (all trained without those items' "
          + "interactions) and ContentKNN (nearest items by text vector, from RUN/embeddings), and on the other test users the generator with and without the "
          + "held-out items in the catalogue.")
  Double coldItems;

  @Option(names = "--cascade", description = "Evaluate the cascade instead: recall (the run's "
      + "channels) -> the ranker of 'genrec rank train' -> top 10, beside each channel alone "
      + "(the generator when the run has one, ItemKNN, MostPop, ContentKNN), then the ranker's "
      + "per-task AUC and GAUC on the test candidate lists. The cascade's quotas and beam are "
      + "the ones the ranker was trained with.")
  boolean cascade;

  @Option(names = "--ks", split = ",", defaultValue = "5,10", paramLabel = "K",
      description = "Cut-offs of Recall@K, NDCG@K and Cov@K (default ${DEFAULT-VALUE}); the "
          + "generator ranks as many items as the largest K, so a K above 10 needs --beam >= K. With 1 the "
          + "number of distinct top-1 items is printed too.")
  List<Integer> ks;

  enum Splits { both, test, validation }

  @Option(names = "--split", defaultValue = "both", description = "Splits measured: both, test "
      + "or validation (default ${DEFAULT-VALUE}; a refit run: test only).")
  Splits splitOption;

  /** {@code RUN/align/model.bin}, checked against the semantic IDs it will decode. */
  private static GeneratorModel loadAligned(Path runDir, int[][] codes) {
    Path file = runDir.resolve(AlignCommand.DIR)
        .resolve(genrec.generator.align.DpoTrainer.MODEL_FILE);
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no aligned generator at " + file
          + ": run 'genrec align' first");
    }
    GeneratorModel g = GeneratorModel.load(file);
    if (!g.sidFingerprint().equals(TrainData.sidFingerprint(codes))) {
      g.close();
      throw new IllegalArgumentException("the semantic IDs of " + runDir
          + " changed since the generator was aligned: run 'genrec train' and "
          + "'genrec align' again");
    }
    return g;
  }

  /** True when --ks and --split are the defaults (the rows --cascade prints). */
  private boolean defaultRows() {
    return ks.size() == 2 && ks.contains(5) && ks.contains(10) && splitOption == Splits.both;
  }

  @Override
  public Integer call() {
    int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Dataset d = data.load();
    Path runDir = run.dir(d);
    if (cascade) {
      if (!ensemble.isEmpty() || unconstrained || coldItems != null || weights != Weights.best
          || !defaultRows()) {
        throw new IllegalArgumentException("--cascade evaluates the run's cascade: drop "
            + "--ensemble, --unconstrained, --cold-items, --weights, --ks and --split");
      }
      return CascadeEvaluation.run(data, runDir, d, th);
    }
    List<Path> runs = new ArrayList<>();
    runs.add(runDir);
    runs.addAll(ensemble);
    ModelFiles.firstRepeat(runs).ifPresent(r -> {
      throw new IllegalArgumentException("--ensemble " + r.later() + " is listed twice (or is the "
          + "--run folder itself): each member of a mixture must be a different run");
    });
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    Recommender content = null;
    String contentNote = null;
    if (coldItems != null) {
      try { // the content baseline: nearest items by text vector to the last history items
        content = ContentKnn.of(RunEmbeddings.load(d.catalog(), runDir, "genrec embed --data "
            + data.data + " --run " + runDir), ContentKnn.Options.defaults());
      } catch (IllegalArgumentException e) {
        contentNote = "note: no content baseline: " + e.getMessage();
      }
    }
    List<GeneratorModel> loaded = new ArrayList<>();
    GeneratorEvaluation.Result result;
    try (GeneratorEvaluation ev = GeneratorEvaluation.builder().setSplit(split)
        .setMembers(runs.stream().map(Path::toString).toList(), member -> {
          Path dir = Path.of(member);
          int[][] codes = TrainCommand.itemCodes(d, dir, data.data);
          GeneratorModel model = weights == Weights.aligned ? loadAligned(dir, codes)
              : ModelFiles.loadGenerator(dir, codes, weights == Weights.last);
          loaded.add(model);
          return new GeneratorEvaluation.Loaded(model, codes);
        })
        .setItemKnn(data.preset().baseline().itemKnn(th)).optBeam(beam)
        .optUnconstrained(unconstrained)
        .optKs(ks.stream().mapToInt(Integer::intValue).toArray())
        .optSplits(GeneratorEvaluation.Splits.valueOf(splitOption.name().toUpperCase(Locale.ROOT)))
        .optColdItems(cold, coldItems).optContent(content)
        .optWeightsLabel(weights == Weights.best ? "" : weights.name()).optThreads(th).build()) {
      ColdStart.printNotTrainedOn(cold);
      boolean refit = ev.trainedOn().refit();
      System.out.printf(Locale.ROOT, "%s: %,d users evaluated, %,d items; beam %d%s%s%n", d.name(),
          split.test().size(), d.catalog().size(), beam, runs.size() == 1 ? "" : "; mixture of "
              + runs + ", each proposing " + ev.proposalsPerMember() + " items", refit
              ? "; refit run (trained on training + validation interactions): test split only, "
                  + "MostPop and ItemKNN refit the same way" : "");
      if (contentNote != null) {
        System.out.println(contentNote);
      }
      result = ev.run();
    } finally {
      loaded.forEach(GeneratorModel::close);
    }
    GeneratorEvaluation.ColdUsers cu = result.coldUsers();
    if (cu != null) {
      System.out.printf(Locale.ROOT, "cold-start protocol: %,d held-out items; %,d test users "
          + "have one as target, %,d do not%n", cu.heldOutItems(), cu.coldUsers(), cu.warmUsers());
    }
    System.out.print(EvalReport.table(result.reports()));
    if (ks.contains(1)) {
      for (EvalReport r : result.reports()) {
        System.out.printf(Locale.ROOT, "distinct top-1 items, %s (%s): %,d%n", r.model(),
            r.split(), Math.round(r.coverageAt(1) * d.catalog().size()));
      }
    }
    for (GeneratorEvaluation.InvalidPaths p : result.invalid()) {
      System.out.printf(Locale.ROOT, "unconstrained decoding, %s: %,d of %,d generated paths "
          + "(%.2f%%) name no item (constrained: 0 by construction)%n", p.split(), p.invalid(),
          p.generated(), p.percent());
    }
    System.out.printf(Locale.ROOT, "evaluated in %.1f s%n", result.seconds());
    return 0;
  }
}
