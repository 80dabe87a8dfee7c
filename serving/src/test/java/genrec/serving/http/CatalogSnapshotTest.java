package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.core.io.ReadReport;
import genrec.generator.data.Dataset;
import genrec.generator.data.UserSequence;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue snapshot that lets {@code genrec serve --run RUN} work without {@code --data}:
 * counts by hand, the round trip, the run folders quantize and train leave, serving from it
 * exactly as from the dataset, and errors naming the file, line and field.
 */
class CatalogSnapshotTest {
  /** 4 items; u1 = a b c d (training: a b), u2 = b c (too short to split: all training). */
  private static Dataset handMade() {
    Catalog c = new Catalog(List.of(
        new Item("a", "Alpha", "first", List.of("x", "y"), List.of("attr")),
        Item.of("b", "Beta"), Item.of("c", "Gamma \"quoted\"\ttab"), Item.of("d", "Délta ✓")));
    return new Dataset("hand", c, List.of(UserSequence.ofItems("u1", 0, 1, 2, 3),
        UserSequence.ofItems("u2", 1, 2)), ReadReport.strict());
  }

  @Test
  void countsTheTrainingSplitAndRoundTrips(@TempDir Path dir) throws Exception {
    CatalogSnapshot s = CatalogSnapshot.of(handMade());
    // u1's last two (c, d) are validation and test; u2 cannot be split, so both count
    assertArrayEquals(new int[] {1, 2, 1, 0}, s.interactions());
    assertArrayEquals(new int[] {1, 0, 2, 3}, s.popularityOrder()); // ties by catalogue order
    assertEquals(List.of(), s.catalog().get(0).attributes()); // not kept
    assertEquals(List.of("x", "y"), s.catalog().get(0).categories());
    s.write(dir);
    List<String> lines = Files.readAllLines(dir.resolve("catalog.jsonl"), StandardCharsets.UTF_8);
    assertEquals("{\"format\":\"genrec-catalog\",\"version\":1,\"dataset\":\"hand\",\"items\":4}",
        lines.get(0));
    assertEquals(5, lines.size());
    CatalogSnapshot back = CatalogSnapshot.read(dir);
    assertEquals(s, back);
    assertEquals("Gamma \"quoted\"\ttab", back.catalog().get(2).title());
    assertEquals("Délta ✓", back.catalog().get(3).title());
    // rewritten atomically: no temporary file is left beside it
    s.write(dir);
    try (var files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("catalog.jsonl")), files.toList());
    }
  }

  @Test
  void quantizeAndTrainLeaveOneInTheRunFolder() {
    TinyRun tiny = TinyRun.get();
    assertEquals(CatalogSnapshot.of(tiny.dataset()), CatalogSnapshot.read(tiny.run()));
  }

  /** Served from the snapshot, the run answers exactly as when served from the dataset. */
  @Test
  void servingFromTheSnapshotEqualsServingFromTheData() {
    TinyRun tiny = TinyRun.get();
    ServingModel fromData = ServingModel.load(tiny.dataset(), tiny.run(), 20);
    ServingModel fromSnapshot = ServingModel.load(CatalogSnapshot.read(tiny.run()), tiny.run(),
        List.of(), 20);
    try {
      assertEquals(fromData.datasetName(), fromSnapshot.datasetName());
      assertEquals(fromData.numItems(), fromSnapshot.numItems());
      assertArrayEquals(fromData.popular(50), fromSnapshot.popular(50));
      for (int i = 0; i < fromData.numItems(); i++) {
        assertEquals(fromData.item(i).id(), fromSnapshot.item(i).id());
        assertEquals(fromData.item(i).title(), fromSnapshot.item(i).title());
        assertEquals(fromData.item(i).text(), fromSnapshot.item(i).text());
        assertArrayEquals(fromData.codes(i), fromSnapshot.codes(i));
      }
      int[][] histories = {{0, 1, 2}, {7}};
      var a = fromData.recommend(histories, 5, 10, true);
      var b = fromSnapshot.recommend(histories, 5, 10, true);
      for (int h = 0; h < histories.length; h++) {
        assertArrayEquals(a.get(h).items(), b.get(h).items());
        assertArrayEquals(a.get(h).scores(), b.get(h).scores());
      }
    } finally {
      fromData.release();
      fromSnapshot.release();
    }
  }

  @Test
  void badFilesAreRefusedWithTheLineAndField(@TempDir Path dir) throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> CatalogSnapshot.read(dir));
    assertTrue(missing.getMessage().contains("no catalogue snapshot at " + dir.resolve(
        "catalog.jsonl")) && missing.getMessage().contains("--data"), missing.getMessage());
    Path f = dir.resolve("catalog.jsonl");
    String head = "{\"format\":\"genrec-catalog\",\"version\":1,\"dataset\":\"d\",\"items\":2}\n";
    String[][] cases = {
      {"", ":1 field 'format'"},
      {"{\"format\":\"other\"}\n", ":1 field 'format'"},
      {head.replace("\"version\":1", "\"version\":2"), "newer genrec"},
      {head + "{\"id\":\"a\",\"interactions\":1}\n", "cut short"},
      {head + "{\"id\":\"a\",\"interactions\":1}\n{\"id\":\"b\",\"interactions\":-1}\n",
          ":3 field 'interactions'"},
      {head + "{\"id\":\"a\",\"interactions\":1}\n{\"title\":\"b\",\"interactions\":1}\n",
          ":3 field 'id'"},
      {head + "{\"id\":\"a\",\"interactions\":1}\nnot json\n", ":3: not valid JSON"},
      {head + "{\"id\":\"a\",\"interactions\":1}\n{\"id\":\"a\",\"interactions\":1}\n",
          "duplicate item id 'a'"},
      {head + "{\"id\":\"a\",\"interactions\":1}\n{\"id\":\"b\",\"interactions\":1}\n"
          + "{\"id\":\"c\",\"interactions\":1}\n", ":4: more items"},
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0]);
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> CatalogSnapshot.read(dir), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
  }
}
