package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.data.Dataset;
import genrec.generator.data.Datasets;
import genrec.serving.cli.GenrecCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A tiny trained run shared by the HTTP tests of one JVM (synthetic data, residual k-means
 * semantic IDs, a 20-step generator), made once in a temporary folder deleted at exit. Tests that
 * write to a run use {@link #copyTo}.
 *
 * @param data the synthetic dataset's folder
 * @param run the run folder
 * @param dataset the dataset, loaded
 */
record TinyRun(Path data, Path run, Dataset dataset) {
  private static TinyRun shared;

  static synchronized TinyRun get() {
    if (shared == null) {
      shared = train();
    }
    return shared;
  }

  private static TinyRun train() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
    Path dir;
    try {
      dir = Files.createTempDirectory("genrec-tiny-run");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    Path data = dir.resolve("data");
    Path run = dir.resolve("run");
    String d = data.toString();
    String r = run.toString();
    assertEquals(0, GenrecCli.execute("data", "generate", "--out", d, "--preset", "tiny"));
    assertEquals(0, GenrecCli.execute("quantize", "--data", d, "--preset", "tiny", "--run", r,
        "--method", "rqkmeans"));
    assertEquals(0, GenrecCli.execute("train", "--data", d, "--preset", "tiny", "--run", r,
        "--steps", "20", "--layout", "sequence", "--threads", "1"));
    return new TinyRun(data, run, Datasets.load(data, false));
  }

  /** Copies the run folder to {@code to} (a run a test may write to). */
  Path copyTo(Path to) {
    return copy(run, to);
  }

  /** Copies the folder {@code from} to {@code to}, recursively. */
  static Path copy(Path from, Path to) {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  private static void delete(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder: nothing else to do
    }
  }
}
