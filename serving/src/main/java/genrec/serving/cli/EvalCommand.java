package genrec.serving.cli;

import genrec.cascade.recall.RunEmbeddings;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.decode.GeneratorMixture;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.decode.Unconstrained;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.eval.ExcludingRecommender;
import genrec.generator.eval.Recommender;
import genrec.generator.eval.TrainedOn;
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

  /** One generator of the evaluation: its model, search and whether it was trained with --refit. */
  private record Member(Path runDir, GeneratorModel model, BeamSearch search, boolean refit) {}

  private Member load(Dataset d, LeaveOneOutSplit split, Path runDir) {
    int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
    GeneratorModel model = weights == Weights.aligned ? loadAligned(runDir, codes)
        : ModelFiles.loadGenerator(runDir, codes, weights == Weights.last);
    try {
      // a generator trained with 'genrec train --refit' has seen the validation targets: only
      // the test split measures it, and the baselines are refit the same way
      boolean refit = TrainedOn.of(model, split, codes).refit();
      PrefixTrie trie = PrefixTrie.of(codes, model.config().codebookSize());
      BeamSearch.Builder sb = model.beamSearch(trie).optBeamWidth(beam).optExcludeHistory(true);
      if (unconstrained) {
        sb.optConstraint(new Unconstrained(trie));
      }
      BeamSearch search = sb.build();
      return new Member(runDir, model, search, refit);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

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

  /** True when --ks and --split are the defaults (the rows --cascade and --cold-items print). */
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
    int[] cutoffs = ks.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    for (int k : cutoffs) {
      if (k < 1) {
        throw new IllegalArgumentException("--ks: K=" + k + " must be >= 1");
      }
    }
    int maxK = cutoffs[cutoffs.length - 1];
    if (maxK > 10 && maxK > beam) { // up to 10 as before: a narrow beam ranks fewer items
      throw new IllegalArgumentException("--ks " + maxK + " needs --beam >= " + maxK
          + " (the search returns at most its beam width of items)");
    }
    if (coldItems != null && !defaultRows()) {
      throw new IllegalArgumentException("--cold-items reports its own rows: drop --ks and "
          + "--split");
    }
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    List<EvalReport> reports = new ArrayList<>();
    List<String> invalidLines = new ArrayList<>();
    List<Path> runs = new ArrayList<>();
    runs.add(runDir);
    runs.addAll(ensemble);
    ModelFiles.firstRepeat(runs).ifPresent(r -> {
      throw new IllegalArgumentException("--ensemble " + r.later() + " is listed twice (or is the "
          + "--run folder itself): each member of a mixture must be a different run");
    });
    if (unconstrained && !ensemble.isEmpty()) {
      throw new IllegalArgumentException("--unconstrained measures one generator: drop --ensemble");
    }
    List<Member> members = new ArrayList<>();
    try {
      members.add(load(d, split, runDir));
      for (Path other : ensemble) {
        members.add(load(d, split, other));
      }
      Member first = members.get(0);
      boolean refit = first.refit();
      for (Member m : members) {
        if (m.refit() != refit) {
          throw new IllegalArgumentException("--ensemble: run " + m.runDir() + (m.refit()
              ? " was" : " was not") + " trained with --refit but run " + first.runDir()
              + (refit ? " was" : " was not") + "; a mixture's members must all be refit or none");
        }
      }
      ColdItems cold = ColdStart.of(d, runDir);
      if (coldItems != null) {
        if (cold == null) {
          throw new IllegalArgumentException("--cold-items " + coldItems + ": the run holds no "
              + "items out; run 'genrec quantize --cold-items " + coldItems + "' and 'genrec "
              + "train' on it first");
        }
        if (Math.abs(cold.fraction() - coldItems) > 1e-9) {
          throw new IllegalArgumentException("--cold-items " + coldItems + ": the run was "
              + "quantized with --cold-items " + cold.fraction());
        }
        if (!ensemble.isEmpty()) {
          throw new IllegalArgumentException("--cold-items measures one generator: drop --ensemble");
        }
      }
      // the baselines learn from what the generator learnt from: without held-out items
      LeaveOneOutSplit fitSplit = ColdStart.trainingSplit(split, cold, refit, "eval");
      List<int[]> fitOn = refit ? split.trainPlusValidation() : fitSplit.train();
      int numItems = d.catalog().size();
      String suffix = (weights == Weights.last ? ", last"
          : weights == Weights.aligned ? ", aligned" : "") + (refit ? ", refit" : "")
          + (unconstrained ? ", unconstrained" : "");
      // in a mixture each member proposes as many items as it keeps beams (at least the 10
      // measured), so the mixture's top 10 can hold items a member ranks below its own top 10
      int perMember = GeneratorMixture.proposalsPerMember(Math.max(10, maxK), beam, numItems);
      Recommender generator;
      GenerativeRecommender single = null; // the one generator, whose invalid paths are counted
      if (members.size() == 1) {
        // the cold protocol also ranks the beams without the new items: keep all of them
        int keep = coldItems != null ? Math.max(10, beam) : Math.max(10, maxK);
        single = new GenerativeRecommender(first.search(), Math.min(keep, numItems),
            "generator (" + layoutName(first.model()) + suffix + ")");
        generator = single;
      } else {
        List<Recommender> gens = new ArrayList<>();
        for (Member m : members) {
          gens.add(new GenerativeRecommender(m.search(), perMember, m.runDir().toString()));
        }
        generator = new GeneratorMixture(gens,
            "mixture of " + members.size() + " generators" + suffix);
      }
      List<Recommender> models = List.of(generator,
          MostPop.fit(fitOn, split.numItems(), true),
          ItemKnn.fit(fitOn, split.numItems(), data.preset().baseline().itemKnn(th)));
      System.out.printf(Locale.ROOT, "%s: %,d users evaluated, %,d items; beam %d%s%s%n", d.name(),
          split.test().size(), numItems, beam, members.size() == 1 ? "" : "; mixture of "
              + members.stream().map(m -> m.runDir().toString()).toList() + ", each proposing "
              + perMember + " items", refit
              ? "; refit run (trained on training + validation interactions): test split only, "
                  + "MostPop and ItemKNN refit the same way" : "");
      String[] splits = refit || splitOption == Splits.test ? new String[] {"test"}
          : splitOption == Splits.validation ? new String[] {"validation"}
          : new String[] {"test", "validation"};
      if (refit && splitOption == Splits.validation) {
        throw new IllegalArgumentException("--split validation: a refit run has seen the "
            + "validation targets; only the test split measures it");
      }
      Evaluator ev = new Evaluator(cutoffs, th);
      for (Recommender m : models) {
        for (String which : splits) {
          List<LeaveOneOutSplit.EvalCase> cases =
              which.equals("test") ? split.test() : split.validation();
          boolean counted = unconstrained && m == single;
          long generatedBefore = counted ? single.generated() : 0;
          long invalidBefore = counted ? single.invalid() : 0;
          try (Progress p = m == generator
              ? Progress.start("eval " + which, cases.size(), "users") : Progress.silent()) {
            reports.add(ev.evaluate(m, cases, which, p));
          }
          if (counted) {
            long n = single.generated() - generatedBefore;
            long bad = single.invalid() - invalidBefore;
            invalidLines.add(String.format(Locale.ROOT, "unconstrained decoding, %s: %,d of %,d "
                + "generated paths (%.2f%%) name no item (constrained: 0 by construction)", which,
                bad, n, n == 0 ? 0.0 : 100.0 * bad / n));
          }
        }
      }
      if (coldItems != null) {
        List<Recommender> baselines = new ArrayList<>(models.subList(1, models.size()));
        try { // the content baseline: nearest items by text vector to the last history items
          baselines.add(ContentKnn.of(RunEmbeddings.load(d.catalog(), runDir, "genrec embed "
              + "--data " + data.data + " --run " + runDir), ContentKnn.Options.defaults()));
        } catch (IllegalArgumentException e) {
          System.out.println("note: no content baseline: " + e.getMessage());
        }
        coldReports(cold, split, generator, baselines, ev, reports);
      }
    } finally {
      for (Member m : members) {
        m.search().close();
        m.model().close();
      }
    }
    System.out.print(EvalReport.table(reports));
    if (cutoffs[0] == 1) {
      for (EvalReport r : reports) {
        System.out.printf(Locale.ROOT, "distinct top-1 items, %s (%s): %,d%n", r.model(),
            r.split(), Math.round(r.coverageAt(1) * d.catalog().size()));
      }
    }
    invalidLines.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "evaluated in %.1f s%n",
        reports.stream().mapToDouble(EvalReport::seconds).sum());
    return 0;
  }

  /**
   * The cold-start protocol's rows: every model on the test users whose target is held out
   * ("test-cold"), and the generator on the others ("test-warm") with the held-out items in the
   * catalogue and with them removed from its lists (the search itself still ran with them: the
   * ten best remaining items of its beams).
   */
  private static void coldReports(ColdItems cold, LeaveOneOutSplit split, Recommender generator,
      List<Recommender> baselines, Evaluator ev, List<EvalReport> reports) {
    List<LeaveOneOutSplit.EvalCase> coldCases = new ArrayList<>();
    List<LeaveOneOutSplit.EvalCase> warmCases = new ArrayList<>();
    for (LeaveOneOutSplit.EvalCase c : split.test()) {
      (cold.isCold(c.target()) ? coldCases : warmCases).add(c);
    }
    if (coldCases.isEmpty()) {
      throw new IllegalArgumentException("no test target is a held-out item: hold out more "
          + "items (--cold-items) or use more users");
    }
    System.out.printf(Locale.ROOT, "cold-start protocol: %,d held-out items; %,d test users "
        + "have one as target, %,d do not%n", cold.count(), coldCases.size(), warmCases.size());
    List<Recommender> all = new ArrayList<>();
    all.add(generator);
    all.addAll(baselines);
    for (Recommender m : all) {
      try (Progress p = m == generator
          ? Progress.start("eval test-cold", coldCases.size(), "users") : Progress.silent()) {
        reports.add(ev.evaluate(m, coldCases, "test-cold", p));
      }
    }
    Recommender withoutNew = new ExcludingRecommender(generator, cold.cold(),
        generator.name() + " without new items");
    for (Recommender m : List.of(generator, withoutNew)) {
      try (Progress p = Progress.start("eval test-warm", warmCases.size(), "users")) {
        reports.add(ev.evaluate(m, warmCases, "test-warm", p));
      }
    }
  }

  private static String layoutName(GeneratorModel model) {
    return model.config().causalEncoder() ? "sequence"
        : model.config().layout().name().toLowerCase(Locale.ROOT);
  }
}
