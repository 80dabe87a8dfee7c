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

  /** The items, in list order. */
  public int[] items() {
    return candidates.stream().mapToInt(MergedCandidate::item).toArray();
  }
}
