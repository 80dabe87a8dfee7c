package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embed step: computed once, then read from the cache with the same vectors. */
class CatalogEmbeddingTest {
  @Test
  void secondRunIsACacheHitWithTheSameVectors(@TempDir Path dir) {
    Catalog c = new Catalog(List.of(Item.of("a", "red running shoes"),
        Item.of("b", "a wool winter hat")));
    Path cache = dir.resolve("embeddings");
    CatalogEmbedding first = CatalogEmbedding.of(c, cache, 1, 1);
    assertFalse(first.cached());
    assertEquals(cache, first.cacheDir());
    assertEquals(List.of("a", "b"), first.matrix().ids());
    assertEquals(384, first.matrix().dim());
    CatalogEmbedding again = CatalogEmbedding.of(c, cache, 1, 1);
    assertTrue(again.cached());
    assertArrayEquals(first.matrix().data(), again.matrix().data());
    assertEquals("batch=0 must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> CatalogEmbedding.of(c, cache, 0, null)).getMessage());
  }

  @Test
  void suppliedRowsAreReorderedToTheCatalogue() {
    Catalog c = new Catalog(List.of(Item.of("a", "A"), Item.of("b", "B")));
    EmbeddingMatrix m = new EmbeddingMatrix(List.of("x", "b", "a"), 2,
        new float[] {9, 9, 2, 3, 0, 1});
    EmbeddingMatrix in = CatalogEmbedding.inCatalogOrder(m, c, Path.of("emb.npy"));
    assertEquals(List.of("a", "b"), in.ids());
    assertArrayEquals(new float[] {0, 1, 2, 3}, in.data());
    EmbeddingMatrix missing = new EmbeddingMatrix(List.of("a"), 2, new float[] {0, 1});
    genrec.core.io.DataFormatException e = assertThrows(
        genrec.core.io.DataFormatException.class,
        () -> CatalogEmbedding.inCatalogOrder(missing, c, Path.of("emb.npy")));
    assertTrue(e.getMessage().contains("emb.npy") && e.getMessage().contains("'b'"),
        e.getMessage());
  }
}
