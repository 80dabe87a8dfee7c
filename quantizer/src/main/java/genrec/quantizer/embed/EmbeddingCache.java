package genrec.quantizer.embed;

import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.core.io.Fingerprint;
import genrec.core.io.Progress;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk cache of catalogue embeddings, so that a rerun on the same catalogue is instant.
 *
 * <p>The cache folder holds {@value #NPY_FILE} (the matrix, see {@link EmbeddingFiles}), {@value
 * #IDS_FILE} and {@value #META_FILE}, a properties file with the fingerprint of the inputs (the
 * model id plus every item's id and embedding text, in catalogue order), the shape and a checksum
 * of the npy file. An entry is used only when the fingerprint, the checksum, the shape and the ids
 * all match; otherwise the catalogue is embedded again and the entry replaced.
 *
 * <p>Writes are atomic and ordered so that a crash never leaves a stale entry that looks valid:
 * the metadata file (the commit marker) is deleted first and written last. One cache folder serves
 * one process at a time.
 */
public final class EmbeddingCache {
  /** The cached matrix. */
  public static final String NPY_FILE = "embeddings.npy";

  /** The cached ids, one per line. */
  public static final String IDS_FILE = "embeddings.ids.txt";

  /** The metadata (fingerprint, shape, checksum), written last. */
  public static final String META_FILE = "embeddings.properties";

  private static final String FORMAT = "genrec-embedding-cache/1";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingCache.class);

  private EmbeddingCache() {}

  /**
   * The cached embeddings of {@code catalog} from the encoder, or embeds the catalogue and caches
   * the result. The batch size is part of the fingerprint, because batched vectors depend slightly
   * on their batch-mates (see {@link MiniLmEncoder}).
   */
  public static EmbeddingMatrix getOrCompute(
      Catalog catalog, Path cacheDir, MiniLmEncoder encoder, int batchSize, Progress progress) {
    Objects.requireNonNull(encoder, "encoder");
    return getOrCompute(
        catalog,
        cacheDir,
        modelId(encoder, batchSize),
        c -> encoder.embed(c, batchSize, progress));
  }

  /**
   * The cached embeddings of {@code catalog} for {@code modelId}, or {@code compute.apply(catalog)}
   * stored in the cache. The computed matrix must have one row per item, in catalogue order.
   *
   * @param modelId names the model and every setting that changes the vectors
   */
  public static EmbeddingMatrix getOrCompute(
      Catalog catalog,
      Path cacheDir,
      String modelId,
      Function<Catalog, EmbeddingMatrix> compute) {
    Objects.requireNonNull(compute, "compute");
    String fp = fingerprint(catalog, modelId);
    Optional<EmbeddingMatrix> hit = lookup(catalog, cacheDir, modelId, fp);
    if (hit.isPresent()) {
      return hit.get();
    }
    EmbeddingMatrix m = compute.apply(catalog);
    if (!m.ids().equals(ids(catalog))) {
      throw new IllegalStateException(
          "computed embeddings have " + m.rows() + " rows whose ids do not match the catalogue ("
              + catalog.size() + " items, in order)");
    }
    store(m, cacheDir, modelId, fp);
    return m;
  }

  /** The cached embeddings of {@code catalog} for {@code modelId}, if a valid entry exists. */
  public static Optional<EmbeddingMatrix> lookup(Catalog catalog, Path cacheDir, String modelId) {
    return lookup(catalog, cacheDir, modelId, fingerprint(catalog, modelId));
  }

  /** The cache model id of an encoder used with a batch size, e.g. {@code .../max256/batch1}. */
  public static String modelId(MiniLmEncoder encoder, int batchSize) {
    return encoder.modelId() + "/batch" + batchSize;
  }

  /** The fingerprint of the inputs: the model id, then each item's id and embedding text. */
  public static String fingerprint(Catalog catalog, String modelId) {
    Fingerprint f = new Fingerprint().add(FORMAT).add(Objects.requireNonNull(modelId, "modelId"));
    f.add(catalog.size());
    for (Item it : catalog.items()) {
      f.add(it.id()).add(it.embeddingText());
    }
    return f.hex();
  }

  private static Optional<EmbeddingMatrix> lookup(
      Catalog catalog, Path cacheDir, String modelId, String fp) {
    Path meta = cacheDir.resolve(META_FILE);
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("ignoring unreadable embedding cache metadata {}: {}", meta, e.getMessage());
      return Optional.empty();
    }
    if (!FORMAT.equals(p.getProperty("format")) || !fp.equals(p.getProperty("fingerprint"))) {
      LOG.info("embedding cache {} is for other inputs; embedding again", cacheDir);
      return Optional.empty();
    }
    Path npy = cacheDir.resolve(NPY_FILE);
    try {
      if (!Files.isRegularFile(npy)
          || !new Fingerprint().addFile(npy).hex().equals(p.getProperty("npySha256"))) {
        LOG.warn("embedding cache {} does not match its checksum; embedding again", npy);
        return Optional.empty();
      }
      EmbeddingMatrix m = EmbeddingFiles.readNpy(npy, cacheDir.resolve(IDS_FILE));
      if (!m.ids().equals(ids(catalog))
          || !String.valueOf(m.dim()).equals(p.getProperty("dim"))) {
        LOG.warn("embedding cache {} has other ids or shape; embedding again", cacheDir);
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (DataFormatException | UncheckedIOException e) {
      LOG.warn("ignoring broken embedding cache {}: {}", cacheDir, e.getMessage());
      return Optional.empty();
    }
  }

  private static void store(EmbeddingMatrix m, Path cacheDir, String modelId, String fp) {
    Path meta = cacheDir.resolve(META_FILE);
    Path npy = cacheDir.resolve(NPY_FILE);
    try {
      Files.createDirectories(cacheDir);
      Files.deleteIfExists(meta); // invalidate first: data and marker never disagree
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + cacheDir + ": " + e.getMessage(), e);
    }
    EmbeddingFiles.writeNpy(m, npy, cacheDir.resolve(IDS_FILE));
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("model", modelId);
    p.setProperty("fingerprint", fp);
    p.setProperty("rows", String.valueOf(m.rows()));
    p.setProperty("dim", String.valueOf(m.dim()));
    p.setProperty("npySha256", new Fingerprint().addFile(npy).hex());
    StringWriter w = new StringWriter();
    try {
      p.store(w, "genrec item embeddings cache; delete the folder to force re-embedding");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.writeString(meta, w.toString());
  }

  private static List<String> ids(Catalog catalog) {
    List<String> ids = new ArrayList<>(catalog.size());
    for (Item it : catalog.items()) {
      ids.add(it.id());
    }
    return ids;
  }
}
