package genrec.generator.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.decode.SearchPhases;
import genrec.generator.decode.SearchPhases.Phase;
import genrec.generator.model.SidTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times beam-search calls: for every (cache on/off, beam width, batch size) it warms up, then
 * runs calls until both a minimum count and a time budget are reached, and reports latency
 * percentiles, users/s, peak RSS, and the call's analytic FLOPs as a fraction of the engine's
 * matmul peak measured in the same process, and the median time per call of each {@link Phase}.
 */
public final class BeamBenchmark {
  private final SidTransformer model;
  private final PrefixTrie trie;
  private final int[][] histories;
  private final int topK;

  /**
   * @param model the generator (weights do not change the cost of a call)
   * @param trie the catalogue's semantic IDs
   * @param histories a pool of user histories (item indices, already windowed) to draw batches from
   * @param topK results per user
   */
  public BeamBenchmark(SidTransformer model, PrefixTrie trie, int[][] histories, int topK) {
    if (histories.length == 0) {
      throw new IllegalArgumentException("no histories to benchmark with");
    }
    this.model = model;
    this.trie = trie;
    this.histories = histories;
    this.topK = topK;
  }

  /**
   * One measured configuration.
   *
   * @param cached KV cache and shared cross-attention memory on
   * @param beam beam width
   * @param batch users per call
   * @param calls measured calls
   * @param p50Ms median latency per call
   * @param p90Ms 90th percentile
   * @param p99Ms 99th percentile
   * @param usersPerSecond batch / mean latency
   * @param gflops analytic GFLOPs of one call
   * @param flopBoundMs the time those FLOPs take at the measured matmul peak
   * @param peakRssMb peak resident memory during the row (VmHWM, reset before the row on Linux)
   * @param phaseMs per {@link Phase} (in its order) the median time per call in ms
   */
  public record Row(boolean cached, int beam, int batch, int calls, double p50Ms, double p90Ms,
      double p99Ms, double usersPerSecond, double gflops, double flopBoundMs, double peakRssMb,
      double[] phaseMs) {

    /** p50 latency over the FLOP-bound time (1 = at the matmul peak). */
    public double ratioToBound() {
      return p50Ms / flopBoundMs;
    }

    /** Achieved FLOP rate at p50 as a fraction of the peak. */
    public double fractionOfPeak() {
      return flopBoundMs / p50Ms;
    }
  }

