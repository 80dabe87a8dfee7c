package genrec.cascade.rerank.bench;

import genrec.cascade.rerank.Candidates;
import genrec.cascade.rerank.Dpp;
import genrec.cascade.rerank.MatrixSimilarity;
import genrec.cascade.rerank.Mmr;
import genrec.cascade.rerank.Reranker;
import genrec.cascade.rerank.TextVectorSimilarity;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Latency of one re-ranking call, in the calling thread. Inputs: {@code sets} seeded candidate
 * lists of N items, each with random unit vectors of dimension D (uniform on the sphere) and
 * standard-normal scores; calls cycle through the sets. Two similarity modes:
 *
 * <ul>
 *   <li>{@code text}: {@link TextVectorSimilarity} over the vectors, so each call computes its K
 *       cosine rows from the D-dimensional vectors (what serving pays; binding the vectors to the
 *       list is measured apart as the {@code bind-text} row);
 *   <li>{@code matrix}: the N x N similarity precomputed outside the timed call, so the row is a
 *       copy and the time is the selection itself (the paper's setting: a given kernel).
 * </ul>
 *
 * Each row: warm-up calls (untimed; at most {@link #withWarmupSeconds} of CPU time), then calls timed one by one until both {@code minCalls} and
 * {@code seconds} are reached: the calling thread's CPU time ({@link
 * ThreadMXBean#getCurrentThreadCpuTime()}: the cost on one core, unaffected by other processes
 * taking the core, though not by the caches they share) and the wall time ({@link
 * System#nanoTime()}: what a caller waits, on this machine under its load), p50/p90/p99 of each in
 * microseconds. Each pair of clock reads adds well under a microsecond.
 */
public final class RerankBenchmark {
  private final int dim;
  private final int sets;
  private final long seed;
  private double warmupSeconds = 3;

  /**
   * @param dim vector dimension (384: MiniLM's)
   * @param sets candidate lists to cycle through
   * @param seed the seed of the vectors and scores
   */
  public RerankBenchmark(int dim, int sets, long seed) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim=" + dim + " must be >= 1");
    }
    if (sets < 1) {
      throw new IllegalArgumentException("sets=" + sets + " must be >= 1");
    }
    this.dim = dim;
    this.sets = sets;
    this.seed = seed;
  }

  /** Caps each row's warm-up at {@code seconds} of this thread's CPU time (at least 10 calls; default 3 s). */
  public RerankBenchmark withWarmupSeconds(double seconds) {
    if (!(seconds >= 0)) {
      throw new IllegalArgumentException("warmupSeconds=" + seconds + " must be >= 0");
    }
    this.warmupSeconds = seconds;
    return this;
  }

  /**
   * One measured configuration.
   *
   * @param method mmr, dpp or bind-text
   * @param similarity text or matrix
   */
  public record Row(String method, int n, int k, int window, String similarity, int calls,
      double cpuP50Us, double cpuP90Us, double cpuP99Us, double wallP50Us, double wallP90Us, double wallP99Us) {}

  /** Uniform random unit vectors, {@code (n, dim)}. */
  public static float[][] unitVectors(int n, int dim, Random rnd) {
    float[][] v = new float[n][dim];
    for (float[] x : v) {
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double g = rnd.nextGaussian();
        x[d] = (float) g;
        norm += g * g;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dim; d++) {
        x[d] *= inv;
      }
    }
    return v;
  }

  private static final class Inputs {
    final float[][][] vectors;
    final Candidates[] text;
    final Candidates[] matrix;

    Inputs(float[][][] vectors, Candidates[] text, Candidates[] matrix) {
      this.vectors = vectors;
      this.text = text;
      this.matrix = matrix;
    }
  }

  private Inputs inputs(int n) {
    Random rnd = new Random(seed * 1_000_003L + n);
    float[][][] vectors = new float[sets][][];
    Candidates[] text = new Candidates[sets];
    Candidates[] matrix = new Candidates[sets];
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add("item-" + i);
    }
    for (int s = 0; s < sets; s++) {
      vectors[s] = unitVectors(n, dim, rnd);
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        scores[i] = rnd.nextGaussian();
      }
      TextVectorSimilarity sim = TextVectorSimilarity.of(vectors[s]);
      text[s] = Candidates.builder().setIds(ids).setScores(scores).optSimilarity(sim).build();
      matrix[s] = text[s].toBuilder().optSimilarity(MatrixSimilarity.copyOf(sim)).build();
    }
    return new Inputs(vectors, text, matrix);
  }

  /**
   * Measures MMR and DPP (each with every window) on both similarity modes, and the text binding,
   * for every (N, K) pair; {@code onRow} sees each row as it is done.
   */
  public List<Row> run(int[] ns, int[] ks, int[] windows, double theta, int warmup, int minCalls,
      double seconds, java.util.function.Consumer<Row> onRow) {
    if (ns.length != ks.length) {
      throw new IllegalArgumentException(ns.length + " values of N for " + ks.length + " values of K");
    }
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < ns.length; c++) {
      int n = ns[c];
      int k = ks[c];
      Inputs in = inputs(n);
      Row bind = time("bind-text", n, k, 0, "text", warmup, minCalls, seconds,
          s -> TextVectorSimilarity.of(in.vectors[s]).size());
      rows.add(bind);
      onRow.accept(bind);
      for (String method : List.of("mmr", "dpp")) {
        for (int w : windows) {
          Reranker r = method.equals("mmr") ? Mmr.builder().optTheta(theta).optWindow(w).build()
              : Dpp.builder().optTheta(theta).optWindow(w).build();
          for (String mode : List.of("text", "matrix")) {
            Candidates[] cs = mode.equals("text") ? in.text : in.matrix;
            Row row = time(method, n, k, w, mode, warmup, minCalls, seconds, s -> r.rerank(cs[s], k).size());
            rows.add(row);
            onRow.accept(row);
          }
        }
      }
    }
    return rows;
  }

  private Row time(String method, int n, int k, int window, String mode, int warmup, int minCalls,
      double seconds, java.util.function.IntUnaryOperator call) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    long warmupEnd = mx.getCurrentThreadCpuTime() + (long) (warmupSeconds * 1e9);
    for (int i = 0; i < warmup && (i < 10 || mx.getCurrentThreadCpuTime() < warmupEnd); i++) {
      sink += call.applyAsInt(i % sets);
    }
    double[] cpu = new double[Math.max(minCalls, 1024)];
    double[] wall = new double[cpu.length];
    int calls = 0;
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    while (calls < minCalls || System.nanoTime() - start < budget) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      sink += call.applyAsInt(calls % sets);
      long t1 = System.nanoTime();
      long c1 = mx.getCurrentThreadCpuTime();
      if (calls == cpu.length) {
        cpu = Arrays.copyOf(cpu, cpu.length * 2);
        wall = Arrays.copyOf(wall, wall.length * 2);
      }
      cpu[calls] = (c1 - c0) / 1e3;
      wall[calls++] = (t1 - t0) / 1e3;
    }
    if (sink == 42) {
      System.out.print(""); // keeps the calls' results alive
    }
    double[] c = Arrays.copyOf(cpu, calls);
    double[] w = Arrays.copyOf(wall, calls);
    Arrays.sort(c);
    Arrays.sort(w);
    return new Row(method, n, k, window, mode, calls, pct(c, 50), pct(c, 90), pct(c, 99), pct(w, 50), pct(w, 90), pct(w, 99));
  }

  /** Nearest-rank percentile of a sorted array. */
  static double pct(double[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  public static String header() {
    return String.format(Locale.ROOT, "%-9s %5s %4s %6s %-6s %7s %9s %9s %9s %10s %10s %10s",
        "method", "N", "K", "window", "sim", "calls", "cpu p50", "cpu p90", "cpu p99", "wall p50", "wall p90", "wall p99");
  }

  public static String format(Row r) {
    return String.format(Locale.ROOT, "%-9s %5d %4d %6d %-6s %7d %9.1f %9.1f %9.1f %10.1f %10.1f %10.1f",
        r.method(), r.n(), r.k(), r.window(), r.similarity(), r.calls(), r.cpuP50Us(), r.cpuP90Us(), r.cpuP99Us(),
        r.wallP50Us(), r.wallP90Us(), r.wallP99Us());
  }

  public static String csvHeader() {
    return "method,n,k,window,similarity,dim,calls,cpu_p50_us,cpu_p90_us,cpu_p99_us,wall_p50_us,wall_p90_us,wall_p99_us";
  }

  public String csv(Row r) {
    return String.format(Locale.ROOT, "%s,%d,%d,%d,%s,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f", r.method(), r.n(), r.k(),
        r.window(), r.similarity(), dim, r.calls(), r.cpuP50Us(), r.cpuP90Us(), r.cpuP99Us(), r.wallP50Us(),
        r.wallP90Us(), r.wallP99Us());
  }
}
