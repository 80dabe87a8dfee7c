package genrec.serving.cli;

import genrec.generator.data.DataStats;
import genrec.generator.data.Dataset;
import genrec.generator.data.DatasetWriter;
import genrec.generator.data.Datasets;
import genrec.generator.data.SyntheticInteractions;
import genrec.serving.config.Preset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genrec data ...}: inspect and generate datasets. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Inspect or generate datasets.",
    subcommands = {DataCommand.Stats.class, DataCommand.Generate.class})
final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options shared by every command that reads a dataset. */
  static final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
        description = "Dataset folder (Amazon sequences.txt+items.tsv, MovieLens ratings.csv+movies.csv, "
            + "or generic interactions.csv|jsonl+items.jsonl), or 'synthetic'.")
    Path data;

    @Option(names = "--lenient", description = "Skip and count bad lines instead of failing on the first one.")
    boolean lenient;

    @Option(names = "--preset", paramLabel = "NAME|FILE",
        description = "Preset: tiny, demo, beauty, or a YAML file (default: beauty, the "
            + "real-data recipe, for a dataset folder; demo for --data synthetic).")
    String preset;

    /** The preset asked for, or the default for the data: demo for 'synthetic', else beauty. */
    String presetName() {
      if (preset != null) {
        return preset;
      }
      return data == null || "synthetic".equals(data.toString()) ? "demo" : "beauty";
    }

    Preset preset() {
      return Preset.load(presetName());
    }

    Dataset load() {
      if (data == null) {
        throw new IllegalArgumentException("missing required option --data DIR (a dataset folder, or 'synthetic')");
      }
      Dataset d = Datasets.load(data, lenient, preset().data().synthetic());
      if (d.report().skipped() > 0) {
        System.err.println("warning: " + d.report().summary());
        d.report().examples().forEach(e -> System.err.println("  e.g. " + e));
      }
      return d;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Users, items, interactions, sequence-length percentiles, item-popularity Gini.")
  static final class Stats implements Callable<Integer> {
    @picocli.CommandLine.Mixin DataOptions opts;

    @Override
    public Integer call() {
      Dataset d = opts.load();
      System.out.print(DataStats.of(d).format(d.name()));
      if (d.report().isLenient()) {
        System.out.println("bad lines      " + d.report().summary());
      }
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write a seeded synthetic dataset in the generic format (items.jsonl + interactions.csv).")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--preset", defaultValue = "demo", paramLabel = "NAME|FILE",
        description = "Preset whose data.synthetic sizes are used (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--users", description = "Users (default: the preset's).")
    Integer users;

    @Option(names = "--items", description = "Items (default: the preset's).")
    Integer items;

    @Option(names = "--seed", description = "Random seed (default: the preset's).")
    Long seed;

    @Override
    public Integer call() {
      SyntheticInteractions.Options p = Preset.load(preset).data().synthetic();
      Dataset d = SyntheticInteractions.generate(new SyntheticInteractions.Options(
          users == null ? p.users() : users, items == null ? p.items() : items, p.minLength(),
          p.maxLength(), seed == null ? p.seed() : seed));
      DatasetWriter.writeGeneric(d, out);
      System.out.printf("wrote %,d items and %,d interactions of %,d users to %s%n",
          d.catalog().size(), d.interactions(), d.users().size(), out);
      return 0;
    }
  }
}
