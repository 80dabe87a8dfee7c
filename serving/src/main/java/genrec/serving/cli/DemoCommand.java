package genrec.serving.cli;

import genrec.generator.data.Dataset;
import genrec.generator.data.Datasets;
import genrec.generator.train.GeneratorTrainer;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.config.Preset;
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

/**
 * {@code genrec demo}: the whole pipeline in one command on a fresh machine. Each step is the
 * same command a user would run by hand, so the demo proves those commands work together.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The whole pipeline in one command: (with no --data) generate a synthetic "
        + "catalogue, embed item text with MiniLM and train the semantic-ID quantizer, train "
        + "the generator, then serve it on localhost and print a ready-to-paste curl. Steps "
        + "whose artifacts exist in the run folder are reused (--fresh retrains).")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "DIR",
      description = "A dataset folder (see 'genrec data stats'); default: a synthetic one.")
  Path data;

  @Option(names = "--preset", defaultValue = "demo", paramLabel = "NAME|FILE",
      description = "Preset: tiny, demo, beauty, or a YAML file (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run folder (default: runs/demo, or runs/<dataset folder name> with --data).")
  Path run;

  @Option(names = "--train-minutes", defaultValue = "3", paramLabel = "M",
      description = "Generator training budget in minutes (default ${DEFAULT-VALUE}).")
  double trainMinutes;

  @Option(names = "--fresh", description = "Retrain the quantizer and the generator even if the "
      + "run folder has them.")
  boolean fresh;

  @Option(names = "--no-serve", description = "Stop after training (no server).")
  boolean noServe;

  @Mixin ServeCommand.Settings settings;

  @Override
  public Integer call() {
    Preset p = Preset.load(preset);
    Path dataDir;
    Path runDir;
    if (data == null) {
      runDir = run != null ? run : Path.of("runs", "demo");
      dataDir = runDir.resolve("data");
      if (fresh || !Files.isRegularFile(dataDir.resolve("interactions.csv"))) {
        step("1/4 synthetic dataset", "data", "generate", "--out", dataDir.toString(),
            "--preset", preset);
      } else {
        System.out.println("== 1/4 synthetic dataset: reusing " + dataDir);
      }
    } else {
      dataDir = data;
      runDir = run != null ? run : Path.of("runs", dataDir.toAbsolutePath().normalize()
          .getFileName().toString());
      System.out.println("== 1/4 dataset: " + dataDir);
    }
    String[] common = {"--data", dataDir.toString(), "--preset", preset, "--run", runDir.toString()};
    if (fresh || !Files.isRegularFile(runDir.resolve(RunFolder.QUANTIZER_DIR)
        .resolve(SidArtifacts.TABLE_FILE))) {
      step("2/4 embed item text (MiniLM) + semantic IDs (quantizer)", args("quantize", common));
    } else {
      System.out.println("== 2/4 semantic IDs: reusing " + runDir.resolve(RunFolder.QUANTIZER_DIR));
    }
    Path model = runDir.resolve(RunFolder.GENERATOR_DIR).resolve(GeneratorTrainer.MODEL_FILE);
    if (fresh || !Files.isRegularFile(model)) {
      List<String> train = new ArrayList<>(List.of(args("train", common)));
      train.addAll(List.of("--layout", "sequence", "--max-minutes",
          String.format(Locale.ROOT, "%.2f", trainMinutes)));
      step("3/4 train the generator (up to " + trainMinutes + " min)", train.toArray(String[]::new));
    } else {
      System.out.println("== 3/4 generator: reusing " + model);
    }
    if (noServe) {
      System.out.println("== done (--no-serve). Serve it with: ./genrec serve "
          + String.join(" ", common));
      return 0;
    }
    System.out.println("== 4/4 serve");
    Dataset d = Datasets.load(dataDir, false, p.data().synthetic());
    return ServeCommand.serve(d, runDir, List.of(), settings, p);
  }

  private static String[] args(String command, String[] common) {
    String[] a = new String[common.length + 1];
    a[0] = command;
    System.arraycopy(common, 0, a, 1, common.length);
    return a;
  }

  private static void step(String title, String... args) {
    System.out.println("== " + title + ": genrec " + String.join(" ", args));
    int code = GenrecCli.execute(args);
    if (code != 0) {
      throw new IllegalStateException("step '" + title + "' failed (exit " + code + ")");
    }
  }
}
