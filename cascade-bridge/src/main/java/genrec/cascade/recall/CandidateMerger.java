package genrec.cascade.recall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Merges the channels' lists of one history into one candidate list under per-channel quotas.
 *
 * <p>Channels are taken in the order they were added (their priority). Each walks its own list
 * best first and admits items until it has admitted its quota, skipping the user's history and
 * items an earlier channel already admitted; so a channel's quota counts the items it adds, the
 * list holds at most the sum of the quotas, and fewer only when lists run out. A quota of 0
 * makes a channel a feature source only: it admits nothing, but its scores and ranks are kept.
 * Every admitted item carries the score and rank of every channel that returned it (anywhere
 * in its list, not only within the quota), {@code NaN} / 0 for the others.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class CandidateMerger {
  private final List<String> channels;
  private final int[] quotas;

  private CandidateMerger(List<String> channels, int[] quotas) {
    this.channels = List.copyOf(channels);
    this.quotas = quotas.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The channel names, in priority order. */
  public List<String> channels() {
    return channels;
  }

  /** The quota of {@code channel}. */
  public int quota(String channel) {
    int c = channels.indexOf(channel);
    if (c < 0) {
      throw new IllegalArgumentException("channel '" + channel + "' has no quota");
    }
    return quotas[c];
  }

  /** The largest quota. */
  public int maxQuota() {
    return Arrays.stream(quotas).max().orElse(0);
  }

  /** The most items a merged list can hold: the sum of the quotas. */
  public int capacity() {
    return Arrays.stream(quotas).sum();
  }

  /** {@code name=quota} pairs in priority order, e.g. {@code itemknn=100,content=60}. */
  public String describe() {
    StringJoiner j = new StringJoiner(",");
    for (int c = 0; c < channels.size(); c++) {
      j.add(channels.get(c) + "=" + quotas[c]);
    }
    return j.toString();
  }

  /**
   * Merges one list per configured channel (in any order; exactly the configured channels).
   *
   * @param history the user's items, never admitted
   */
  public MergedCandidates merge(int[] history, List<ChannelCandidates> lists) {
    ChannelCandidates[] byChannel = new ChannelCandidates[channels.size()];
    for (ChannelCandidates l : lists) {
      int c = channels.indexOf(l.channel());
      if (c < 0) {
        throw new IllegalArgumentException("channel '" + l.channel() + "' has no quota (the "
            + "merger's channels are " + channels + ")");
      }
      if (byChannel[c] != null) {
        throw new IllegalArgumentException("channel '" + l.channel() + "' gave two lists");
      }
      byChannel[c] = l;
    }
    for (int c = 0; c < byChannel.length; c++) {
      if (byChannel[c] == null) {
        throw new IllegalArgumentException("no list from channel '" + channels.get(c) + "'");
      }
    }
    Set<Integer> excluded = new HashSet<>();
    for (int h : history) {
      excluded.add(h);
    }
    // admission, in priority order
    Map<Integer, Integer> admitted = new LinkedHashMap<>(); // item -> source channel
    for (int c = 0; c < byChannel.length; c++) {
      int taken = 0;
      for (Candidate k : byChannel[c].candidates()) {
        if (taken == quotas[c]) {
          break;
        }
        if (!excluded.contains(k.item()) && !admitted.containsKey(k.item())) {
          admitted.put(k.item(), c);
          taken++;
        }
      }
    }
    // features: every channel's score and rank of every admitted item
    Map<Integer, float[]> scores = new HashMap<>(admitted.size() * 2);
    Map<Integer, int[]> ranks = new HashMap<>(admitted.size() * 2);
    for (int item : admitted.keySet()) {
      float[] s = new float[channels.size()];
      Arrays.fill(s, Float.NaN);
      scores.put(item, s);
      ranks.put(item, new int[channels.size()]);
    }
    for (int c = 0; c < byChannel.length; c++) {
      for (Candidate k : byChannel[c].candidates()) {
        float[] s = scores.get(k.item());
        if (s != null) {
          s[c] = k.score();
          ranks.get(k.item())[c] = k.rank();
        }
      }
    }
    List<MergedCandidate> out = new ArrayList<>(admitted.size());
    admitted.forEach((item, source) ->
        out.add(new MergedCandidate(item, source, scores.get(item), ranks.get(item))));
    return new MergedCandidates(channels, out);
  }

  /** Quotas by channel, in priority order. */
  public static final class Builder {
    private final List<String> channels = new ArrayList<>();
    private final List<Integer> quotas = new ArrayList<>();

    private Builder() {}

    /** Adds a channel after those added so far, admitting up to {@code quota} items (0: features only). */
    public Builder addChannel(String channel, int quota) {
      channels.add(channel);
      quotas.add(quota);
      return this;
    }

    /**
     * Parses {@code name=quota,name=quota,...} (the order is the priority), e.g. {@code
     * generator=80,itemknn=60}.
     */
    public Builder addChannels(String spec) {
      for (String part : spec.split(",", -1)) {
        String p = part.strip();
        int eq = p.indexOf('=');
        if (eq <= 0 || eq == p.length() - 1) {
          throw new IllegalArgumentException("quota '" + p + "' must look like name=count, "
              + "e.g. itemknn=100");
        }
        String q = p.substring(eq + 1).strip();
        int quota;
        try {
          quota = Integer.parseInt(q);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("quota '" + p + "': '" + q
              + "' is not a whole number");
        }
        addChannel(p.substring(0, eq).strip().toLowerCase(Locale.ROOT), quota);
      }
      return this;
    }

    public CandidateMerger build() {
      if (channels.isEmpty()) {
        throw new IllegalArgumentException("a merger needs at least one channel quota");
      }
      Set<String> seen = new HashSet<>();
      boolean any = false;
      for (int c = 0; c < channels.size(); c++) {
        String name = ChannelCandidates.checkName(channels.get(c));
        if (!seen.add(name)) {
          throw new IllegalArgumentException("channel '" + name + "' has two quotas");
        }
        if (quotas.get(c) < 0) {
          throw new IllegalArgumentException("quota of channel '" + name + "' is "
              + quotas.get(c) + ": must be >= 0");
        }
        any |= quotas.get(c) > 0;
      }
      if (!any) {
        throw new IllegalArgumentException("every quota is 0: the merged list would be empty");
      }
      return new CandidateMerger(channels,
          quotas.stream().mapToInt(Integer::intValue).toArray());
    }
  }
}
