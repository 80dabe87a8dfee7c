package genrec.serving.cli;

import genrec.cascade.eval.RerankSweep;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.cascade.recall.RunEmbeddings;
import genrec.cascade.rerank.CategorySimilarity;
import genrec.cascade.rerank.SemanticIdSimilarity;
import genrec.cascade.rerank.SimilaritySource;
import genrec.cascade.rerank.TextVectorSimilarity;
import genrec.cascade.rerank.bench.RerankSweepChart;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.generator.eval.TrainedOn;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.io.AtomicFiles;
import genrec.quantizer.io.DataFormatException;
import genrec.quantizer.io.Progress;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.http.ModelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    if (th < 1) {
      throw new IllegalArgumentException("--threads=" + th + " must be >= 1");
    }
    if (!split.equals("validation") && !split.equals("test")) {
      throw new IllegalArgumentException("--split=" + split + " must be validation or test");
    }
    String src = source.strip().toLowerCase(Locale.ROOT);
    if (!SOURCES.contains(src)) {
      throw new IllegalArgumentException("--source=" + source + " must be one of "
          + String.join(", ", SOURCES));
    }
    String sim = similarity.strip().toLowerCase(Locale.ROOT);
    if (!SIMILARITIES.contains(sim)) {
      throw new IllegalArgumentException("--similarity=" + similarity + " must be one of "
          + String.join(", ", SIMILARITIES));
    }
    RerankSweep.DppScores dpp = switch (dppScores.strip().toLowerCase(Locale.ROOT)) {
      case "minmax" -> RerankSweep.DppScores.MIN_MAX;
      case "raw" -> RerankSweep.DppScores.RAW;
      default -> throw new IllegalArgumentException("--dpp-scores=" + dppScores
          + " must be minmax or raw");
    };
    if (n < 1) {
      throw new IllegalArgumentException("--n=" + n + " must be >= 1");
    }
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("--k=" + k + " must be in [1, --n=" + n + "]");
    }
    if (beam != null && beam < 1) {
      throw new IllegalArgumentException("--beam=" + beam + " must be >= 1");
    }
    if (users != null && users < 1) {
      throw new IllegalArgumentException("--users=" + users + " must be >= 1");
    }
    if (coldShare < 0) {
      throw new IllegalArgumentException("--cold-share=" + coldShare + " must be >= 0 (0: no "
          + "guaranteed share)");
    }
    if (!(coldBoost >= 0) || !Double.isFinite(coldBoost)) {
      throw new IllegalArgumentException("--cold-boost=" + coldBoost + " must be a finite "
          + "number >= 0");
    }
    if (coldCap < 1) {
      throw new IllegalArgumentException("--cold-cap=" + coldCap + " must be >= 1");
    }
    List<RerankSweep.Method> ms = new ArrayList<>();
    for (String m : methods) {
      RerankSweep.Method method;
      try {
        method = RerankSweep.Method.of(m);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--methods: " + e.getMessage());
      }
      if (method == RerankSweep.Method.SCORE) {
        continue; // relevance order is always measured
      }
      ms.add(method);
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
    boolean[] newItems = newItemsFile != null ? readNewItems(newItemsFile, catalog)
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
      float[][] vectors = null;
      try {
        vectors = unitRows(RunEmbeddings.load(catalog, runDir, embedCommand(d, runDir)));
      } catch (IllegalArgumentException e) {
        if (sim.equals("text")) {
          throw new IllegalArgumentException("--similarity text: " + e.getMessage());
        }
        notes.add("note: ILD is measured with the " + sim + " similarity (" + e.getMessage()
            + ")");
      }
      Map<String, Integer> index = new HashMap<>();
      List<String> ids = new ArrayList<>(catalog.size());
      for (int i = 0; i < catalog.size(); i++) {
        ids.add(catalog.get(i).id());
        index.put(catalog.get(i).id(), i);
      }
      Path sidTable = runDir.resolve(ModelFiles.QUANTIZER_DIR).resolve(SidArtifacts.TABLE_FILE);
      int[][] codes = Files.isRegularFile(sidTable) || sim.equals("sid")
          ? TrainCommand.itemCodes(d, runDir, data.data) : null;
      SimilaritySource text = null;
      if (vectors != null) {
        float[][] v = vectors;
        text = TextVectorSimilarity.source(id -> v[index.get(id)]);
      }
      SimilaritySource rerankSim = switch (sim) {
        case "text" -> text;
        case "sid" -> SemanticIdSimilarity.source(id -> codes[index.get(id)],
            SemanticIdSimilarity.DEFAULT_S1, SemanticIdSimilarity.DEFAULT_S2);
        case "category" -> {
          requireSome(catalog, true);
          yield CategorySimilarity.source(id -> catalog.get(index.get(id)).categories());
        }
        case "attributes" -> {
          requireSome(catalog, false);
          yield CategorySimilarity.source(id -> catalog.get(index.get(id)).attributes());
        }
        default -> throw new IllegalStateException("unhandled similarity " + sim);
      };
      RerankSweep.Builder b = RerankSweep.builder().setItemIds(ids).setSimilarity(rerankSim)
          .optDiversity(text).optDppScores(dpp).optK(k).optThreads(th);
      if (codes != null) {
        int[] c1 = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
          c1[i] = codes[i][0];
        }
        b.optGrouping("c1", c1);
      }
      int[] category = firstCategory(catalog);
      if (category != null) {
        b.optGrouping("category", category);
      }
      if (newItems != null) {
        b.optNewItems(newItems).optColdStart(coldShare, coldBoost, coldCap);
      }
      RerankSweep sweep = b.build();

      System.out.printf(Locale.ROOT, "%s: %,d users, %,d items; %s split, %,d users measured%s; "
          + "candidates: top %d of %s%s; re-ranked to %d by %s similarity (%d settings)%n",
          d.name(), d.users().size(), catalog.size(), split, cases.size(),
          users == null ? "" : " (sample, seed " + seed + ")", n, src,
          src.equals(GeneratorChannel.NAME) ? " (beam " + (beam != null ? beam : n) + ")"
              : src.equals(ContentChannel.NAME) ? "" : " (fit on training interactions)",
          k, sim, settings.size());
      notes.forEach(System.out::println);
      List<RerankSweep.Case> candidates;
      try (Progress p = Progress.start("candidates " + split, cases.size(), "users")) {
        candidates = RerankSweep.candidates(channel, cases, n, th, p);
      }
      RerankSweep.Report report;
      boolean anyNew = newItems != null && candidates.stream()
          .anyMatch(c -> java.util.Arrays.stream(c.items()).anyMatch(i -> newItems[i]));
      long tasks = (long) settings.size() * (anyNew ? 2 : 1) * candidates.size();
      try (Progress p = Progress.start("rerank " + split, tasks, "lists")) {
        report = sweep.run(candidates, settings, p);
      }
      System.out.printf(Locale.ROOT, "candidates: %.1f per user on average; Recall@%d of the "
          + "candidates %.4f (the ceiling of every setting's Recall@%d)%n",
          report.meanCandidates(), n, report.candidateRecall(), k);
      if (newItems != null) {
        int coldUsers = report.rows().get(0).coldUsers();
        System.out.printf(Locale.ROOT, "new items: %,d (%s); %.1f%% of candidate lists hold "
            + "one; %,d users (%.2f%%) have one as target; cold start: %s%n",
            report.newItems(), newItemsFile != null ? newItemsFile.toString()
                : ModelFiles.QUANTIZER_DIR + "/" + ColdItems.FILE,
            100 * report.listsWithNew(), coldUsers,
            cases.isEmpty() ? 0.0 : 100.0 * coldUsers / cases.size(), report.coldStart());
        if (!report.coldRows()) {
          System.out.println("no candidate list holds a new item: the cold-start stage would "
              + "change no list (its rows are left out)");
        }
      }
      System.out.print(report.table());
      if (text == null) {
        System.out.println("ILD by the " + sim + " similarity (no item embeddings in the run)");
      }
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

  /** The catalogue's rows of {@code m} as unit vectors (row i: item i). */
  private static float[][] unitRows(EmbeddingMatrix m) {
    float[][] v = new float[m.rows()][];
    for (int i = 0; i < v.length; i++) {
      float[] r = m.row(i);
      double s = 0;
      for (float x : r) {
        s += x * x;
      }
      if (!(s > 0)) {
        throw new IllegalArgumentException("the embedding of item '" + m.ids().get(i) + "' is "
            + "zero: run 'genrec embed' again");
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int j = 0; j < r.length; j++) {
        r[j] *= inv;
      }
      v[i] = r;
    }
    return v;
  }

  private static void requireSome(Catalog catalog, boolean categories) {
    for (int i = 0; i < catalog.size(); i++) {
      if (!(categories ? catalog.get(i).categories() : catalog.get(i).attributes()).isEmpty()) {
        return;
      }
    }
    throw new IllegalArgumentException("--similarity " + (categories ? "category" : "attributes")
        + ": no item of the catalogue has " + (categories ? "categories" : "attributes")
        + " (try text or sid)");
  }

  /** Each item's first (most general) category as a code, or null when no item has one. */
  private static int[] firstCategory(Catalog catalog) {
    Map<String, Integer> dict = new HashMap<>();
    int[] out = new int[catalog.size()];
    for (int i = 0; i < out.length; i++) {
      List<String> c = catalog.get(i).categories();
      out[i] = c.isEmpty() ? -1 : dict.computeIfAbsent(c.get(0), x -> dict.size());
    }
    return dict.isEmpty() ? null : out;
  }

  /** The items listed in {@code file} (one id per line, '#' comments) as catalogue flags. */
  static boolean[] readNewItems(Path file, Catalog catalog) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--new-items " + file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read --new-items " + file, e);
    }
    boolean[] fresh = new boolean[catalog.size()];
    int count = 0;
    for (int l = 0; l < lines.size(); l++) {
      String id = lines.get(l).strip();
      if (id.isEmpty() || id.startsWith("#")) {
        continue;
      }
      int i = catalog.indexOf(id);
      if (i < 0) {
        throw new DataFormatException(file, l + 1, "item_id", "item '" + id
            + "' is not in the catalogue");
      }
      count += fresh[i] ? 0 : 1;
      fresh[i] = true;
    }
    if (count == 0) {
      throw new DataFormatException(file, 0, "item_id", "no item ids (one per line)");
    }
    return fresh;
  }

  private String embedCommand(Dataset d, Path runDir) {
    return "genrec embed --data " + data.data
        + (runDir.equals(Path.of("runs", d.name())) ? "" : " --run " + runDir);
  }
}
