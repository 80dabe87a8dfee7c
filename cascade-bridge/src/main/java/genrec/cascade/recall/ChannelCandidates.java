package genrec.cascade.recall;

import genrec.generator.eval.RankingMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The list one channel returned for one history: distinct items, best first, ranks 1, 2, ...
 * and scores that never increase down the list. Immutable.
 *
 * @param channel the channel's name
 * @param candidates the proposed items, best first
 */
public record ChannelCandidates(String channel, List<Candidate> candidates) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  public ChannelCandidates {
    checkName(channel);
    candidates = List.copyOf(candidates);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      if (c.rank() != i + 1) {
        throw new IllegalArgumentException(channel + ": candidate " + (i + 1) + " (item "
            + c.item() + ") has rank " + c.rank());
      }
      if (i > 0 && c.score() > candidates.get(i - 1).score()) {
        throw new IllegalArgumentException(channel + ": candidate " + (i + 1) + " (item "
            + c.item() + ") scores " + c.score() + ", above the one before it");
      }
      if (!seen.add(c.item())) {
        throw new IllegalArgumentException(channel + ": item " + c.item() + " is listed twice");
      }
    }
  }

  /** Throws unless {@code name} is a channel name: lower case letters, digits and '-'. */
  static String checkName(String name) {
    Objects.requireNonNull(name, "channel name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("channel name '" + name
          + "' must be lower case letters, digits and '-', starting with a letter");
    }
    return name;
  }

  /** An empty list. */
  public static ChannelCandidates empty(String channel) {
    return new ChannelCandidates(channel, List.of());
  }

  /**
   * The {@code n} best items of a full score array (ties by lower index), leaving out the
   * history, items scored {@code -Infinity} or NaN, and items scoring {@code floor} or less.
   * {@code scores} is modified (history items are set to {@code -Infinity}).
   */
  public static ChannelCandidates top(String channel, float[] scores, int[] history, int n,
      float floor) {
    checkN(n);
    for (int h : history) {
      if (h >= 0 && h < scores.length) {
        scores[h] = Float.NEGATIVE_INFINITY;
      }
    }
    int[] best = RankingMetrics.topK(scores, Math.min(n, scores.length));
    List<Candidate> out = new ArrayList<>(best.length);
    for (int item : best) {
      if (!(scores[item] > floor)) {
        break; // sorted: everything after scores no more
      }
      out.add(new Candidate(item, scores[item], out.size() + 1));
    }
    return new ChannelCandidates(channel, out);
  }

  static void checkN(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n=" + n + " candidates requested: must be >= 1");
    }
  }

  public int size() {
    return candidates.size();
  }

  /** The items, best first. */
  public int[] items() {
    return candidates.stream().mapToInt(Candidate::item).toArray();
  }

  /** 1-based rank of {@code item} in this list, 0 when it is not in it. */
  public int rankOf(int item) {
    for (Candidate c : candidates) {
      if (c.item() == item) {
        return c.rank();
      }
    }
    return 0;
  }
}
