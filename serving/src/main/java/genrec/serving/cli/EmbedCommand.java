package genrec.serving.cli;

import genrec.generator.data.Dataset;
import genrec.quantizer.embed.EmbeddingCache;
import genrec.quantizer.embed.EmbeddingFiles;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.embed.MiniLmEncoder;
import genrec.quantizer.io.Progress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
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
    EmbedResult r = embed(d, run.dir(d), batch, threads);
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

  /**
   * The embedding step shared by {@code embed} and {@code quantize}.
   *
   * @param matrix the item embeddings, in catalogue order
   * @param cached true when read from the cache
   * @param seconds wall time
   * @param cacheDir the cache folder
   */
  record EmbedResult(EmbeddingMatrix matrix, boolean cached, double seconds, Path cacheDir) {}

  static EmbedResult embed(Dataset d, Path runDir, int batch, Integer threads) {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch=" + batch + " must be >= 1");
    }
    Path cache = genrec.cascade.pipeline.RunFolder.of(runDir).embeddingsDir();
    long t0 = System.nanoTime();
    MiniLmEncoder.Builder b = MiniLmEncoder.builder();
    if (threads != null) {
      b.optIntraOpThreads(threads);
    }
    try (MiniLmEncoder enc = b.build()) {
      Optional<EmbeddingMatrix> hit =
          EmbeddingCache.lookup(d.catalog(), cache, EmbeddingCache.modelId(enc, batch));
      if (hit.isPresent()) {
        return new EmbedResult(hit.get(), true, (System.nanoTime() - t0) / 1e9, cache);
      }
      try (Progress p = Progress.start("embed", d.catalog().size(), "items")) {
        EmbeddingMatrix m = EmbeddingCache.getOrCompute(d.catalog(), cache, enc, batch, p);
        return new EmbedResult(m, false, (System.nanoTime() - t0) / 1e9, cache);
      }
    }
  }
}
