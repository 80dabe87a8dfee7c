package genrec.cascade.recall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateMergerTest {
  /** A list of {@code items} with scores 10, 9, 8, ... */
  static ChannelCandidates list(String channel, int... items) {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < items.length; i++) {
      c.add(new Candidate(items[i], 10 - i, i + 1));
    }
    return new ChannelCandidates(channel, c);
  }

  @Test
  void quotasDeduplicationFeaturesAndHistoryOnAHandCase() {
    CandidateMerger m = CandidateMerger.builder().addChannels("a=2, b=2,c=1").build();
    assertEquals(5, m.capacity());
    // history {7}; a: 7 (history), 1, 2, 3; b: 2 (taken by a), 4, 1 (taken), 5; c: 4, 6
    MergedCandidates out = m.merge(new int[] {7}, List.of(
        list("c", 4, 6), list("a", 7, 1, 2, 3), list("b", 2, 4, 1, 5)));
    // a admits 1, 2 (7 is history); b admits 4, 5 (2 and 1 already in); c: 4 is in, so 6
    assertArrayEquals(new int[] {1, 2, 4, 5, 6}, out.items());
    assertEquals(List.of("a", "b", "c"), out.channels());
    assertTrue(!out.contains(7) && !out.contains(3) && out.contains(6));
    MergedCandidate one = out.get(1); // a rank 2 (score 9), b rank 3 (score 8), not in c
    assertEquals(0, one.source());
    assertArrayEquals(new int[] {2, 3, 0}, one.ranks());
    assertEquals(9f, one.score(0));
    assertEquals(8f, one.score(1));
    assertTrue(Float.isNaN(one.score(2)));
    MergedCandidate four = out.get(4); // admitted by b (rank 2), also c's first
    assertEquals(1, four.source());
    assertArrayEquals(new int[] {0, 2, 1}, four.ranks());
    assertTrue(!four.from(0) && four.from(1) && four.from(2));
    assertEquals(10f, four.score(2));
    assertNull(out.get(3));
  }

  @Test
  void resultsAreImmutableCopies() {
    CandidateMerger m = CandidateMerger.builder().addChannel("a", 3).build();
    MergedCandidates out = m.merge(new int[] {}, List.of(list("a", 5, 6)));
    MergedCandidate c = out.candidates().get(0);
    c.scores()[0] = 99;
    c.ranks()[0] = 99;
    assertEquals(10f, c.score(0));
    assertEquals(1, c.rank(0));
    assertThrows(UnsupportedOperationException.class, () -> out.candidates().clear());
  }

  @Test
  void aZeroQuotaChannelOnlyAddsFeaturesAndShortListsLeaveQuotasUnfilled() {
    CandidateMerger m = CandidateMerger.builder().addChannel("a", 3).addChannel("b", 0).build();
    MergedCandidates out = m.merge(new int[] {2}, List.of(list("a", 1, 2), list("b", 9, 1)));
    assertArrayEquals(new int[] {1}, out.items()); // a has only one non-history item
    assertArrayEquals(new int[] {1, 2}, out.get(1).ranks());
  }

  @Test
  void wiringMistakesAndBadQuotasAreRefused() {
    CandidateMerger m = CandidateMerger.builder().addChannel("a", 1).addChannel("b", 1).build();
    assertThrows(IllegalArgumentException.class,
        () -> m.merge(new int[] {}, List.of(list("a", 1))));
    assertThrows(IllegalArgumentException.class,
        () -> m.merge(new int[] {}, List.of(list("a", 1), list("b", 1), list("c", 1))));
    assertThrows(IllegalArgumentException.class,
        () -> m.merge(new int[] {}, List.of(list("a", 1), list("a", 2), list("b", 1))));
    assertThrows(IllegalArgumentException.class, () -> CandidateMerger.builder().build());
    assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannel("a", -1).build());
    assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannel("a", 0).build());
    assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannels("a=1,a=2").build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannels("a=x").build());
    assertTrue(e.getMessage().contains("'x' is not a whole number"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannels("a").build());
    assertThrows(IllegalArgumentException.class,
        () -> CandidateMerger.builder().addChannel("Bad Name", 1).build());
  }

  @Test
  void channelListsMustBeSortedRankedAndDistinct() {
    assertThrows(IllegalArgumentException.class, () -> new ChannelCandidates("a",
        List.of(new Candidate(1, 1, 1), new Candidate(2, 2, 2))));
    assertThrows(IllegalArgumentException.class, () -> new ChannelCandidates("a",
        List.of(new Candidate(1, 2, 1), new Candidate(2, 1, 3))));
    assertThrows(IllegalArgumentException.class, () -> new ChannelCandidates("a",
        List.of(new Candidate(1, 2, 1), new Candidate(1, 1, 2))));
    assertThrows(IllegalArgumentException.class, () -> new Candidate(1, Float.NaN, 1));
    assertEquals(2, list("a", 4, 5).rankOf(5));
    assertEquals(0, list("a", 4, 5).rankOf(6));
  }
}
