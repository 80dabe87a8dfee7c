package genrec.serving.cli;

import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.cascade.recall.RecallEvaluator;
import genrec.cascade.recall.RecallReport;
import genrec.cascade.recall.RunEmbeddings;
import genrec.core.io.AtomicFiles;
import genrec.core.io.Progress;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.TrainedOn;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.GeneratorTrainer;
import genrec.quantizer.sid.SidArtifacts;
import genrec.cascade.pipeline.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec recall}: candidate recall of each channel, their union and the merged list. */
@Command(name = "recall", mixinStandardHelpOptions = true,
    description = "Measure the cascade's candidate channels (generator, itemknn, popularity, "
        + "content) under the leave-one-out split of 'genrec eval': each channel's Recall@N of "
        + "the held-out item, how often only that channel finds it, the union's Recall@N and the "
        + "merged list's recall under per-channel quotas; then the same for the targets with no "
        + "interactions in the fit data (split SPLIT-cold). Prints the tables and writes "
        + "RUN/cascade/recall-SPLIT.csv.")
final class RecallCommand implements Callable<Integer> {
  /** The channels, in their default order. */
  static final List<String> CHANNELS = List.of(GeneratorChannel.NAME, ItemKnnChannel.NAME,
      PopularityChannel.NAME, ContentChannel.NAME);

  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--split", defaultValue = "validation",
      description = "validation or test (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--channels", split = ",", defaultValue = "generator,itemknn,popularity,content",
      description = "Channels to measure, comma-separated (default ${DEFAULT-VALUE}). The "
          + "generator is skipped with a note when the run has no trained generator; content "
          + "needs the run's item embeddings ('genrec embed').")
  List<String> channels;

  @Option(names = "--n", split = ",", defaultValue = "50,100,200",
      description = "List lengths N for Recall@N (default ${DEFAULT-VALUE}).")
  int[] ns;

  @Option(names = "--quotas", defaultValue = "generator=100,itemknn=60,content=30,popularity=10",
      description = "Merged list: items each channel adds, name=count in priority order (default "
          + "${DEFAULT-VALUE}); quotas of channels not measured are dropped.")
  String quotas;

  @Option(names = "--users", paramLabel = "N",
      description = "Measure a random sample of N users of the split (default: all).")
  Integer users;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the --users sample (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--refit", description = "Fit ItemKNN and popularity on the training + "
      + "validation interactions (test only), as 'genrec eval-baseline --refit'.")
  boolean refit;

  @Option(names = "--beam", description = "Generator beam width (default: the longest list "
      + "asked of a channel, the largest N or the sum of the quotas, so the search can return "
      + "that many items).")
  Integer beam;

  @Option(names = "--content-last-n",
      description = "Content: most recent history items in the query (default 3).")
  Integer contentLastN;

  @Option(names = "--content-decay", description = "Content: weight ratio of each older item "
      + "to the next newer one, in (0, 1] (default 0.5: weights 4/7, 2/7, 1/7).")
  Double contentDecay;

  @Option(names = "--threads", description = "Threads (default: all processors).")
  Integer threads;

  @Override
  public Integer call() {
    int th = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    List<String> wanted = checkChannels();
    if (!split.equals("validation") && !split.equals("test")) {
      throw new IllegalArgumentException("--split=" + split + " must be validation or test");
    }
    if (refit && split.equals("validation")) {
      throw new IllegalArgumentException("--refit fits on the validation interactions: use it "
          + "with --split test");
    }
    if (users != null && users < 1) {
      throw new IllegalArgumentException("--users=" + users + " must be >= 1");
    }
    if (beam != null && beam < 1) {
      throw new IllegalArgumentException("--beam=" + beam + " must be >= 1");
    }
    RecallEvaluator evaluator = new RecallEvaluator(ns, th);
    ContentKnn.Options contentOptions = new ContentKnn.Options(
        contentLastN != null ? contentLastN : ContentKnn.Options.defaults().lastN(),
        contentDecay != null ? contentDecay : ContentKnn.Options.defaults().decay());
    CandidateMerger allQuotas = CandidateMerger.builder().addChannels(quotas).build();
    for (String c : allQuotas.channels()) {
      if (!CHANNELS.contains(c)) {
        throw new IllegalArgumentException("--quotas: unknown channel '" + c + "' (choose from "
            + String.join(", ", CHANNELS) + ")");
      }
    }

    Dataset d = data.load();
    Path runDir = run.dir(d);
    LeaveOneOutSplit loo = LeaveOneOutSplit.of(d);
    List<LeaveOneOutSplit.EvalCase> cases = Sampling.sample(
        split.equals("test") ? loo.test() : loo.validation(), users, seed);
    List<int[]> fitOn = refit ? loo.trainPlusValidation() : loo.train();
    List<String> notes = new ArrayList<>();
    List<CandidateChannel> built = new ArrayList<>();
    GeneratorModel model = null;
    BeamSearch search = null;
    try {
      CandidateMerger merger;
      for (String name : wanted) {
        switch (name) {
          case GeneratorChannel.NAME -> {
            Path modelFile = runDir.resolve(RunFolder.GENERATOR_DIR)
                .resolve(GeneratorTrainer.MODEL_FILE);
            Path sid = runDir.resolve(RunFolder.QUANTIZER_DIR).resolve(SidArtifacts.TABLE_FILE);
            if (!Files.isRegularFile(modelFile) || !Files.isRegularFile(sid)) {
              notes.add("generator: skipped, the run has no trained generator (" + modelFile
                  + "; run 'genrec train' first)");
              continue;
            }
            int[][] codes = RunDir.itemCodes(d, runDir, data.data);
            model = RunFolder.of(runDir).generator(codes);
            boolean trainedOnValidation = TrainedOn.of(model, loo, codes).refit();
            if (trainedOnValidation && split.equals("validation")) {
              notes.add("generator: skipped, it was trained with --refit and has seen the "
                  + "validation targets (measure it with --split test --refit)");
              model.close();
              model = null;
              continue;
            }
            if (trainedOnValidation != refit) {
              notes.add("note: the generator was " + (trainedOnValidation ? "" : "not ")
                  + "trained with --refit but ItemKNN and popularity are " + (refit ? "" : "not ")
                  + "refit");
            }
            int width = beam != null ? beam : fetch(allQuotas, wanted);
            search = model.beamSearch(PrefixTrie.of(codes, model.config().codebookSize()))
                .optBeamWidth(width).optExcludeHistory(true).build();
            built.add(new GeneratorChannel(search));
          }
          case ItemKnnChannel.NAME -> built.add(new ItemKnnChannel(
              ItemKnn.fit(fitOn, loo.numItems(), data.preset().baseline().itemKnn(th))));
          case PopularityChannel.NAME ->
              built.add(new PopularityChannel(MostPop.fit(fitOn, loo.numItems(), true)));
          case ContentChannel.NAME -> built.add(new ContentChannel(ContentKnn.of(
              RunEmbeddings.load(d.catalog(), runDir, embedCommand(d, runDir)), contentOptions)));
          default -> throw new IllegalStateException("unhandled channel " + name);
        }
      }
      if (built.isEmpty()) {
        notes.forEach(System.out::println);
        throw new IllegalArgumentException("no channel left to measure (--channels "
            + String.join(",", wanted) + ")");
      }
      merger = mergerFor(allQuotas, built);
      System.out.printf(Locale.ROOT, "%s: %,d users, %,d items; %s split, %,d users measured%s; "
          + "ItemKNN and popularity fit on %s%n", d.name(), d.users().size(), loo.numItems(),
          split, cases.size(), users == null ? "" : " (sample, seed " + seed + ")",
          refit ? "training + validation interactions (--refit)" : "training interactions");
      notes.forEach(System.out::println);
      RecallReport report;
      try (Progress p = Progress.start("recall " + split, cases.size(), "users")) {
        report = evaluator.evaluate(built, merger, cases, split, p);
      }
      System.out.print(report.table());
      if (merger == null) {
        System.out.println("merged: no quota names a measured channel (--quotas " + quotas + ")");
      }
      String text = report.csv();
      // the targets no interaction-based channel can rank: only content (or the generator) can
      MostPop seen = MostPop.fit(fitOn, loo.numItems(), false);
      List<LeaveOneOutSplit.EvalCase> cold =
          cases.stream().filter(c -> seen.count(c.target()) == 0).toList();
      if (!cold.isEmpty()) {
        RecallReport coldReport =
            evaluator.evaluate(built, merger, cold, split + "-cold", Progress.silent());
        System.out.printf(Locale.ROOT, "targets with no interactions in the fit data: %,d users "
            + "(%.2f%%)%n", cold.size(), 100.0 * cold.size() / cases.size());
        System.out.print(coldReport.table());
        text += coldReport.csv().substring(RecallReport.CSV_HEADER.length() + 1);
      }
      Path csv = runDir.resolve("cascade").resolve("recall-" + split + ".csv");
      AtomicFiles.writeString(csv, text);
      System.out.printf(Locale.ROOT, "measured in %.1f s; wrote %s%n", report.seconds(), csv);
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

  /** The --channels list, lower-cased, each known and listed once. */
  private List<String> checkChannels() {
    List<String> out = new ArrayList<>();
    for (String c : channels) {
      String name = c.strip().toLowerCase(Locale.ROOT);
      if (!CHANNELS.contains(name)) {
        throw new IllegalArgumentException("--channels: unknown channel '" + c.strip()
            + "' (choose from " + String.join(", ", CHANNELS) + ")");
      }
      if (out.contains(name)) {
        throw new IllegalArgumentException("--channels: '" + name + "' is listed twice");
      }
      out.add(name);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--channels: name at least one channel");
    }
    return out;
  }

  /** The merger over the quotas of the measured channels, or null when none has a quota. */
  private static CandidateMerger mergerFor(CandidateMerger all, List<CandidateChannel> built) {
    CandidateMerger.Builder b = CandidateMerger.builder();
    boolean any = false;
    for (String c : all.channels()) {
      if (built.stream().anyMatch(ch -> ch.name().equals(c)) && all.quota(c) > 0) {
        b.addChannel(c, all.quota(c));
        any = true;
      }
    }
    return any ? b.build() : null;
  }

  /** The longest list asked of a channel: the largest N, or the measured channels' quota sum. */
  private int fetch(CandidateMerger all, List<String> wanted) {
    int capacity = 0;
    for (String c : all.channels()) {
      if (wanted.contains(c)) {
        capacity += all.quota(c);
      }
    }
    int maxN = 0;
    for (int n : ns) {
      maxN = Math.max(maxN, n);
    }
    return Math.max(maxN, capacity);
  }

  private String embedCommand(Dataset d, Path runDir) {
    return "genrec embed --data " + data.data
        + (runDir.equals(Path.of("runs", d.name())) ? "" : " --run " + runDir);
  }
}
