package genrec.generator.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.ReadReport;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.catalog.SyntheticCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitAndStatsTest {
  private static Dataset tiny() {
    Catalog c = new Catalog(List.of(Item.of("a", "A"), Item.of("b", "B"), Item.of("c", "C"),
        Item.of("d", "D"), Item.of("e", "E")));
    return new Dataset("tiny", c, List.of(UserSequence.ofItems("u0", 0, 1, 2, 3, 4),
        UserSequence.ofItems("u1", 4, 3), UserSequence.ofItems("u2", 1, 2, 0)), ReadReport.strict());
  }

  @Test
  void leaveOneOutSplit() {
    LeaveOneOutSplit s = LeaveOneOutSplit.of(tiny());
    assertEquals(1, s.unsplitUsers());
    assertArrayEquals(new int[] {0, 1, 2}, s.train().get(0));
    assertArrayEquals(new int[] {4, 3}, s.train().get(1)); // too short: all training
    assertArrayEquals(new int[] {1}, s.train().get(2));
    assertEquals(2, s.validation().size());
    assertEquals(3, s.validation().get(0).target());
    assertArrayEquals(new int[] {0, 1, 2}, s.validation().get(0).history());
    assertEquals(4, s.test().get(0).target());
    assertArrayEquals(new int[] {0, 1, 2, 3}, s.test().get(0).history()); // validation item included
    assertEquals(2, s.validation().get(1).user());
    assertArrayEquals(new int[] {1, 2}, s.trainPlusValidation().get(2));
    assertArrayEquals(new int[] {4, 3}, s.trainPlusValidation().get(1));
    assertArrayEquals(new int[] {2, 3}, LeaveOneOutSplit.window(new int[] {0, 1, 2, 3}, 2));
  }

  @Test
  void statsAndGini() {
    DataStats st = DataStats.of(tiny());
    assertEquals(3, st.users());
    assertEquals(10, st.interactions());
    assertArrayEquals(new int[] {2, 2, 3, 5, 5, 5, 5}, st.lengthPercentiles());
    // counts a..e = 2, 2, 2, 2, 2: perfectly even
    assertEquals(0.0, st.popularityGini(), 1e-12);
    // one item has everything among 4: G = (2*4*8)/(4*8) - 5/4 = 0.75
    assertEquals(0.75, DataStats.gini(new long[] {0, 0, 8, 0}), 1e-12);
    assertTrue(st.format("tiny").contains("p50 3"));
  }

  @Test
  void syntheticIsDeterministicAndTopical(@TempDir Path dir) {
    var o = new SyntheticInteractions.Options(400, 300, 5, 30, 7);
    Dataset a = SyntheticInteractions.generate(o);
    Dataset b = SyntheticInteractions.generate(o);
    assertEquals(a.interactions(), b.interactions());
    for (int u = 0; u < a.users().size(); u++) {
      assertArrayEquals(a.users().get(u).items(), b.users().get(u).items());
      assertTrue(a.users().get(u).length() >= 5 && a.users().get(u).length() <= 30);
    }
    Dataset other = SyntheticInteractions.generate(new SyntheticInteractions.Options(400, 300, 5, 30, 8));
    assertNotEquals(a.interactions(), other.interactions());
    // consecutive items share a category far more often than random pairs do
    SyntheticCatalog sc = SyntheticCatalog.generate(300, 7);
    int same = 0;
    int pairs = 0;
    for (UserSequence u : a.users()) {
      for (int k = 1; k < u.length(); k++) {
        pairs++;
        if (sc.category()[u.items()[k]] == sc.category()[u.items()[k - 1]]) {
          same++;
        }
      }
    }
    double chance = 1.0 / SyntheticCatalog.CATEGORIES.size();
    assertTrue((double) same / pairs > 4 * chance, "same-category share " + (double) same / pairs);
    // the generic writer round-trips through the generic reader
    DatasetWriter.writeGeneric(a, dir);
    Dataset back = Datasets.load(dir, false);
    assertEquals(a.catalog().size(), back.catalog().size());
    assertEquals(a.catalog().get(5).title(), back.catalog().get(5).title());
    assertArrayEquals(a.users().get(3).items(), back.users().get(3).items());
  }
}
