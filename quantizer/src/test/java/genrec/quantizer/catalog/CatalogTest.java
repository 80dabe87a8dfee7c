package genrec.quantizer.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void indexesAndAppendsWithoutMovingExistingItems() {
    Catalog c = new Catalog(List.of(Item.of("x", "X"), Item.of("y", "Y")));
    assertEquals(1, c.indexOf("y"));
    assertEquals(-1, c.indexOf("z"));
    Catalog c2 = c.withAdded(List.of(Item.of("z", "Z")));
    assertEquals(1, c2.indexOf("y"));
    assertEquals(2, c2.indexOf("z"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.withAdded(List.of(Item.of("x", "again"))));
    assertTrue(e.getMessage().contains("duplicate item id 'x'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Item.of(" ", "blank id"));
    IllegalArgumentException tab = assertThrows(IllegalArgumentException.class,
        () -> Item.of("a\tb", "tab in the id"));
    assertTrue(tab.getMessage().contains("'a?b' holds a tab"), tab.getMessage());
  }

  @Test
  void jsonlRefusesAnIdThatWouldBreakTheSemanticIdTable(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path f = dir.resolve("new.jsonl");
    java.nio.file.Files.writeString(f, "{\"id\": \"ok\", \"title\": \"Fine\"}\n"
        + "{\"id\": \"a\\tb\", \"title\": \"Tab\"}\n");
    genrec.core.io.DataFormatException e = assertThrows(
        genrec.core.io.DataFormatException.class,
        () -> CatalogReaders.jsonl(f, genrec.core.io.ReadReport.strict()));
    assertTrue(e.getMessage().contains(f + ":2"), e.getMessage());
    assertTrue(e.getMessage().contains("control character"), e.getMessage());
    Catalog lenient = CatalogReaders.jsonl(f, genrec.core.io.ReadReport.lenient());
    assertEquals(1, lenient.size());
    assertEquals("ok", lenient.get(0).id());
  }

  @Test
  void embeddingTextUsesTheFieldsThatExist() {
    assertEquals("Red Lipstick. Makeup, Lipstick. Long wear.",
        new Item("1", "Red Lipstick", "Long wear.", List.of("Makeup", "Lipstick"), List.of()).embeddingText());
    assertEquals("Shampoo", Item.of("2", "Shampoo").embeddingText());
    assertEquals("item 3", Item.of("3", "").embeddingText());
  }

  @Test
  void syntheticCatalogIsSeededAndRealistic() {
    SyntheticCatalog a = SyntheticCatalog.generate(500, 1);
    SyntheticCatalog b = SyntheticCatalog.generate(500, 1);
    assertEquals(a.catalog().items(), b.catalog().items());
    assertTrue(!a.catalog().items().equals(SyntheticCatalog.generate(500, 2).catalog().items()));
    Set<Integer> types = new HashSet<>();
    Set<String> titles = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Item it = a.catalog().get(i);
      types.add(a.productType()[i]);
      titles.add(it.title());
      assertTrue(it.title().contains(SyntheticCatalog.typeName(a.productType()[i])), it.title());
      assertEquals(SyntheticCatalog.CATEGORIES.get(a.category()[i]), it.categories().get(0));
    }
    assertEquals(SyntheticCatalog.typeCount(), types.size()); // every product type is present
    assertTrue(titles.size() > 450, "titles should be varied: " + titles.size());
  }
}
