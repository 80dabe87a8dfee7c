package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.Progress;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache hits, misses on changed inputs, and recovery from broken entries. */
class EmbeddingCacheTest {
  private static final String MODEL = "fake-model/v1";

  @TempDir Path dir;

  private final AtomicInteger calls = new AtomicInteger();

  /** A fake encoder: a vector from the text's hash, counting how often it is called. */
  private final Function<Catalog, EmbeddingMatrix> fake =
      catalog -> {
        calls.incrementAndGet();
        List<String> ids = new ArrayList<>();
        float[] data = new float[catalog.size() * 3];
        for (int i = 0; i < catalog.size(); i++) {
          ids.add(catalog.get(i).id());
          int h = catalog.get(i).embeddingText().hashCode();
          data[i * 3] = h;
          data[i * 3 + 1] = h >>> 7;
          data[i * 3 + 2] = i;
        }
        return new EmbeddingMatrix(ids, 3, data);
      };

  private static Catalog catalog(String... titles) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < titles.length; i++) {
      items.add(Item.of(String.valueOf(i + 1), titles[i]));
    }
    return new Catalog(items);
  }

  @Test
  void hitReturnsIdenticalDataWithoutRecomputing() {
    Catalog c = catalog("red lipstick", "hair dryer", "nail polish");
    EmbeddingMatrix first = EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    assertEquals(1, calls.get());
    assertTrue(Files.isRegularFile(dir.resolve(EmbeddingCache.NPY_FILE)));
    assertTrue(Files.isRegularFile(dir.resolve(EmbeddingCache.IDS_FILE)));
    assertTrue(Files.isRegularFile(dir.resolve(EmbeddingCache.META_FILE)));
    // an equal catalogue built anew
    EmbeddingMatrix second =
        EmbeddingCache.getOrCompute(
            catalog("red lipstick", "hair dryer", "nail polish"), dir, MODEL, fake);
    assertEquals(1, calls.get(), "a hit must not recompute");
    assertEquals(first.ids(), second.ids());
    assertEquals(first.dim(), second.dim());
    assertArrayEquals(first.data(), second.data());
    assertTrue(EmbeddingCache.lookup(c, dir, MODEL).isPresent());
  }

  @Test
  void changedInputsRecompute() {
    Catalog c = catalog("red lipstick", "hair dryer");
    EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    // a changed title
    Catalog retitled = catalog("red lipstick", "ionic hair dryer");
    EmbeddingMatrix m = EmbeddingCache.getOrCompute(retitled, dir, MODEL, fake);
    assertEquals(2, calls.get());
    assertEquals((float) "ionic hair dryer".hashCode(), m.data()[3]);
    // an added item
    EmbeddingCache.getOrCompute(
        retitled.withAdded(List.of(Item.of("3", "nail polish"))), dir, MODEL, fake);
    assertEquals(3, calls.get());
    // another model id
    EmbeddingCache.getOrCompute(
        retitled.withAdded(List.of(Item.of("3", "nail polish"))), dir, "fake-model/v2", fake);
    assertEquals(4, calls.get());
    // the last entry is now the cached one
    EmbeddingCache.getOrCompute(
        retitled.withAdded(List.of(Item.of("3", "nail polish"))), dir, "fake-model/v2", fake);
    assertEquals(4, calls.get());
    assertTrue(EmbeddingCache.lookup(c, dir, MODEL).isEmpty());
  }

  @Test
  void fingerprintCoversIdsTextsOrderAndModel() {
    String base = EmbeddingCache.fingerprint(catalog("a", "b"), MODEL);
    assertEquals(base, EmbeddingCache.fingerprint(catalog("a", "b"), MODEL));
    assertNotEquals(base, EmbeddingCache.fingerprint(catalog("b", "a"), MODEL));
    assertNotEquals(base, EmbeddingCache.fingerprint(catalog("a", "b"), "other"));
    Catalog otherIds = new Catalog(List.of(Item.of("1", "a"), Item.of("9", "b")));
    assertNotEquals(base, EmbeddingCache.fingerprint(otherIds, MODEL));
    Catalog withCategory =
        new Catalog(
            List.of(Item.of("1", "a"), new Item("2", "b", "", List.of("Beauty"), List.of())));
    assertNotEquals(base, EmbeddingCache.fingerprint(withCategory, MODEL));
  }

  @Test
  void brokenEntriesAreRecomputed() throws IOException {
    Catalog c = catalog("red lipstick", "hair dryer");
    EmbeddingMatrix good = EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    // flipped data byte: checksum mismatch
    Path npy = dir.resolve(EmbeddingCache.NPY_FILE);
    byte[] b = Files.readAllBytes(npy);
    b[b.length - 1] ^= 1;
    Files.write(npy, b);
    assertArrayEquals(good.data(), EmbeddingCache.getOrCompute(c, dir, MODEL, fake).data());
    assertEquals(2, calls.get());
    // missing metadata (e.g. a crash before the commit marker)
    Files.delete(dir.resolve(EmbeddingCache.META_FILE));
    EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    assertEquals(3, calls.get());
    // missing ids file
    Files.delete(dir.resolve(EmbeddingCache.IDS_FILE));
    EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    assertEquals(4, calls.get());
    EmbeddingCache.getOrCompute(c, dir, MODEL, fake);
    assertEquals(4, calls.get());
  }

  @Test
  void computeMustMatchTheCatalogue() {
    Catalog c = catalog("red lipstick", "hair dryer");
    assertThrows(
        IllegalStateException.class,
        () ->
            EmbeddingCache.getOrCompute(
                c, dir, MODEL, cat -> new EmbeddingMatrix(List.of("2", "1"), 1, new float[2])));
    assertTrue(Files.notExists(dir.resolve(EmbeddingCache.META_FILE)));
  }

  @Test
  void realEncoderRoundTrip() {
    Catalog c = catalog("Maybelline lipstick", "Conair hair dryer", "OPI nail lacquer");
    try (MiniLmEncoder enc = MiniLmEncoder.builder().build()) {
      EmbeddingMatrix first = EmbeddingCache.getOrCompute(c, dir, enc, 1, Progress.silent());
      assertEquals(384, first.dim());
      assertTrue(
          EmbeddingCache.lookup(c, dir, EmbeddingCache.modelId(enc, 1)).isPresent(),
          "the encoder's entry is found under its model id");
      EmbeddingMatrix again = EmbeddingCache.getOrCompute(c, dir, enc, 1, Progress.silent());
      assertArrayEquals(first.data(), again.data());
      assertTrue(EmbeddingCache.lookup(c, dir, EmbeddingCache.modelId(enc, 8)).isEmpty());
    }
  }
}
