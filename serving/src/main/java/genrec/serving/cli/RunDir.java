package genrec.serving.cli;

import genrec.cascade.pipeline.RunFolder;
import genrec.generator.data.Dataset;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The run folder where a dataset's artifacts live: {@code embeddings/}, {@code quantizer/}, and
 * later the generator. Defaults to {@code runs/DATASET-NAME}.
 */
final class RunDir {
  @Option(names = "--run", paramLabel = "DIR",
      description = "Run folder for artifacts (default: runs/<dataset folder name>).")
  Path run;

  Path dir(Dataset d) {
    return run != null ? run : Path.of("runs", d.name());
  }

  /** The run folder of {@code d}, as the class that owns its layout. */
  RunFolder folder(Dataset d) {
    return RunFolder.of(dir(d));
  }

  /**
   * Every catalogue item's semantic ID from {@code RUN/quantizer/sid.tsv}, in catalogue order;
   * a missing table names the command that makes it for this dataset and run.
   *
   * @throws IllegalArgumentException if the table is missing (run {@code genrec quantize})
   */
  static int[][] itemCodes(Dataset d, Path runDir, Path dataArg) {
    return RunFolder.of(runDir).codes(d.catalog(), "genrec quantize --data " + dataArg
        + runOption(d, runDir));
  }

  /** {@code " --run DIR"} when {@code runDir} is not the dataset's default run folder, else "". */
  static String runOption(Dataset d, Path runDir) {
    return runDir.equals(Path.of("runs", d.name())) ? "" : " --run " + runDir;
  }
}
