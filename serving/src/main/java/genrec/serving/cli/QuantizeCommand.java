package genrec.serving.cli;

import genrec.core.io.DataFormatException;
import genrec.core.io.Progress;
import genrec.core.io.ReadReport;
import genrec.generator.baseline.ItemCfMix;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.CatalogReaders;
import genrec.quantizer.embed.CatalogEmbedding;
import genrec.quantizer.embed.EmbeddingFiles;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.embed.MiniLmEncoder;
import genrec.quantizer.rqkmeans.ResidualKMeans;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.rqvae.RqVaeConfig;
import genrec.quantizer.rqvae.RqVaeTrainResult;
import genrec.quantizer.rqvae.RqVaeTrainer;
import genrec.quantizer.sid.PrefixAgreement;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.QuantizerReport;
import genrec.quantizer.sid.SemanticIdTable;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.config.Preset;
import genrec.serving.http.CatalogSnapshot;
import java.nio.file.Path;
import genrec.cascade.pipeline.RunFolder;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec quantize}: item embeddings → semantic IDs (RQ-VAE or residual k-means). */
@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Train a quantizer on the item embeddings (computed with 'embed', cached) and "
        + "write RUN/quantizer/: model/, sid.tsv (item -> c1 c2 c3 dedup), report.json and "
        + "code-usage.png.",
    subcommands = {QuantizeCommand.Assign.class})
