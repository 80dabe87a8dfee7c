package genrec.serving.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.generator.bench.BeamBenchmark;
import genrec.generator.bench.BeamLatencyChart;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.decode.SearchPhases;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.quantizer.sid.SemanticIdTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec bench ...}: benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
    subcommands = {BenchCommand.Beam.class, HttpBenchCommand.class, RerankCommand.class,
        RankBenchCommand.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code genrec bench beam}: beam-search latency against the FLOP bound. */
  @Command(name = "beam", mixinStandardHelpOptions = true,
      description = "Latency of trie-constrained beam search (tiger preset by default) on the "
          + "catalogue's semantic IDs: p50/p90/p99 per call, users/s, peak RSS, with and without "
          + "the KV cache, beside each call's analytic FLOPs and the time they take at the matmul "
          + "peak measured in the same run, and the median time of each phase of a call (encode, "
          + "cross-kv, decode, select, reorder). Weights are random (seeded): the cost of a call does "
          + "not depend on their values. Writes RUN/bench/beam.csv (beam-LAYOUT.csv with --layout "
          + "sequence or compact).")
  static final class Beam implements Callable<Integer> {
    @Mixin DataCommand.DataOptions data;

    @Mixin RunDir run;

    @Option(names = "--quantizer", paramLabel = "DIR",
        description = "Folder with sid.tsv (default: RUN/quantizer).")
    Path quantizer;

    @Option(names = "--model", defaultValue = "tiger",
        description = "Generator preset: tiny or tiger (default ${DEFAULT-VALUE}).")
    String modelPreset;

    @Option(names = "--layout", defaultValue = "tiger",
        description = "Encoder layout: tiger (one position per code plus a user token, as the "
            + "TIGER paper lays it out), sequence (one position per item, causal: what 'genrec "
            + "train' builds by default and 'genrec serve' runs) or compact (one position per "
            + "item) (default ${DEFAULT-VALUE}).")
    TrainCommand.Layout layout;

    @Option(names = "--beams", split = ",", defaultValue = "10,20,50", description = "Beam widths.")
    int[] beams;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "Users per call.")
    int[] batches;

    @Option(names = "--top-k", defaultValue = "10", description = "Items per user (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--cache-only", description = "Skip the no-cache rows.")
    boolean cacheOnly;

    @Option(names = "--seconds", defaultValue = "5", description = "Time budget per row (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--min-calls", defaultValue = "20", description = "Measured calls per row at least (default ${DEFAULT-VALUE}).")
    int minCalls;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up calls per row (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "42", description = "Weight seed (default ${DEFAULT-VALUE}).")
    long seed;

    private static void requirePositive(String option, int[] values) {
      for (int v : values) {
        if (v < 1) {
          throw new IllegalArgumentException(option + "=" + v + " must be >= 1");
        }
      }
    }

    @Override
    public Integer call() {
      requirePositive("--beams", beams);
      requirePositive("--batches", batches);
      Dataset d = data.load();
      Path qdir = quantizer != null ? quantizer : run.folder(d).quantizerDir();
      Path tsv = qdir.resolve("sid.tsv");
      if (!Files.exists(tsv)) {
        throw new DataFormatException(tsv, 0, null,
            "no semantic-ID table: run 'genrec quantize --data " + data.data + "' first");
      }
      SemanticIdTable table = SemanticIdTable.load(tsv);
      int[][] codes = new int[d.catalog().size()][];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = table.codes(d.catalog().get(i).id());
        if (codes[i] == null) {
          throw new DataFormatException(tsv, 0, "item_id",
              "catalogue item '" + d.catalog().get(i).id() + "' has no semantic ID");
        }
      }
      GeneratorConfig preset = switch (modelPreset) {
        case "tiger" -> GeneratorConfig.tiger();
        case "tiny" -> GeneratorConfig.tiny();
        default -> throw new IllegalArgumentException("--model=" + modelPreset + " must be tiny or tiger");
      };
      // the table's codebook, or more if a dedup code goes beyond it (as 'genrec train' sizes it)
      int k = Math.max(TrainCommand.codeRange(codes), table.codebookSize());
      // the one-position layouts exactly as 'genrec train' builds them (no user token)
      GeneratorConfig config = layout == TrainCommand.Layout.tiger
          ? preset.toBuilder().optCodebookSize(k).build()
          : TrainCommand.modelConfig(modelPreset.equals("tiny") ? "tiny" : "beauty", layout,
              preset.historyWindow(), k);
      LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
      int[][] histories = split.test().stream()
          .map(c -> LeaveOneOutSplit.window(c.history(), config.historyWindow()))
          .toArray(int[][]::new);
      Engine engine = Engine.getEngine("PyTorch");
      engine.setRandomSeed((int) seed);
      try (NDManager weights = engine.newBaseManager()) {
        SidTransformer model = new SidTransformer(config);
        model.initialize(weights);
        PrefixTrie trie = PrefixTrie.of(codes, k);
        double peak = BeamBenchmark.matmulPeakGflops(1024, 15);
        System.out.printf(Locale.ROOT,
            "%s preset, %s layout (%d encoder positions), %,d items, history %d, top-%d; PyTorch %s, %d threads; matmul peak %.1f GFLOP/s (1024^3, median of 15)%n",
            modelPreset, layout, config.encoderLength(), codes.length, config.historyWindow(), topK, engine.getVersion(),
            ai.djl.pytorch.jni.JniUtils.getNumThreads(), peak);
        StringBuilder rates = new StringBuilder();
        for (int beam : java.util.stream.IntStream.of(beams).distinct().toArray()) {
          rates.append(String.format(Locale.ROOT, "%s %d rows: %.1f", rates.length() == 0 ? "" : ";",
              beam, BeamBenchmark.linearGflops(beam, config.dModel(), config.mlpDim(), 201)));
        }
        System.out.printf(Locale.ROOT,
            "decoder-shaped matmul (rows x %d -> %d, a batch-1 step's MLP input), GFLOP/s for%s%n",
            config.dModel(), config.mlpDim(), rates);
        System.out.println(BeamBenchmark.header());
        BeamBenchmark bench = new BeamBenchmark(model, trie, histories, topK);
        int rowsTotal = beams.length * batches.length * (cacheOnly ? 1 : 2);
        StringBuilder csv = new StringBuilder(
            "cache,beam,batch,calls,p50_ms,p90_ms,p99_ms,users_per_s,gflop,bound_ms,p50_over_bound,fraction_of_peak,peak_rss_mb");
        for (SearchPhases.Phase p : SearchPhases.Phase.values()) {
          csv.append(',').append(p.label().replace('-', '_')).append("_ms");
        }
        csv.append('\n');
        List<BeamBenchmark.Row> rows = new java.util.ArrayList<>();
        for (boolean cached : cacheOnly ? new boolean[] {true} : new boolean[] {true, false}) {
          for (int beam : beams) {
            for (int batch : batches) {
              BeamBenchmark.Row r = bench.run(cached, beam, batch, warmup, minCalls, seconds, peak);
              rows.add(r);
              System.out.println(BeamBenchmark.format(r));
              csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.2f,%.4f,%.4f,%.3f,%.4f,%.0f",
                  cached, beam, batch, r.calls(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.usersPerSecond(),
                  r.gflops(), r.flopBoundMs(), r.ratioToBound(), r.fractionOfPeak(), r.peakRssMb()));
              for (double ms : r.phaseMs()) {
                csv.append(String.format(Locale.ROOT, ",%.3f", ms));
              }
              csv.append('\n');
            }
          }
        }
        System.out.println("median time per call of each phase, ms:");
        for (BeamBenchmark.Row r : rows) {
          System.out.printf(Locale.ROOT, "  %s beam %d batch %d: %s%n",
              r.cached() ? "kv-cache" : "no-cache", r.beam(), r.batch(), BeamBenchmark.formatPhases(r));
        }
        summarize(rows);
        Path out = run.dir(d).resolve("bench").resolve(
            layout == TrainCommand.Layout.tiger ? "beam.csv" : "beam-" + layout + ".csv");
        AtomicFiles.writeString(out, csv.toString());
        Path png = out.resolveSibling(out.getFileName().toString().replace(".csv", ".png"));
        BeamLatencyChart.write(png, rows, "Beam-search latency, " + layout + " layout");
        System.out.println("wrote " + out + " (" + rowsTotal + " rows) and " + png);
      }
      return 0;
    }

    /** The three targets, where the grid has the rows for them. */
    private static void summarize(List<BeamBenchmark.Row> rows) {
      for (BeamBenchmark.Row r : rows) {
        if (r.cached() && r.beam() == 20 && r.batch() == 1) {
          System.out.printf(Locale.ROOT, "target beam 20, batch 1: p50 within 2.5x of the FLOP bound -> %.1fx (%s)%n",
              r.ratioToBound(), r.ratioToBound() <= 2.5 ? "met" : "missed");
        }
        if (r.cached() && r.beam() == 20 && r.batch() == 32) {
          System.out.printf(Locale.ROOT, "target beam 20, batch 32: at least 40%% of peak -> %.1f%% (%s)%n",
              100 * r.fractionOfPeak(), r.fractionOfPeak() >= 0.4 ? "met" : "missed");
        }
      }
      for (BeamBenchmark.Row c : rows) {
        for (BeamBenchmark.Row n : rows) {
          if (c.cached() && !n.cached() && c.beam() == 20 && n.beam() == 20 && c.batch() == n.batch()) {
            System.out.printf(Locale.ROOT, "target KV cache >= 2x faster at beam 20, batch %d -> %.1fx (%s)%n",
                c.batch(), n.p50Ms() / c.p50Ms(), n.p50Ms() / c.p50Ms() >= 2 ? "met" : "missed");
          }
        }
      }
    }
  }
}
