package genrec.cascade.recall;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merged candidate list of one history: distinct items in the order the merger admitted
 * them (channel by channel in quota order, each channel's best first), each with every
 * channel's score and rank. Immutable.
 */
public final class MergedCandidates {
  private final List<String> channels;
  private final List<MergedCandidate> candidates;
  private final Map<Integer, Integer> position;

  MergedCandidates(List<String> channels, List<MergedCandidate> candidates) {
    this.channels = List.copyOf(channels);
    this.candidates = List.copyOf(candidates);
    this.position = new HashMap<>(candidates.size() * 2);
    for (int i = 0; i < candidates.size(); i++) {
      position.put(candidates.get(i).item(), i);
    }
  }

  /** The channel names, in the index order of {@link MergedCandidate#score(int)}. */
  public List<String> channels() {
    return channels;
  }

  public List<MergedCandidate> candidates() {
    return candidates;
  }

  public int size() {
    return candidates.size();
  }

  public boolean contains(int item) {
    return position.containsKey(item);
  }

  /** The candidate of {@code item}, or null when it is not in the list. */
  public MergedCandidate get(int item) {
    Integer p = position.get(item);
    return p == null ? null : candidates.get(p);
  }

  /**
   * The same items in the same order, described with {@code to}'s channels: a channel of both
   * keeps its scores and ranks, a channel only in {@code to} returned nothing, one only in this
   * list is dropped. What a ranker trained on one set of channels reads from a list merged from
   * another (a request's own quotas). An item admitted by a dropped channel gets {@link
   * MergedCandidate#source()} -1.
   *
   * @throws IllegalArgumentException if {@code to} names a channel twice
   */
  public MergedCandidates withChannels(List<String> to) {
    if (to.equals(channels)) {
      return this;
    }
    if (new java.util.HashSet<>(to).size() != to.size()) {
      throw new IllegalArgumentException("channels " + to + " name a channel twice");
    }
    int[] from = new int[to.size()]; // index in this list, -1 when absent
    for (int c = 0; c < from.length; c++) {
      from[c] = channels.indexOf(to.get(c));
    }
    List<MergedCandidate> out = new java.util.ArrayList<>(candidates.size());
    for (MergedCandidate m : candidates) {
      float[] s = new float[from.length];
      int[] r = new int[from.length];
      for (int c = 0; c < from.length; c++) {
        s[c] = from[c] < 0 ? Float.NaN : m.score(from[c]);
        r[c] = from[c] < 0 ? 0 : m.rank(from[c]);
      }
      out.add(new MergedCandidate(m.item(), to.indexOf(channels.get(m.source())), s, r));
    }
    return new MergedCandidates(to, out);
  }

  /** The items, in list order. */
  public int[] items() {
    return candidates.stream().mapToInt(MergedCandidate::item).toArray();
  }
}