final class QuantizeCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--method", description = "rqvae or rqkmeans (default: the preset's).")
  String method;

  @Option(names = "--seed", description = "Training seed (default: the preset's).")
  Long seed;

  @Option(names = "--epochs", description = "RQ-VAE epochs (default: the preset's).")
  Integer epochs;

  @Option(names = "--balanced", description = "RQ-KMeans: balanced assignment (near-equal cluster sizes).")
  Boolean balanced;

  @Option(names = "--ema", description = "RQ-VAE: EMA codebook updates instead of gradient updates.")
  boolean ema;

  @Option(names = "--embeddings", paramLabel = "FILE",
      description = "Use your own item embeddings (.npy with FILE.ids.txt beside it, or .csv "
          + "id,v1..vd) instead of MiniLM; every catalogue item needs a row.")
  Path embeddings;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: RUN/quantizer).")
  Path out;

  @Option(names = "--cf-weight", paramLabel = "W",
      description = "Mix item-CF into the embeddings before quantizing: each item becomes "
          + "(1-W)*text + W*(similarity-weighted mean of its ItemKNN neighbours' text), fitted on "
          + "the training split only (leave-one-out, no validation or test items); in [0, 1), "
          + "0 = text only (default: the preset's quantizer.cfWeight: 0.9 for beauty, 0 for tiny and "
          + "demo). New items "
          + "('quantize assign') use their text.")
  Double cfWeight;

  @Option(names = "--cf-neighbours", paramLabel = "K",
      description = "For the item-CF mix: the K most similar neighbours per item (default: the preset's, 20).")
  Integer cfNeighbours;

  @Option(names = "--cold-items", paramLabel = "FRACTION",
      description = "Cold-start protocol: hold out a seeded random FRACTION of the items as new "
          + "(written to QUANTIZER/" + ColdItems.FILE + "): their interactions leave the item-CF "
          + "mix (and, reading that file, 'train' and 'eval'), the quantizer is fitted on the "
          + "other items, and they get semantic IDs from their text alone, as 'quantize assign' "
          + "gives a live addition. 'genrec eval --cold-items FRACTION' then measures them.")
  Double coldItems;

  @Option(names = "--cold-seed", defaultValue = "42",
      description = "Seed of the --cold-items draw (default ${DEFAULT-VALUE}).")
  long coldSeed;

  @Override
  public Integer call() {
    if (coldItems != null && !(coldItems > 0 && coldItems < 1)) {
      throw new IllegalArgumentException("--cold-items=" + coldItems + " must be in (0, 1)");
    }
    if (cfWeight != null && !(cfWeight >= 0 && cfWeight < 1)) {
      throw new IllegalArgumentException("--cf-weight=" + cfWeight + " must be in [0, 1)");
    }
    if (cfNeighbours != null && cfNeighbours < 1) {
      throw new IllegalArgumentException("--cf-neighbours=" + cfNeighbours + " must be >= 1");
    }
    Dataset d = data.load();
    Preset preset = data.preset();
    Preset.Quantizer q = preset.quantizer();
    double cfW = cfWeight != null ? cfWeight : q.cfWeight();
    int cfK = cfNeighbours != null ? cfNeighbours : q.cfNeighbours();
    String m = method != null ? method : q.method();
    long s = seed != null ? seed : q.seed();
    Path outDir = out != null ? out : run.folder(d).quantizerDir();
    EmbeddingMatrix emb = embeddings != null
        ? CatalogEmbedding.inCatalogOrder(EmbeddingFiles.read(embeddings), d.catalog(), embeddings)
        : CatalogEmbedding.of(d.catalog(), run.dir(d).resolve("embeddings"),
            MiniLmEncoder.DEFAULT_BATCH_SIZE, null).matrix();
    ColdItems cold = coldItems == null ? null
        : ColdItems.draw(d.catalog().size(), coldItems, coldSeed);
    EmbeddingMatrix text = emb;
    if (cold != null) {
      System.out.printf(Locale.ROOT, "cold-start protocol: %,d of %,d items held out as new "
          + "(fraction %s, seed %d): no interaction of theirs is trained on; IDs from their text"
          + "%n", cold.count(), d.catalog().size(), coldItems, coldSeed);
    }
    if (cfW != 0) {
      emb = mixItemCf(d, emb, cfW, cfK, cold);
    } else if (cfNeighbours != null) {
      System.err.println("warning: --cf-neighbours=" + cfNeighbours + " has no effect with a "
          + "cf-weight of 0 (text only)");
    }
    EmbeddingMatrix all = emb;
    if (cold != null) { // the quantizer never sees the new items; they are assigned below
      int[] warm = java.util.stream.IntStream.range(0, emb.rows())
          .filter(i -> !cold.isCold(i)).toArray();
      emb = emb.select(warm);
      text = text.select(warm);
    }
    long t0 = System.nanoTime();
    Quantizer model;
    int[][] codes;
    String trainInfo;
    switch (m) {
      case "rqvae" -> {
        RqVaeConfig.Builder cb = preset.rqvae().toBuilder().setInputDim(emb.dim())
            .optEpochs(epochs != null ? epochs : q.epochs());
        if (ema) {
          cb.optEma(true);
        }
        RqVaeTrainResult r = RqVaeTrainer.builder().setConfig(cb.build()).setSeed(s)
            .optProgress(true).build().train(emb);
        model = r.model();
        codes = r.codes();
        trainInfo = String.format(Locale.ROOT, "%d epochs, %d dead-code resets",
            r.history().size(), r.deadCodeResets());
      }
      case "rqkmeans" -> {
        ResidualKMeansConfig kc = preset.rqkmeans().toBuilder()
            .optBalanced(balanced != null ? balanced : q.balanced()).build();
        ResidualKMeans.Result r = ResidualKMeans.builder().setConfig(kc).setSeed(s)
            .optProgress(true).build().fit(emb);
        model = r.model();
        codes = r.codes();
        trainInfo = kc.iterations() + " iterations" + (kc.balanced() ? ", balanced" : "");
      }
      default -> throw new IllegalArgumentException("--method=" + m + " must be rqvae or rqkmeans");
    }
    double trainSecs = (System.nanoTime() - t0) / 1e9;
    try (Quantizer qm = model) {
      SemanticIdTable table = SemanticIdTable.build(emb.ids(), codes, qm.codebookSize());
      EmbeddingMatrix inTable = emb;
      if (cold != null) {
        // text only: a held-out item has no interactions, so the item-CF mix left it as it was
        EmbeddingMatrix fresh = all.select(cold.items());
        table = table.assign(fresh, qm);
        inTable = emb.concat(fresh);
      }
      QuantizerReport report = SidArtifacts.write(outDir, qm, inTable, table, d.catalog(), s,
          cfW == 0 ? QuantizerReport.ItemCf.NONE : new QuantizerReport.ItemCf(cfW, cfK));
      System.out.printf(Locale.ROOT, "trained %s in %.1f s (%s, seed %d)%n", m, trainSecs, trainInfo, s);
      System.out.print(report.summary());
      if (cfW != 0) {
        printColdStartAgreement(PrefixAgreement.shares(qm.encode(text), codes));
      }
      if (cold != null) {
        cold.write(outDir.resolve(ColdItems.FILE), d.catalog());
      }
      System.out.println("wrote " + outDir + " (model/, sid.tsv, report.json, code-usage.png"
          + (cold != null ? ", " + ColdItems.FILE : "") + ")");
    }
    if (out == null) { // the run folder's layout: the catalogue 'genrec serve' reads without --data
      CatalogSnapshot.of(d).write(run.dir(d));
      System.out.println("wrote " + CatalogSnapshot.file(run.dir(d)));
    }
    return 0;
  }

  /** {@link ItemCfMix} fitted on the training split (without held-out items), with its line. */
  private static EmbeddingMatrix mixItemCf(Dataset d, EmbeddingMatrix text, double cfWeight,
      int cfNeighbours, ColdItems cold) {
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    if (cold != null) {
      split = cold.apply(split);
    }
    ItemCfMix.Result r = ItemCfMix.mix(split, text, cfWeight, cfNeighbours,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT,
        "item-CF mix: weight %.2f, up to %d ItemKNN neighbours (training split), %,d of %,d items have neighbours (%.1f s)%n",
        cfWeight, cfNeighbours, r.itemsWithNeighbours(), split.numItems(), r.seconds());
    return r.embeddings();
  }

  /**
   * What the item-CF mix costs a new item: 'quantize assign' codes its text vector alone, while
   * the table holds the codes of the mixed vectors.
   */
  private static void printColdStartAgreement(double[] shares) {
    StringBuilder sb = new StringBuilder("  cold start: an item's text vector alone (as 'quantize "
        + "assign' codes a new item) gets the table's");
    for (int l = 0; l < shares.length; l++) {
      sb.append(l == 0 ? " " : ", ").append(l == 0 ? "c1" : "c1.." + "c" + (l + 1))
          .append(String.format(Locale.ROOT, " for %.1f%%", 100 * shares[l]));
    }
    System.out.println(sb.append(" of items"));
  }

  /** {@code genrec quantize assign}: semantic IDs for new items, no retraining. */
  @Command(name = "assign", mixinStandardHelpOptions = true,
      description = "Give new items semantic IDs with the trained quantizer (no retraining). The "
          + "table is append-only: existing items keep their IDs, and a new item's dedup code never "
          + "clashes with an existing ID. The new items are appended to QUANTIZER/added-items.jsonl.")
  static final class Assign implements Callable<Integer> {
    @Option(names = "--quantizer", required = true, paramLabel = "DIR",
        description = "Output folder of 'genrec quantize' (e.g. runs/amazon-beauty/quantizer).")
    Path dir;

    @Option(names = "--items", required = true, paramLabel = "FILE",
        description = "New items, JSONL: {\"id\": ..., \"title\": ..., \"text\": ..., \"categories\": [...]}.")
    Path items;

    @Option(names = "--lenient", description = "Skip and count bad lines instead of failing.")
    boolean lenient;

    @Override
    public Integer call() {
      ReadReport report = ReadReport.of(lenient);
      Catalog added = CatalogReaders.jsonl(items, report);
      SemanticIdTable table = SidArtifacts.loadTable(dir);
      for (var it : added.items()) {
        if (table.contains(it.id())) {
          throw new DataFormatException(items, 0, "id",
              "item '" + it.id() + "' already has a semantic ID; the table is append-only");
        }
      }
      EmbeddingMatrix emb;
      try (MiniLmEncoder enc = MiniLmEncoder.create();
          Progress p = Progress.start("embed", added.size(), "items")) {
        emb = enc.embed(added, MiniLmEncoder.DEFAULT_BATCH_SIZE, p);
      }
      SemanticIdTable grown;
      try (Quantizer q = RunFolder.loadQuantizer(SidArtifacts.modelDir(dir))) {
        grown = table.assign(emb, q);
      }
      RunFolder.persistAdded(dir, grown, added.items());
      for (var it : added.items()) {
        int[] c = grown.codes(it.id());
        System.out.printf(Locale.ROOT, "%s\t(%d, %d, %d, %d)\t%s%n", it.id(), c[0], c[1], c[2], c[3], it.title());
      }
      System.out.printf(Locale.ROOT, "assigned %d new items; table now %,d items%s%n", added.size(),
          grown.size(), report.skipped() > 0 ? " (" + report.summary() + ")" : "");
      return 0;
    }
  }
}
