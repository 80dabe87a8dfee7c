package genrec.serving.cli;

import genrec.generator.data.Dataset;
import genrec.quantizer.embed.CatalogEmbedding;
import genrec.quantizer.embed.EmbeddingFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec embed}: item text → MiniLM embeddings, cached in the run folder. */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Embed every item's text (title, categories, description) with all-MiniLM-L6-v2 "
        + "(384-d, L2-normalised). Cached under RUN/embeddings with a fingerprint of the inputs: a "
        + "rerun is instant, a changed catalogue is re-embedded.")
final class EmbedCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--batch", defaultValue = "1",
      description = "Texts per model call (default ${DEFAULT-VALUE}). With the quantized model a "
          + "vector depends slightly on its batch-mates when > 1; 1 makes every item's vector "
          + "depend on its own text only, so new items embed exactly like old ones.")
  int batch;

  @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: all processors).")
  Integer threads;

  @Option(names = "--export", paramLabel = "FILE",
      description = "Also write the matrix to FILE (.npy with FILE.ids.txt beside it, or .csv).")
  Path export;

  @Override
  public Integer call() {
    Dataset d = data.load();
    if (batch < 1) {
      throw new IllegalArgumentException("--batch=" + batch + " must be >= 1");
    }
    CatalogEmbedding r = CatalogEmbedding.of(d.catalog(), run.dir(d).resolve("embeddings"),
        batch, threads);
    System.out.printf(Locale.ROOT, "%s %,d items x %d dims in %.1f s%s -> %s%n",
        r.cached() ? "cache hit:" : "embedded", r.matrix().rows(), r.matrix().dim(), r.seconds(),
        r.cached() ? "" : String.format(Locale.ROOT, " (%.0f items/s)", r.matrix().rows() / r.seconds()),
        r.cacheDir());
    if (export != null) {
      EmbeddingFiles.write(r.matrix(), export);
      System.out.println("exported to " + export);
    }
    return 0;
  }
}
