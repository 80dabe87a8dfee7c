package genrec.cascade.recall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecallEvaluatorTest {
  /** The same ranking for everyone, history left out. */
  record Fixed(String name, int[] ranking) implements CandidateChannel {
    @Override
    public ChannelCandidates candidates(int[] history, int n) {
      List<Candidate> out = new ArrayList<>();
      for (int item : ranking) {
        if (out.size() < n && java.util.Arrays.stream(history).noneMatch(h -> h == item)) {
          out.add(new Candidate(item, 10 - out.size(), out.size() + 1));
        }
      }
      return new ChannelCandidates(name, out);
    }
  }

  private static final List<CandidateChannel> CHANNELS =
      List.of(new Fixed("a", new int[] {0, 1, 2, 3}), new Fixed("b", new int[] {3, 4, 5}));

  // case 1: target 0 is a's 1st; 2: target 3 is b's 1st (a's 4th); 3: target 2 is a's 3rd;
  // 4: nobody has 7; 5: history {0}, so a gives 1, 2, 3 and target 3 is a's 3rd and b's 1st
  private static final List<EvalCase> CASES = List.of(new EvalCase(0, new int[] {9}, 0),
      new EvalCase(1, new int[] {9}, 3), new EvalCase(2, new int[] {9}, 2),
      new EvalCase(3, new int[] {9}, 7), new EvalCase(4, new int[] {0}, 3));

  @Test
  void recallExclusiveUnionAndMergedByHand() {
    CandidateMerger merger = CandidateMerger.builder().addChannels("a=1,b=1").build();
    for (int threads : new int[] {1, 3}) {
      RecallReport r = new RecallEvaluator(new int[] {3, 1}, threads)
          .evaluate(CHANNELS, merger, CASES, "validation", Progress.silent());
      assertEquals(5, r.cases());
      assertArrayEquals(new int[] {1, 3}, r.ns());
      assertEquals(0.2, r.recallAt("a", 1), 1e-12); // case 1
      assertEquals(0.6, r.recallAt("a", 3), 1e-12); // cases 1, 3, 5 (case 2: 4th)
      assertEquals(0.4, r.recallAt("b", 1), 1e-12); // cases 2, 5
      assertEquals(0.4, r.recallAt("b", 3), 1e-12);
      assertEquals(0.2, r.exclusiveAt("a", 1), 1e-12); // case 1
      assertEquals(0.4, r.exclusiveAt("a", 3), 1e-12); // cases 1, 3
      assertEquals(0.4, r.exclusiveAt("b", 1), 1e-12); // cases 2, 5
      assertEquals(0.2, r.exclusiveAt("b", 3), 1e-12); // case 2 (case 5: a has it too)
      assertEquals(0.6, r.unionRecallAt(1), 1e-12); // cases 1, 2, 5
      assertEquals(0.8, r.unionRecallAt(3), 1e-12); // cases 1, 2, 3, 5
      assertArrayEquals(new double[] {2, 5.8}, r.unionSize(), 1e-12); // case 5: {1,2,3,4,5}
      assertArrayEquals(new double[] {1, 3}, r.size()[0], 1e-12);
      // merged: a's first non-history item, then b's first not yet in: {0,3} or {1,3}
      assertEquals(0.6, r.merged().recall(), 1e-12); // cases 1, 2, 5
      assertEquals(2.0, r.merged().size(), 1e-12);
      assertEquals("a=1,b=1", r.merged().quotas());
      r.recall()[0][0] = 9; // a copy
      r.ns()[0] = 9;
      assertEquals(0.2, r.recallAt("a", 1), 1e-12);
    }
  }

  @Test
  void theCsvHoldsEveryNumberOfTheReport() {
    RecallReport r = new RecallEvaluator(new int[] {1, 3}, 1).evaluate(CHANNELS,
        CandidateMerger.builder().addChannels("b=2,a=1").build(), CASES, "test",
        Progress.silent());
    List<String> lines = r.csv().lines().toList();
    assertEquals(RecallReport.CSV_HEADER, lines.get(0));
    assertEquals(1 + 2 * 2 + 2 + 1, lines.size());
    assertEquals("test,a,3,5,0.600000,0.400000,3.000000,", lines.get(2));
    assertEquals("test,union,3,5,0.800000,,5.800000,", lines.get(6));
    // merged: b admits 3, 4; a then its first item not in: 0, or 1 when 0 is history
    assertEquals("test,merged,3,5,0.600000,,3.000000,b=2;a=1", lines.get(7));
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      assertEquals(8, f.length, l);
      double recall = Double.parseDouble(f[4]);
      if (!f[1].equals("union") && !f[1].equals("merged")) {
        assertEquals(r.recallAt(f[1], Integer.parseInt(f[2])), recall, 1e-6);
        assertEquals(r.exclusiveAt(f[1], Integer.parseInt(f[2])), Double.parseDouble(f[5]), 1e-6);
      }
    }
    String table = r.table();
    assertEquals(5, table.lines().count(), table); // header, a, b, union, the merged line
  }

  @Test
  void withoutAMergerThereIsNoMergedRowAndBadInputIsRefused() {
    RecallReport r = new RecallEvaluator(new int[] {2}, 1).evaluate(CHANNELS, null, CASES,
        "validation", Progress.silent());
    assertNull(r.merged());
    assertEquals(1 + 2 + 1, r.csv().lines().count());
    assertThrows(IllegalArgumentException.class, () -> new RecallEvaluator(new int[] {}, 1));
    assertThrows(IllegalArgumentException.class, () -> new RecallEvaluator(new int[] {0}, 1));
    assertThrows(IllegalArgumentException.class, () -> new RecallEvaluator(new int[] {5, 5}, 1));
    assertThrows(IllegalArgumentException.class, () -> new RecallEvaluator(new int[] {5}, 0));
    RecallEvaluator ev = new RecallEvaluator(new int[] {2}, 1);
    assertThrows(IllegalArgumentException.class, () -> ev.evaluate(List.of(CHANNELS.get(0),
        CHANNELS.get(0)), null, CASES, "validation", Progress.silent()));
    assertThrows(IllegalArgumentException.class, () -> ev.evaluate(CHANNELS,
        CandidateMerger.builder().addChannels("c=1").build(), CASES, "validation",
        Progress.silent()));
    CandidateChannel broken = new CandidateChannel() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public ChannelCandidates candidates(int[] history, int n) {
        throw new IllegalArgumentException("history item 9 outside catalogue of 8");
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RecallEvaluator(new int[] {2}, 2).evaluate(List.of(broken), null, CASES,
            "validation", Progress.silent()));
    assertEquals("history item 9 outside catalogue of 8", e.getMessage()); // not a wrapped copy
    assertThrows(IllegalArgumentException.class, () -> r.recallAt("a", 7));
    assertThrows(IllegalArgumentException.class, () -> r.recallAt("z", 2));
  }
}
