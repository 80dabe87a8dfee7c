package genrec.serving.cli;

import genrec.cascade.eval.RerankEvaluation;
import genrec.cascade.eval.RerankSweep;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.cascade.recall.RunEmbeddings;
import genrec.cascade.rerank.bench.RerankSweepChart;
import genrec.core.io.AtomicFiles;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.TrainedOn;
import genrec.generator.train.GeneratorModel;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.http.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec rerank-eval}: the relevance / diversity trade-off of re-ranking, and the cost of the cold-start share. */
@Command(name = "rerank-eval", mixinStandardHelpOptions = true,
    description = "Measure re-ranking offline under the leave-one-out split of 'genrec eval': "
        + "each user's top-N candidates from the run's generator (beam search) or a recall "
        + "channel are re-ranked to K by relevance order, MMR and DPP over a grid of theta and "
        + "windows; per setting NDCG@K, Recall@K, intra-list diversity (ILD = 1 - mean pairwise "
        + "text cosine), distinct SID prefixes (c1) and categories per list, catalogue coverage. "
        + "With new items (the run's cold-start hold-out, or --new-items) every setting is also "
        + "measured with the cold-start stage (boost, a share of slots, a per-item cap): share "
        + "of slots served to new items and Recall@K of the users whose target is new. Prints "
        + "the table and writes OUT/rerank-SOURCE-SPLIT.csv and .png (NDCG@K against ILD).")
final class RerankEvalCommand implements Callable<Integer> {
  /** The candidate sources. */
  static final List<String> SOURCES = List.of(GeneratorChannel.NAME, ItemKnnChannel.NAME,
      ContentChannel.NAME, PopularityChannel.NAME);

