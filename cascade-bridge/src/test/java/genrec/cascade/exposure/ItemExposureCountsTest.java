package genrec.cascade.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemExposureCountsTest {
  @Test
  void countsRoundTripAndStayBounded(@TempDir Path dir) throws IOException {
    ItemExposureCounts c = new ItemExposureCounts(2);
    c.add(List.of("a", "b", "a"));
    assertEquals(2, c.count("a"));
    c.add(List.of("c")); // b is the least recently counted
    assertEquals(0, c.count("b"));
    assertEquals(2, c.size());
    c.save(dir);
    ItemExposureCounts back = ItemExposureCounts.load(dir, 2);
    assertEquals(2, back.count("a"));
    assertEquals(1, back.count("c"));
    assertEquals(0, back.count("b"));
    Files.writeString(dir.resolve(ItemExposureCounts.FILE), "a\t2\nb\tzero\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> ItemExposureCounts.load(dir, 2));
    assertEquals(2, e.line());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ItemExposureCounts(0)).getMessage().contains("maxItems=0"));
    assertThrows(IllegalArgumentException.class, () -> c.add(List.of("bad\nid")));
  }
}
