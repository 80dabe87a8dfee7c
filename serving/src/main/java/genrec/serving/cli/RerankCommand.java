package genrec.serving.cli;

import genrec.cascade.rerank.bench.ExposureBenchmark;
import genrec.cascade.rerank.bench.RerankBenchmark;
import genrec.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genrec bench rerank}: re-ranking latency and the exposure filters' false-positive rate. */
@Command(name = "rerank", mixinStandardHelpOptions = true,
    description = "Latency of MMR and fast greedy DPP per call, in this thread (run it under "
        + "'taskset -c 0' for one core), on seeded random candidates: N items with random unit "
        + "vectors of dimension --dim and standard-normal scores, K slots, with and without the "
        + "sliding window. Similarity 'text': the K cosine rows are computed from the vectors in "
        + "the call (bind-text rows: binding the vectors to the list, apart); 'matrix': the N x N "
        + "similarity is precomputed, so the time is the selection alone. p50/p90/p99 after "
        + "warm-up. Then the Bloom filters: measured false-positive rate vs configured, bytes per "
        + "user. Writes OUT/rerank.csv and OUT/bloom.csv.")
final class RerankCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the CSV files.")
  Path out;

  @Option(names = "--sizes", split = ",", defaultValue = "200x10,1000x50",
      description = "Candidates x slots pairs (default ${DEFAULT-VALUE}).")
  String[] sizes;

  @Option(names = "--windows", split = ",", defaultValue = "0,5",
      description = "Sliding windows (0: the whole slate) (default ${DEFAULT-VALUE}).")
  int[] windows;

  @Option(names = "--theta", defaultValue = "0.5", description = "Relevance weight of MMR and DPP (default ${DEFAULT-VALUE}).")
  double theta;

  @Option(names = "--dim", defaultValue = "384", description = "Vector dimension (default ${DEFAULT-VALUE}, MiniLM's).")
  int dim;

  @Option(names = "--sets", defaultValue = "8", description = "Seeded candidate lists cycled through (default ${DEFAULT-VALUE}).")
  int sets;

  @Option(names = "--seconds", defaultValue = "2", description = "Wall-time budget in seconds of each row's timed calls (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--min-calls", defaultValue = "200", description = "Timed calls per row at least (default ${DEFAULT-VALUE}).")
  int minCalls;

  @Option(names = "--warmup", defaultValue = "2000", description = "Untimed calls per row first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "3",
      description = "CPU-time cap in seconds of each row's warm-up (default ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of vectors, scores and ids (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bloom-capacity", defaultValue = "1000",
      description = "Items per user per generation (default ${DEFAULT-VALUE}).")
  int bloomCapacity;

  @Option(names = "--bloom-fpp", split = ",", defaultValue = "0.01,0.001,0.05",
      description = "Configured false-positive rates (default ${DEFAULT-VALUE}).")
  double[] bloomFpp;

  @Option(names = "--bloom-probes", defaultValue = "1000000",
      description = "Ids never inserted looked up per rate (default ${DEFAULT-VALUE}).")
  int bloomProbes;

  @Option(names = "--bloom-users", defaultValue = "2000",
      description = "Users in the store whose heap per user is measured (default ${DEFAULT-VALUE}).")
  int bloomUsers;

  @Override
  public Integer call() {
    int[] ns = new int[sizes.length];
    int[] ks = new int[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      String[] p = sizes[i].split("x");
      try {
        ns[i] = Integer.parseInt(p[0].strip());
        ks[i] = Integer.parseInt(p[1].strip());
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        p = null;
      }
      if (p == null || p.length != 2 || ns[i] < 1 || ks[i] < 1) {
        throw new IllegalArgumentException("--sizes=" + sizes[i] + " must be NxK with N, K >= 1, e.g. 1000x50");
      }
    }
    for (int w : windows) {
      if (w < 0) {
        throw new IllegalArgumentException("--windows=" + w + " must be >= 0");
      }
    }
    if (minCalls < 1 || warmup < 0 || !(seconds >= 0)) {
      throw new IllegalArgumentException("--min-calls=" + minCalls + ", --warmup=" + warmup + ", --seconds=" + seconds
          + ": need min-calls >= 1, warmup >= 0, seconds >= 0");
    }
    if (bloomProbes < 1 || bloomUsers < 1) {
      throw new IllegalArgumentException("--bloom-probes=" + bloomProbes + ", --bloom-users=" + bloomUsers + " must be >= 1");
    }
    RerankBenchmark bench = new RerankBenchmark(dim, sets, seed).withWarmupSeconds(warmupSeconds);
    System.out.printf(Locale.ROOT, "re-rank latency per call: dim %d, theta %s, %d candidate sets, seed %d, %d available processors%n",
        dim, theta, sets, seed, Runtime.getRuntime().availableProcessors());
    System.out.println(RerankBenchmark.header());
    StringBuilder csv = new StringBuilder(RerankBenchmark.csvHeader()).append('\n');
    bench.run(ns, ks, windows, theta, warmup, minCalls, seconds, r -> {
      System.out.println(RerankBenchmark.format(r));
      csv.append(bench.csv(r)).append('\n');
    });
    Path rerankCsv = out.resolve("rerank.csv");
    AtomicFiles.writeString(rerankCsv, csv.toString());
    System.out.println("wrote " + rerankCsv);

    System.out.printf(Locale.ROOT, "Bloom filters: capacity %d per user, %,d probes, store of %d users%n",
        bloomCapacity, bloomProbes, bloomUsers);
    System.out.println(ExposureBenchmark.header());
    StringBuilder bloom = new StringBuilder(ExposureBenchmark.csvHeader()).append('\n');
    for (double fpp : bloomFpp) {
      ExposureBenchmark.Row r = ExposureBenchmark.measure(bloomCapacity, fpp, bloomProbes, bloomUsers, seed);
      System.out.println(ExposureBenchmark.format(r));
      bloom.append(ExposureBenchmark.csv(r)).append('\n');
    }
    Path bloomCsv = out.resolve("bloom.csv");
    AtomicFiles.writeString(bloomCsv, bloom.toString());
    System.out.println("wrote " + bloomCsv);
    return 0;
  }
}
