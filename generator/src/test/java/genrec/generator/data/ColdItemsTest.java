package genrec.generator.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.train.TrainData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdItemsTest {
  private static final Dataset DATA =
      SyntheticInteractions.generate(new SyntheticInteractions.Options(400, 300, 5, 20, 7));

  @Test
  void theDrawIsSeededAndExact() {
    ColdItems a = ColdItems.draw(300, 0.05, 1);
    assertEquals(15, a.count());
    assertArrayEquals(a.items(), ColdItems.draw(300, 0.05, 1).items());
    assertFalse(Arrays.equals(a.items(), ColdItems.draw(300, 0.05, 2).items()));
    assertEquals(1, ColdItems.draw(10, 0.01, 1).count()); // at least one
    assertThrows(IllegalArgumentException.class, () -> ColdItems.draw(300, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> ColdItems.draw(300, 1, 1));
    boolean[] copy = a.cold();
    copy[a.items()[0]] = false;
    assertTrue(a.isCold(a.items()[0]), "cold() hands out a copy");
  }

  @Test
  void noHeldOutInteractionReachesAnyTrainingInput() {
    LeaveOneOutSplit full = LeaveOneOutSplit.of(DATA);
    ColdItems cold = ColdItems.draw(DATA.catalog().size(), 0.1, 3);
    LeaveOneOutSplit split = cold.apply(full);
    // the cases the models are measured on are untouched
    assertSame(full.validation(), split.validation());
    assertSame(full.test(), split.test());
    long removed = 0;
    for (int u = 0; u < split.train().size(); u++) {
      int[] s = split.train().get(u);
      for (int i : s) {
        assertFalse(cold.isCold(i), "user " + u + " trains on held-out item " + i);
      }
      removed += full.train().get(u).length - s.length;
    }
    assertTrue(removed > 0, "the synthetic data has interactions with the held-out items");
    // the generator's samples: no held-out item as input or target
    TrainData td = TrainData.of(split, new int[DATA.catalog().size()][4]);
    td.sequences().forEach(s -> Arrays.stream(s).forEach(i -> assertFalse(cold.isCold(i))));
    // ItemKNN (and the quantizer's item-CF mix, which uses its neighbours): held-out items have
    // no neighbours and are nobody's neighbour
    ItemKnn knn = ItemKnn.fit(split.train(), split.numItems(), ItemKnn.Options.defaults());
    for (int i = 0; i < split.numItems(); i++) {
      if (cold.isCold(i)) {
        assertEquals(0, knn.neighbours(i).length, "held-out item " + i + " has neighbours");
      }
      for (int n : knn.neighbours(i)) {
        assertFalse(cold.isCold(n), "item " + i + " has held-out neighbour " + n);
      }
    }
    // MostPop never proposes one
    float[] scores = new float[split.numItems()];
    MostPop.fit(split.train(), split.numItems(), true).score(new int[] {0}, scores);
    for (int i : cold.items()) {
      assertTrue(scores[i] <= 0 || scores[i] == Float.NEGATIVE_INFINITY, "item " + i);
    }
  }

  @Test
  void writeThenReadGivesTheSameDraw(@TempDir Path dir) throws Exception {
    ColdItems cold = ColdItems.draw(DATA.catalog().size(), 0.05, 11);
    Path f = dir.resolve(ColdItems.FILE);
    assertNull(ColdItems.read(f, DATA.catalog()));
    cold.write(f, DATA.catalog());
    ColdItems back = ColdItems.read(f, DATA.catalog());
    assertArrayEquals(cold.items(), back.items());
    assertEquals(0.05, back.fraction());
    assertEquals(11, back.seed());

    Files.writeString(f, Files.readString(f) + "no-such-item\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ColdItems.read(f, DATA.catalog()));
    assertEquals(cold.count() + 3, e.line());
    assertTrue(e.getMessage().contains("'no-such-item' is not in the catalogue"), e.getMessage());
    Files.writeString(f, "item-1\n");
    e = assertThrows(DataFormatException.class, () -> ColdItems.read(f, DATA.catalog()));
    assertEquals(1, e.line());
    assertNotEquals(null, e.getMessage());
  }
}
