package genrec.cascade.rank.features;

import genrec.cascade.recall.MergedCandidate;
import genrec.cascade.recall.MergedCandidates;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ranker's inputs for one (user history, merged candidate list): a row of dense features
 * per candidate, the candidate's item and semantic-ID codes (for the ranker's embeddings), and
 * the history's last {@code historyLength} items with their codes (for target attention).
 *
 * <p>Dense features, in {@link #names()} order (every one in [-1, 1] or close to it):
 *
 * <ul>
 *   <li>per channel c (in the merger's channel order): {@code c.present} (1 when c returned the
 *       item), {@code c.rank} ({@code 1/log2(1 + rank)}, 0 when absent), {@code c.score}
 *       ({@code sign(s)·log(1 + |s|)} of the channel's own score, 0 when absent) and {@code
 *       c.gap} (that transformed score minus the best transformed score c gave in this list);
 *   <li>{@code channels}: the share of channels that returned the item;
 *   <li>{@code popularity}: {@code log(1 + count) / log(1 + max count)} over the fit data;
 *   <li>{@code knn.last1..3}: ItemKNN cosine between the item and the 1st, 2nd, 3rd most recent
 *       history item (0 when not neighbours or no such item);
 *   <li>{@code text.last}, {@code text.max3}, {@code text.mean}: text-vector cosine to the most
 *       recent item, its maximum over the last 3, and the cosine to the mean of the history's
 *       window (0 without vectors);
 *   <li>{@code sid.c1}, {@code sid.c1c2}, {@code sid.c1c2c3}: the item shares that prefix with
 *       the most recent item; {@code sid.c1.share}, {@code sid.c1c2.share}: the share of the
 *       window's items sharing it; {@code sid.recency}: {@code 1/(1 + d)} for the distance d
 *       (0 = most recent) of the newest window item with the same c1, 0 when none (all 0 without
 *       codes);
 *   <li>{@code history}: {@code log(1 + length) / log(1 + 50)}, the history's length.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RankFeatures {
  private static final int LEVELS = 3;
  private static final int PER_CHANNEL = 4;

  private final List<String> channels;
  private final int historyLength;
  private final int numItems;
  private final ItemKnn knn;
  private final float[] popularity;
  private final ContentKnn text;
  private final int[][] codes;
  private final List<String> names;

  private RankFeatures(Builder b) {
    this.channels = List.copyOf(b.channels);
    this.historyLength = b.historyLength;
    this.numItems = b.numItems;
    this.knn = b.knn;
    this.text = b.text;
    this.codes = b.codes;
    this.popularity = new float[numItems];
    if (b.popularity != null) {
      float max = 0;
      for (int i = 0; i < numItems; i++) {
        max = Math.max(max, b.popularity.count(i));
      }
      double denom = Math.log1p(max);
      for (int i = 0; i < numItems && denom > 0; i++) {
        popularity[i] = (float) (Math.log1p(b.popularity.count(i)) / denom);
      }
    }
    List<String> n = new ArrayList<>();
    for (String c : channels) {
      n.add(c + ".present");
      n.add(c + ".rank");
      n.add(c + ".score");
      n.add(c + ".gap");
    }
    n.addAll(List.of("channels", "popularity", "knn.last1", "knn.last2", "knn.last3",
        "text.last", "text.max3", "text.mean", "sid.c1", "sid.c1c2", "sid.c1c2c3",
        "sid.c1.share", "sid.c1c2.share", "sid.recency", "history"));
    this.names = List.copyOf(n);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The dense feature names, in column order. */
  public List<String> names() {
    return names;
  }

  /** Number of dense features F. */
  public int numDense() {
    return names.size();
  }

  /** The channels, in the order their features appear (the merger's order). */
  public List<String> channels() {
    return channels;
  }

  /** History positions L given to target attention. */
  public int historyLength() {
    return historyLength;
  }

  public int numItems() {
    return numItems;
  }

  /** True when the features carry semantic-ID codes (the ranker then embeds them). */
  public boolean hasCodes() {
    return codes != null;
  }

  /**
   * The features of one merged list.
   *
   * @param history the user's items, oldest first
   * @param merged the merged candidates of that history (its channels must be {@link #channels()})
   */
  public Query query(int[] history, MergedCandidates merged) {
    return query(history, merged, null);
  }

  /**
   * As {@link #query(int[], MergedCandidates)}, where candidates may also be items added after
   * the features were fitted (indices at or beyond {@link #numItems()}, as a server adds them
   * live): such an item has item id 0 (unknown to the ranker's item table), no popularity,
   * ItemKNN or text features, and the codes {@code liveCodes} gives (its semantic ID from the
   * quantizer). The history must hold known items only.
   *
   * @param liveCodes codes (c1, c2, c3, ...) of an added item by index, or null: every
   *     candidate must then be a known item
   */
  public Query query(int[] history, MergedCandidates merged,
      java.util.function.IntFunction<int[]> liveCodes) {
    Objects.requireNonNull(history, "history");
    for (int h : history) {
      if (h < 0 || h >= numItems) {
        throw new IllegalArgumentException("history item " + h + " outside catalogue of "
            + numItems);
      }
    }
    if (!merged.channels().equals(channels)) {
      throw new IllegalArgumentException("merged list has channels " + merged.channels()
          + ", the features were built for " + channels);
    }
    int f = numDense();
    int n = merged.size();
    int nc = channels.size();
    float[] dense = new float[n * f];
    int[] item = new int[n];
    int[] cand = new int[n * LEVELS];

    // per channel: the best transformed score in the list, for the gap feature
    float[] best = new float[nc];
    java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
    for (MergedCandidate m : merged.candidates()) {
      for (int c = 0; c < nc; c++) {
        if (m.from(c)) {
          best[c] = Math.max(best[c], squash(m.score(c)));
        }
      }
    }
    // the last three history items' ItemKNN neighbours, as maps
    int len = history.length;
    List<Map<Integer, Float>> near = new ArrayList<>(3);
    for (int t = 0; t < 3; t++) {
      Map<Integer, Float> m = new HashMap<>();
      if (knn != null && len - 1 - t >= 0) {
        int h = history[len - 1 - t];
        int[] nb = knn.neighbours(h);
        float[] s = knn.similarities(h);
        for (int e = 0; e < nb.length; e++) {
          m.put(nb[e], s[e]);
        }
      }
      near.add(m);
    }
    int from = Math.max(0, len - historyLength);
    int window = len - from;
    for (int r = 0; r < n; r++) {
      MergedCandidate m = merged.candidates().get(r);
      int i = m.item();
      boolean live = i >= numItems && liveCodes != null;
      if (i < 0 || (i >= numItems && !live)) {
        throw new IllegalArgumentException("candidate item " + i + " outside catalogue of "
            + numItems);
      }
      item[r] = live ? 0 : i + 1;
      int o = r * f;
      int present = 0;
      for (int c = 0; c < nc; c++) {
        int k = o + c * PER_CHANNEL;
        if (m.from(c)) {
          present++;
          float s = squash(m.score(c));
          dense[k] = 1f;
          dense[k + 1] = (float) (1 / (Math.log(1 + m.rank(c)) / Math.log(2)));
          dense[k + 2] = s;
          dense[k + 3] = s - best[c];
        }
      }
      int k = o + nc * PER_CHANNEL;
      dense[k++] = nc == 0 ? 0f : (float) present / nc;
      dense[k++] = live ? 0f : popularity[i];
      for (int t = 0; t < 3; t++) {
        dense[k++] = near.get(t).getOrDefault(i, 0f);
      }
      if (text != null && len > 0 && !live) {
        float last = text.cosine(i, history[len - 1]);
        float max3 = last;
        for (int t = 1; t < 3 && len - 1 - t >= 0; t++) {
          max3 = Math.max(max3, text.cosine(i, history[len - 1 - t]));
        }
        double mean = 0;
        for (int h = from; h < len; h++) {
          mean += text.cosine(i, history[h]);
        }
        dense[k++] = last;
        dense[k++] = max3;
        dense[k++] = (float) (mean / window);
      } else {
        k += 3;
      }
      int[] ci = codes == null ? null : live ? liveCodes.apply(i) : codes[i];
      if (codes != null && len > 0) {
        for (int l = 0; l < LEVELS; l++) {
          cand[r * LEVELS + l] = ci[l] + 1;
        }
        int[] last = codes[history[len - 1]];
        dense[k++] = ci[0] == last[0] ? 1f : 0f;
        dense[k++] = ci[0] == last[0] && ci[1] == last[1] ? 1f : 0f;
        dense[k++] = ci[0] == last[0] && ci[1] == last[1] && ci[2] == last[2] ? 1f : 0f;
        int same1 = 0;
        int same2 = 0;
        int newest = -1;
        for (int h = len - 1; h >= from; h--) {
          int[] ch = codes[history[h]];
          if (ch[0] == ci[0]) {
            same1++;
            if (newest < 0) {
              newest = len - 1 - h;
            }
            if (ch[1] == ci[1]) {
              same2++;
            }
          }
        }
        dense[k++] = (float) same1 / window;
        dense[k++] = (float) same2 / window;
        dense[k++] = newest < 0 ? 0f : 1f / (1 + newest);
      } else {
        if (codes != null) {
          for (int l = 0; l < LEVELS; l++) {
            cand[r * LEVELS + l] = ci[l] + 1;
          }
        }
        k += 6;
      }
      dense[k] = (float) (Math.log1p(len) / Math.log1p(50));
    }
    // the history window, right-aligned and 0-padded
    int[] histItem = new int[historyLength];
    int[] histCodes = new int[historyLength * LEVELS];
    for (int h = from; h < len; h++) {
      int p = historyLength - (len - h);
      histItem[p] = history[h] + 1;
      if (codes != null) {
        for (int l = 0; l < LEVELS; l++) {
          histCodes[p * LEVELS + l] = codes[history[h]][l] + 1;
        }
      }
    }
    return new Query(merged.items(), dense, item, cand, histItem, histCodes);
  }

  /** {@code sign(s)·log(1 + |s|)}: one scale for log-probabilities, cosines and counts. */
  static float squash(float s) {
    return (float) (Math.signum(s) * Math.log1p(Math.abs(s)));
  }

  /**
   * One history's ranker inputs: row r describes candidate {@code items[r]}.
   *
   * @param items the candidate items (dense indices), in merged order
   * @param dense (rows × F) dense features, row-major
   * @param item (rows) candidate item index + 1
   * @param codes (rows × 3) candidate codes + 1 (0 without codes)
   * @param histItem (L) the history window's items + 1, right-aligned, 0-padded
   * @param histCodes (L × 3) their codes + 1
   */
  public record Query(int[] items, float[] dense, int[] item, int[] codes, int[] histItem,
      int[] histCodes) {
    public int size() {
      return items.length;
    }
  }

  /**
   * Builds {@link RankFeatures}: {@link #setChannels}, {@link #setNumItems} and {@link
   * #setHistoryLength} are required; the ItemKNN index, popularity, text vectors and codes are
   * optional (their features are 0 without them).
   */
  public static final class Builder {
    private List<String> channels;
    private int historyLength = -1;
    private int numItems = -1;
    private ItemKnn knn;
    private MostPop popularity;
    private ContentKnn text;
    private int[][] codes;

    private Builder() {}

    public Builder setChannels(List<String> channels) {
      this.channels = channels;
      return this;
    }

    public Builder setHistoryLength(int historyLength) {
      this.historyLength = historyLength;
      return this;
    }

    public Builder setNumItems(int numItems) {
      this.numItems = numItems;
      return this;
    }

    public Builder optItemKnn(ItemKnn knn) {
      this.knn = knn;
      return this;
    }

    public Builder optPopularity(MostPop popularity) {
      this.popularity = popularity;
      return this;
    }

    public Builder optText(ContentKnn text) {
      this.text = text;
      return this;
    }

    /** Per item its semantic-ID codes (at least c1, c2, c3), as in {@code sid.tsv}. */
    public Builder optCodes(int[][] codes) {
      this.codes = codes;
      return this;
    }

    public RankFeatures build() {
      Objects.requireNonNull(channels, "channels");
      if (numItems < 1) {
        throw new IllegalArgumentException("numItems=" + numItems + " must be >= 1");
      }
      if (historyLength < 1) {
        throw new IllegalArgumentException("historyLength=" + historyLength + " must be >= 1");
      }
      if (knn != null && knn.numItems() != numItems) {
        throw new IllegalArgumentException("ItemKNN index has " + knn.numItems()
            + " items, numItems=" + numItems);
      }
      if (text != null && text.numItems() != numItems) {
        throw new IllegalArgumentException("text vectors have " + text.numItems()
            + " rows, numItems=" + numItems);
      }
      if (codes != null) {
        if (codes.length != numItems) {
          throw new IllegalArgumentException("codes have " + codes.length + " rows, numItems="
              + numItems);
        }
        for (int i = 0; i < codes.length; i++) {
          if (codes[i] == null || codes[i].length < LEVELS) {
            throw new IllegalArgumentException("item " + i + " has fewer than " + LEVELS
                + " codes");
          }
        }
      }
      return new RankFeatures(this);
    }
  }
}
