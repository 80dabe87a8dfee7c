package genrec.quantizer.embed;

import genrec.core.io.DataFormatException;
import genrec.core.io.Progress;
import genrec.quantizer.catalog.Catalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedding step of {@code genrec embed} and {@code genrec quantize}: the catalogue's item
 * text through {@link MiniLmEncoder}, cached in a folder by {@link EmbeddingCache} (a rerun with
 * the same catalogue, model and batch size reads the cache; a changed catalogue is re-embedded).
 *
 * @param matrix the item embeddings, in catalogue order
 * @param cached true when read from the cache
 * @param seconds wall time
 * @param cacheDir the cache folder
 */
public record CatalogEmbedding(EmbeddingMatrix matrix, boolean cached, double seconds,
    Path cacheDir) {

  /**
   * The embeddings of {@code catalog}, from the cache in {@code cacheDir} or computed (with a
   * progress line) and cached there.
   *
   * @param batch texts per model call, at least 1
   * @param threads ONNX Runtime intra-op threads, or null for the encoder's default
   * @throws IllegalArgumentException for a batch below 1
   */
  public static CatalogEmbedding of(Catalog catalog, Path cacheDir, int batch, Integer threads) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch=" + batch + " must be >= 1");
    }
    long t0 = System.nanoTime();
    MiniLmEncoder.Builder b = MiniLmEncoder.builder();
    if (threads != null) {
      b.optIntraOpThreads(threads);
    }
    try (MiniLmEncoder enc = b.build()) {
      Optional<EmbeddingMatrix> hit =
          EmbeddingCache.lookup(catalog, cacheDir, EmbeddingCache.modelId(enc, batch));
      if (hit.isPresent()) {
        return new CatalogEmbedding(hit.get(), true, (System.nanoTime() - t0) / 1e9, cacheDir);
      }
      try (Progress p = Progress.start("embed", catalog.size(), "items")) {
        EmbeddingMatrix m = EmbeddingCache.getOrCompute(catalog, cacheDir, enc, batch, p);
        return new CatalogEmbedding(m, false, (System.nanoTime() - t0) / 1e9, cacheDir);
      }
    }
  }

  /**
   * Embeddings supplied by the user ({@code quantize --embeddings FILE}) in catalogue order: row
   * i is item i's; rows of items outside the catalogue are dropped.
   *
   * @throws DataFormatException naming {@code file} when a catalogue item has no row
   */
  public static EmbeddingMatrix inCatalogOrder(EmbeddingMatrix m, Catalog c, Path file) {
    Map<String, Integer> row = new HashMap<>();
    for (int i = 0; i < m.rows(); i++) {
      row.put(m.ids().get(i), i);
    }
    float[] out = new float[c.size() * m.dim()];
    for (int i = 0; i < c.size(); i++) {
      Integer r = row.get(c.get(i).id());
      if (r == null) {
        throw new DataFormatException(file, 0, "id",
            "no embedding for catalogue item '" + c.get(i).id() + "' (" + m.rows() + " rows for "
                + c.size() + " items)");
      }
      System.arraycopy(m.data(), r * m.dim(), out, i * m.dim(), m.dim());
    }
    List<String> ids = new ArrayList<>(c.size());
    c.items().forEach(it -> ids.add(it.id()));
    return new EmbeddingMatrix(ids, m.dim(), out);
  }
}