  /**
   * Measures the engine's dense matmul peak in GFLOP/s: the median of {@code reps} products of
   * two {@code n × n} float matrices, after warm-up.
   */
  public static double matmulPeakGflops(int n, int reps) {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = m.randomUniform(-1, 1, new Shape(n, n)); // (n, n)
      NDArray b = m.randomUniform(-1, 1, new Shape(n, n)); // (n, n)
      return 2.0 * n * n * n / medianSeconds(() -> a.matMul(b), 3, reps) / 1e9; // (n, n)
    }
  }

  /**
   * Measures the engine's rate in GFLOP/s for the decoder's matmul shape: {@code rows} decoding
   * rows times a {@code (out, in)} weight through {@code Linear} (the MLP input projection is
   * {@code in = dModel}, {@code out = mlpDim}); the median of {@code reps} after warm-up. At
   * batch 1 a step's matmuls have only W rows, and this rate, not the 1024³ peak, is what they can
   * reach.
   */
  public static double linearGflops(int rows, int in, int out, int reps) {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(rows, in)); // (N, in)
      NDArray w = m.randomUniform(-1, 1, new Shape(out, in)); // (out, in)
      return 2.0 * rows * in * out
          / medianSeconds(() -> Linear.linear(x, w).head(), reps, reps) / 1e9; // (N, out)
    }
  }

  /**
   * Median wall time in seconds of {@code op} over {@code reps} timed runs after {@code warmup}
   * untimed ones; each run reads one element of the result, forcing completion.
   */
  private static double medianSeconds(java.util.function.Supplier<NDArray> op, int warmup,
      int reps) {
    double[] secs = new double[reps];
    for (int i = -warmup; i < reps; i++) {
      long t0 = System.nanoTime();
      try (NDArray y = op.get(); NDArray first = y.get(0, 0)) {
        first.getFloat(); // force completion
      }
      if (i >= 0) {
        secs[i] = (System.nanoTime() - t0) / 1e9;
      }
    }
    Arrays.sort(secs);
    return secs[reps / 2];
  }

  /** Measures one configuration. */
  public Row run(boolean cached, int beam, int batch, int warmup, int minCalls, double seconds,
      double peakGflops) {
    try (BeamSearch search = BeamSearch.builder().setModel(model).setCatalogue(trie)
        .optBeamWidth(beam).optUseCache(cached).build()) {
      return run(search, cached, beam, batch, warmup, minCalls, seconds, peakGflops);
    }
  }

  private Row run(BeamSearch search, boolean cached, int beam, int batch, int warmup,
      int minCalls, double seconds, double peakGflops) {
    resetPeakRss();
    int next = 0;
    for (int i = 0; i < warmup; i++) {
      search.search(batchOf(next, batch), null, topK);
      next += batch;
    }
    List<Double> ms = new ArrayList<>();
    SearchPhases phases = new SearchPhases();
    long start = System.nanoTime();
    while (ms.size() < minCalls || (System.nanoTime() - start) / 1e9 < seconds) {
      int[][] h = batchOf(next, batch);
      next += batch;
      long t0 = System.nanoTime();
      search.search(h, null, topK, phases);
      ms.add((System.nanoTime() - t0) / 1e6);
      if (ms.size() >= 20 * minCalls) {
        break;
      }
    }
    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
    double gflops = DecodeFlops.call(model.config(), batch, beam, cached) / 1e9;
    double[] phaseMs = new double[Phase.values().length];
    for (Phase p : Phase.values()) {
      phaseMs[p.ordinal()] = phases.medianMs(p);
    }
    return new Row(cached, beam, batch, sorted.length, pct(sorted, 50), pct(sorted, 90),
        pct(sorted, 99), batch / (mean / 1e3), gflops, gflops / peakGflops * 1e3, peakRssMb(),
        phaseMs);
  }

  private int[][] batchOf(int from, int batch) {
    int[][] out = new int[batch][];
    for (int i = 0; i < batch; i++) {
      out[i] = histories[(from + i) % histories.length];
    }
    return out;
  }

  /** The phase medians of a row: {@code encode 4.10, cross-kv 0.30, ...} (ms per call). */
  public static String formatPhases(Row r) {
    StringBuilder b = new StringBuilder();
    for (Phase p : Phase.values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(String.format(Locale.ROOT, "%s %.2f", p.label(), r.phaseMs()[p.ordinal()]));
    }
    return b.toString();
  }

  static double pct(double[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  /**
   * Starts the peak-RSS measure afresh (Linux: writing 5 to {@code /proc/self/clear_refs} sets
   * VmHWM to the current RSS), so a row's peak is the most it held during that row, not the
   * largest of every row before it. Where that is unavailable the peak stays the process's.
   */
  static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: keep the process-wide peak
    }
  }

  /** Peak resident set size of this process in MB (Linux VmHWM), NaN where unavailable. */
  public static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** The table header matching {@link #format(Row)}. */
  public static String header() {
    return String.format(Locale.ROOT, "%-8s %4s %5s %6s %9s %9s %9s %9s %8s %10s %7s %7s %8s",
        "cache", "beam", "batch", "calls", "p50 ms", "p90 ms", "p99 ms", "users/s", "GFLOP",
        "bound ms", "p50/bnd", "%peak", "RSS MB");
  }

  public static String format(Row r) {
    return String.format(Locale.ROOT, "%-8s %4d %5d %6d %9.2f %9.2f %9.2f %9.1f %8.3f %10.3f %7.1f %6.1f%% %8.0f",
        r.cached() ? "kv-cache" : "no-cache", r.beam(), r.batch(), r.calls(), r.p50Ms(), r.p90Ms(),
        r.p99Ms(), r.usersPerSecond(), r.gflops(), r.flopBoundMs(), r.ratioToBound(),
        100 * r.fractionOfPeak(), r.peakRssMb());
  }
}
