package genrec.serving.cli;

import genrec.cascade.pipeline.CascadeInputs;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.RankerCascade;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.recall.MergedCandidates;
import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec bench rank}: the ranker's cost per request, on one thread. */
@Command(name = "rank", mixinStandardHelpOptions = true,
    description = "Latency of the cascade's ranking stage for one user at a time on one thread: "
        + "recall (the channels and the merge), the features and the ranker's forward pass over "
        + "the merged list, each timed separately over a seeded sample of validation users; "
        + "prints p50 / p90 / p99 and the list sizes. Run it with "
        + "GENREC_JAVA_OPTS=\"-Dai.djl.pytorch.num_threads=1\" for one core.")
final class RankBenchCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--users", defaultValue = "300",
      description = "Users timed (default ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--warmup", defaultValue = "30",
      description = "Untimed users first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the sample (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quotas", description = "Candidates each channel adds, name=count: the "
      + "ranker's own channels in its order, other counts (e.g. twice its quotas for a "
      + "200-item list; default: the quotas it was trained with).")
  String quotas;

  @Override
  public Integer call() {
    if (users < 1) {
      throw new IllegalArgumentException("--users=" + users + " must be >= 1");
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("--warmup=" + warmup + " must be >= 0");
    }
    Dataset d = data.load();
    Path runDir = run.dir(d);
    RankerCascade spec = RankerCascade.read(runDir);
    LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    LeaveOneOutSplit split = ColdStart.trainingSplit(loo, cold, false, "bench rank");
    String asked = quotas == null ? spec.quotas() : quotas;
    if (!genrec.cascade.recall.CandidateMerger.builder().addChannels(asked).build().channels()
        .equals(genrec.cascade.recall.CandidateMerger.builder().addChannels(spec.quotas()).build()
            .channels())) {
      throw new IllegalArgumentException("--quotas " + asked + ": the ranker reads the channels of "
          + spec.quotas() + ", in that order");
    }
    try (Pipeline setup = CascadeEvaluation.loader(data, d, runDir, split, 1).optQuotas(asked)
            .optBeam(spec.beam()).optRanker(false).load();
        RankerModel ranker = RankerModel.load(runDir.resolve(RankerCascade.DIR))) {
      CascadeInputs inputs = setup.inputs();
      List<LeaveOneOutSplit.EvalCase> cases =
          Sampling.sample(split.validation(), warmup + users, seed);
      int n = cases.size() - Math.min(warmup, cases.size() - 1);
      double[] recall = new double[n];
      double[] features = new double[n];
      double[] forward = new double[n];
      int[] sizes = new int[n];
      int tasks = ranker.tasks().size();
      for (int i = 0; i < cases.size(); i++) {
        int[] h = cases.get(i).history();
        long t0 = System.nanoTime();
        MergedCandidates m = inputs.candidates().merged(h);
        long t1 = System.nanoTime();
        RankFeatures.Query q = inputs.features().query(h, m);
        RankRows rows = RankExamples.rows(q, tasks);
        long t2 = System.nanoTime();
        float[] s = ranker.score(rows, rows.allRows());
        long t3 = System.nanoTime();
        int k = i - (cases.size() - n);
        if (k >= 0) {
          recall[k] = (t1 - t0) / 1e6;
          features[k] = (t2 - t1) / 1e6;
          forward[k] = (t3 - t2) / 1e6;
          sizes[k] = s.length;
        }
      }
      double[] rank = new double[n];
      for (int k = 0; k < n; k++) {
        rank[k] = features[k] + forward[k];
      }
      System.out.printf(Locale.ROOT, "%s: cascade %s, %d users timed (%d warm-up), candidates "
          + "per user median %d (max %d)%n", d.name(), setup.merger().describe(), n,
          cases.size() - n, (int) pct(Arrays.stream(sizes).asDoubleStream().toArray(), 50),
          Arrays.stream(sizes).max().orElse(0));
      System.out.println("| stage | p50 ms | p90 ms | p99 ms |");
      System.out.println("|---|---|---|---|");
      row("recall (channels + merge)", recall);
      row("features", features);
      row("ranker forward", forward);
      row("ranking stage (features + forward)", rank);
      return 0;
    }
  }

  private static void row(String name, double[] v) {
    System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", name, pct(v, 50), pct(v, 90),
        pct(v, 99));
  }

  static double pct(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }
}
