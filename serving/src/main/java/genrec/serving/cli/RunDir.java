package genrec.serving.cli;

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
}