  /** The similarity sources MMR and DPP can re-rank with. */
  static final List<String> SIMILARITIES = List.of("text", "sid", "category", "attributes");

  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--split", defaultValue = "test",
      description = "test or validation (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--source", defaultValue = "generator",
      description = "Candidate source: generator (the run's trained generator, constrained beam "
          + "search), itemknn, content or popularity (the recall channels of 'genrec recall') "
          + "(default ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--n", defaultValue = "100",
      description = "Candidates per user (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--k", defaultValue = "10",
      description = "Slots re-ranked and measured (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--beam", description = "Generator beam width (default: --n, so the search "
      + "returns N items).")
  Integer beam;

  @Option(names = "--methods", split = ",", defaultValue = "mmr,dpp",
      description = "Re-rankers beside relevance order (default ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--thetas", split = ",", defaultValue = "0,0.3,0.5,0.7,0.9,1",
      description = "Relevance weights theta in [0, 1] (default ${DEFAULT-VALUE}; DPP skips 1, "
          + "whose limit is relevance order).")
  double[] thetas;

  @Option(names = "--windows", split = ",", defaultValue = "0,3,5",
      description = "Sliding windows, 0 = the whole list (default ${DEFAULT-VALUE}).")
  int[] windows;

  @Option(names = "--similarity", defaultValue = "text",
      description = "What MMR and DPP call similar: text (cosine of the run's item embeddings), "
          + "sid (shared semantic-ID prefixes), category or attributes (Jaccard of the item's "
          + "categories or attribute tokens) (default ${DEFAULT-VALUE}).")
  String similarity;

  @Option(names = "--dpp-scores", defaultValue = "minmax",
      description = "DPP relevance r in q = exp(alpha r), alpha = theta / (2 (1 - theta)): "
          + "minmax (the scores scaled to [0, 1] per list, as MMR) or raw (the source's own "
          + "units) (default ${DEFAULT-VALUE}).")
  String dppScores;

  @Option(names = "--new-items", paramLabel = "FILE",
      description = "Item ids to treat as new, one per line ('#' starts a comment) (default: "
          + "the run's RUN/quantizer/cold-items.txt, if any).")
  Path newItemsFile;

  @Option(names = "--cold-share", defaultValue = "10",
      description = "Cold-start stage: one slot in every P for new items, 0 = none (default "
          + "${DEFAULT-VALUE}).")
  int coldShare;

  @Option(names = "--cold-boost", defaultValue = "0",
      description = "Cold-start stage: added to a new item's score, in the source's units "
          + "(default ${DEFAULT-VALUE}).")
  double coldBoost;

  @Option(names = "--cold-cap", defaultValue = "1000",
      description = "Cold-start stage: showings after which a new item is no longer boosted "
          + "(default ${DEFAULT-VALUE}).")
  int coldCap;

  @Option(names = "--users", paramLabel = "N",
      description = "Measure a random sample of N users of the split (default: all).")
  Integer users;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the --users sample (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", description = "Threads (default: all processors).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Folder for the CSV and PNG (default: RUN/cascade).")
  Path out;

  @Override
  public Integer call() {
    int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    require(th >= 1, "--threads=" + th + " must be >= 1");
    require(split.equals("validation") || split.equals("test"),
        "--split=" + split + " must be validation or test");
    String src = source.strip().toLowerCase(Locale.ROOT);
    require(SOURCES.contains(src),
        "--source=" + source + " must be one of " + String.join(", ", SOURCES));
    String sim = similarity.strip().toLowerCase(Locale.ROOT);
    require(SIMILARITIES.contains(sim),
        "--similarity=" + similarity + " must be one of " + String.join(", ", SIMILARITIES));
    RerankSweep.DppScores dpp = switch (dppScores.strip().toLowerCase(Locale.ROOT)) {
      case "minmax" -> RerankSweep.DppScores.MIN_MAX;
      case "raw" -> RerankSweep.DppScores.RAW;
      default -> throw new IllegalArgumentException("--dpp-scores=" + dppScores
          + " must be minmax or raw");
    };
    require(n >= 1, "--n=" + n + " must be >= 1");
    require(k >= 1 && k <= n, "--k=" + k + " must be in [1, --n=" + n + "]");
    require(beam == null || beam >= 1, "--beam=" + beam + " must be >= 1");
    require(users == null || users >= 1, "--users=" + users + " must be >= 1");
    require(coldShare >= 0, "--cold-share=" + coldShare + " must be >= 0 (0: no guaranteed "
        + "share)");
    require(coldBoost >= 0 && Double.isFinite(coldBoost),
        "--cold-boost=" + coldBoost + " must be a finite number >= 0");
    require(coldCap >= 1, "--cold-cap=" + coldCap + " must be >= 1");
    List<RerankSweep.Method> ms;
    try {
      ms = RerankSweep.Method.allOf(methods);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--methods: " + e.getMessage());
    }
    List<RerankSweep.Setting> settings;
    try {
      settings = RerankSweep.grid(ms, thetas, windows);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--thetas / --windows / --methods: " + e.getMessage());
    }

    Dataset d = data.load();
    Catalog catalog = d.catalog();
    Path runDir = run.dir(d);
    LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    boolean[] newItems = newItemsFile != null
        ? RerankEvaluation.readNewItems(newItemsFile, catalog)
        : cold != null ? cold.cold() : null;
    // interaction channels learn from what the generator learnt from: without held-out items
    LeaveOneOutSplit fitSplit = ColdStart.trainingSplit(loo, cold, false, "rerank-eval");
    List<LeaveOneOutSplit.EvalCase> cases =
        Sampling.sample(split.equals("test") ? loo.test() : loo.validation(), users, seed);
    List<String> notes = new ArrayList<>();
    GeneratorModel model = null;
    BeamSearch search = null;
    try {
      CandidateChannel channel;
      switch (src) {
        case GeneratorChannel.NAME -> {
          Path modelFile = runDir.resolve(ModelFiles.GENERATOR_DIR)
              .resolve(genrec.generator.train.GeneratorTrainer.MODEL_FILE);
          if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException("no trained generator at " + modelFile + ": run "
                + "'genrec train' first, or take candidates from a recall channel (--source "
                + "itemknn, content or popularity)");
          }
          int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
          model = ModelFiles.loadGenerator(runDir, codes);
          boolean refit = TrainedOn.of(model, loo, codes).refit();
          if (refit && split.equals("validation")) {
            throw new IllegalArgumentException("the generator was trained with --refit and has "
                + "seen the validation targets: use --split test");
          }
          if (refit) {
            notes.add("note: the generator was trained with --refit (training + validation "
                + "interactions)");
          }
          search = model.beamSearch(PrefixTrie.of(codes, model.config().codebookSize()))
              .optBeamWidth(beam != null ? beam : n).optExcludeHistory(true).build();
          channel = new GeneratorChannel(search);
        }
        case ItemKnnChannel.NAME -> channel = new ItemKnnChannel(ItemKnn.fit(fitSplit.train(),
            loo.numItems(), data.preset().baseline().itemKnn(th)));
        case PopularityChannel.NAME ->
            channel = new PopularityChannel(MostPop.fit(fitSplit.train(), loo.numItems(), true));
        case ContentChannel.NAME -> channel = new ContentChannel(ContentKnn.of(
            RunEmbeddings.load(catalog, runDir, embedCommand(d, runDir)),
            ContentKnn.Options.defaults()));
        default -> throw new IllegalStateException("unhandled source " + src);
      }
      // similarities: the re-ranking one, and text cosine for ILD where the run has embeddings
      EmbeddingMatrix vectors = null;
      String noVectors = null;
      try {
        vectors = RunEmbeddings.load(catalog, runDir, embedCommand(d, runDir));
      } catch (IllegalArgumentException e) {
        noVectors = e.getMessage();
      }
      Path sidTable = runDir.resolve(ModelFiles.QUANTIZER_DIR).resolve(SidArtifacts.TABLE_FILE);
      int[][] codes = Files.isRegularFile(sidTable) || sim.equals("sid")
          ? TrainCommand.itemCodes(d, runDir, data.data) : null;
      RerankEvaluation evaluation = RerankEvaluation.builder().setCatalog(catalog)
          .setChannel(channel).setCases(cases).setSettings(settings)
          .setSimilarity(RerankEvaluation.SimilarityKind.valueOf(sim.toUpperCase(Locale.ROOT)))
          .optItemVectors(vectors, noVectors).optItemCodes(codes).optNewItems(newItems)
          .optColdStart(coldShare, coldBoost, coldCap).optDppScores(dpp).optN(n).optK(k)
          .optThreads(th).build();
      notes.addAll(evaluation.notes());

      System.out.printf(Locale.ROOT, "%s: %,d users, %,d items; %s split, %,d users measured%s; "
          + "candidates: top %d of %s%s; re-ranked to %d by %s similarity (%d settings)%n",
          d.name(), d.users().size(), catalog.size(), split, cases.size(),
          users == null ? "" : " (sample, seed " + seed + ")", n, src,
          src.equals(GeneratorChannel.NAME) ? " (beam " + (beam != null ? beam : n) + ")"
              : src.equals(ContentChannel.NAME) ? "" : " (fit on training interactions)",
          k, sim, settings.size());
      notes.forEach(System.out::println);
      RerankSweep.Report report = evaluation.run(split).report();
      print(report, newItems != null, cases.size(), evaluation.textDiversity(), sim);
      Path dir = out != null ? out : runDir.resolve("cascade");
      Path csv = dir.resolve("rerank-" + src + "-" + split + ".csv");
      AtomicFiles.writeString(csv, report.csv(src, split));
      Path png = dir.resolve("rerank-" + src + "-" + split + ".png");
      RerankSweepChart.write(png, report, String.format(Locale.ROOT,
          "%s: %s top %d re-ranked to %d (%s similarity), %s split, %,d users", d.name(), src, n,
          k, sim, split, cases.size()));
      System.out.printf(Locale.ROOT, "re-ranked in %.1f s; wrote %s and %s%n", report.seconds(),
          csv, png);
      return 0;
    } finally {
      if (search != null) {
        search.close();
      }
      if (model != null) {
        model.close();
      }
    }
  }

  private void print(RerankSweep.Report report, boolean fresh, int cases, boolean textIld,
      String sim) {
    System.out.printf(Locale.ROOT, "candidates: %.1f per user on average; Recall@%d of the "
        + "candidates %.4f (the ceiling of every setting's Recall@%d)%n",
        report.meanCandidates(), n, report.candidateRecall(), k);
    if (fresh) {
      int coldUsers = report.rows().get(0).coldUsers();
      System.out.printf(Locale.ROOT, "new items: %,d (%s); %.1f%% of candidate lists hold "
          + "one; %,d users (%.2f%%) have one as target; cold start: %s%n",
          report.newItems(), newItemsFile != null ? newItemsFile.toString()
              : ModelFiles.QUANTIZER_DIR + "/" + ColdItems.FILE,
          100 * report.listsWithNew(), coldUsers,
          cases == 0 ? 0.0 : 100.0 * coldUsers / cases, report.coldStart());
      if (!report.coldRows()) {
        System.out.println("no candidate list holds a new item: the cold-start stage would "
            + "change no list (its rows are left out)");
      }
    }
    System.out.print(report.table());
    if (!textIld) {
      System.out.println("ILD by the " + sim + " similarity (no item embeddings in the run)");
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private String embedCommand(Dataset d, Path runDir) {
    return "genrec embed --data " + data.data
        + (runDir.equals(Path.of("runs", d.name())) ? "" : " --run " + runDir);
  }
}
