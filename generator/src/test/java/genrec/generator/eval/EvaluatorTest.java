package genrec.generator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  /** Scores item i as 10 - i: item 0 is always first. */
  private static final Recommender FIXED = new Recommender() {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public int numItems() {
      return 20;
    }

    @Override
    public void score(int[] history, float[] scores) {
      for (int i = 0; i < scores.length; i++) {
        scores[i] = i < 12 ? 12 - i : 0; // items 12..19 all tie at 0
      }
    }
  };

  @Test
  void handComputedMeans() {
    List<EvalCase> cases = List.of(
        new EvalCase(0, new int[] {1}, 0),   // rank 0
        new EvalCase(1, new int[] {1}, 4),   // rank 4
        new EvalCase(2, new int[] {1}, 9),   // rank 9
        new EvalCase(3, new int[] {1}, 15)); // ties with 7 others at 0 → rank 12 + 7 = 19
    for (int threads : new int[] {1, 3}) {
      EvalReport r = new Evaluator(new int[] {10, 5}, threads).evaluate(FIXED, cases, "test", Progress.silent());
      assertEquals(4, r.cases());
      assertEquals(2.0 / 4, r.recallAt(5), 1e-12);
      assertEquals(3.0 / 4, r.recallAt(10), 1e-12);
      double n5 = 1 + 1 / log2(6);
      double n10 = n5 + 1 / log2(11);
      assertEquals(n5 / 4, r.ndcgAt(5), 1e-12);
      assertEquals(n10 / 4, r.ndcgAt(10), 1e-12);
      // every case gets the same top list: items 0..K-1
      assertEquals(5.0 / 20, r.coverageAt(5), 1e-12);
      assertEquals(10.0 / 20, r.coverageAt(10), 1e-12);
    }
  }

  @Test
  void rejectsBadCutOffs() {
    assertThrows(IllegalArgumentException.class, () -> new Evaluator(new int[] {0}, 1));
    assertThrows(IllegalArgumentException.class, () -> new Evaluator(new int[] {}, 1));
    EvalReport r = new Evaluator(new int[] {5}, 1).evaluate(FIXED, List.of(), "test", Progress.silent());
    assertThrows(IllegalArgumentException.class, () -> r.recallAt(10));
  }

  /** The table's model column fits its longest name, so every column lines up. */
  @Test
  void tableAlignsColumnsToTheLongestName() {
    List<EvalCase> cases = List.of(new EvalCase(0, new int[] {1}, 0));
    Evaluator ev = new Evaluator(new int[] {10}, 1);
    String longName = "mixture of 2 generators, last, refit";
    Recommender named = new Recommender() {
      @Override
      public String name() {
        return longName;
      }

      @Override
      public int numItems() {
        return FIXED.numItems();
      }

      @Override
      public void score(int[] history, float[] scores) {
        FIXED.score(history, scores);
      }
    };
    String table = EvalReport.table(List.of(ev.evaluate(named, cases, "test", Progress.silent()),
        ev.evaluate(FIXED, cases, "validation", Progress.silent())));
    String[] lines = table.split("\n");
    assertEquals(3, lines.length, table);
    for (String line : lines) {
      assertEquals(lines[0].length(), line.length(), table);
      assertEquals(' ', line.charAt(longName.length()), table); // nothing runs into 'split'
    }
    assertEquals(longName.length() + 1, lines[2].indexOf("validation"), table);
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> EvalReport.table(List.of(ev.evaluate(FIXED, cases, "test", Progress.silent()),
            new Evaluator(new int[] {5}, 1).evaluate(named, cases, "test", Progress.silent()))));
    assertTrue(mixed.getMessage().contains("'" + longName + "' measures ks [5]"),
        mixed.getMessage());
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
