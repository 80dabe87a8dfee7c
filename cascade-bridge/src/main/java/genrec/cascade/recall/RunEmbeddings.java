package genrec.cascade.recall;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingCache;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The item text vectors of a run: the cache {@code genrec embed} writes to {@code
 * RUN/}{@value #DIR} ({@link EmbeddingCache}). The entry is used only when its fingerprint
 * matches this catalogue (same items, same texts, in order) under the model recorded in it, so
 * row i is item i.
 */
public final class RunEmbeddings {
  /** The cache folder inside a run. */
  public static final String DIR = "embeddings";

  private RunEmbeddings() {}

  /**
   * The cached embeddings of {@code catalog} in {@code runDir}.
   *
   * @param embedCommand the command that makes them, for the error message, e.g. {@code genrec
   *     embed --data DIR}
   * @throws IllegalArgumentException when the run has no embeddings, or none of this catalogue
   */
  public static EmbeddingMatrix load(Catalog catalog, Path runDir, String embedCommand) {
    Path dir = runDir.resolve(DIR);
    Path meta = dir.resolve(EmbeddingCache.META_FILE);
    if (!Files.isRegularFile(meta)) {
      throw new IllegalArgumentException("no item embeddings in " + dir + ": run '"
          + embedCommand + "' first");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + meta + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(meta + " is not a properties file: run '"
          + embedCommand + "' again");
    }
    String model = p.getProperty("model");
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(meta + " names no model: run '" + embedCommand
          + "' again");
    }
    return EmbeddingCache.lookup(catalog, dir, model).orElseThrow(() ->
        new IllegalArgumentException("the item embeddings in " + dir + " are not those of this "
            + "catalogue (other items or texts, or damaged files): run '" + embedCommand
            + "' again"));
  }
}
