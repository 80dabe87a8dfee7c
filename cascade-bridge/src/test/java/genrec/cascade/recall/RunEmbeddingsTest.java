package genrec.cascade.recall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.embed.EmbeddingCache;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEmbeddingsTest {
  private static final Catalog CATALOG =
      new Catalog(List.of(Item.of("a", "red shoe"), Item.of("b", "blue hat")));
  private static final EmbeddingMatrix VECTORS =
      new EmbeddingMatrix(List.of("a", "b"), 2, new float[] {1, 0, 0.6f, 0.8f});

  @Test
  void loadsWhatTheEmbedCacheStoredForThisCatalogue(@TempDir Path run) {
    EmbeddingCache.getOrCompute(CATALOG, run.resolve(RunEmbeddings.DIR), "test-model/batch1",
        c -> VECTORS);
    EmbeddingMatrix m = RunEmbeddings.load(CATALOG, run, "genrec embed --data D");
    assertEquals(VECTORS.ids(), m.ids());
    assertArrayEquals(VECTORS.data(), m.data());
  }

  @Test
  void aRunWithoutEmbeddingsSaysWhichCommandMakesThem(@TempDir Path run) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunEmbeddings.load(CATALOG, run, "genrec embed --data D"));
    assertTrue(e.getMessage().contains("no item embeddings in")
        && e.getMessage().endsWith("run 'genrec embed --data D' first"), e.getMessage());
  }

  @Test
  void embeddingsOfAnotherCatalogueAreRefused(@TempDir Path run) {
    EmbeddingCache.getOrCompute(CATALOG, run.resolve(RunEmbeddings.DIR), "test-model/batch1",
        c -> VECTORS);
    Catalog other = new Catalog(List.of(Item.of("a", "red shoe"), Item.of("b", "green hat")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunEmbeddings.load(other, run, "genrec embed --data D"));
    assertTrue(e.getMessage().contains("are not those of this catalogue"), e.getMessage());
  }
}
