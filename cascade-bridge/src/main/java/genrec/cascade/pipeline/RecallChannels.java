package genrec.cascade.pipeline;

import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The recall channels besides the generator, and the ranking features read from the same
 * fitted objects: {@code popularity} always (training interaction counts), {@code itemknn} when
 * fitted on interaction sequences, {@code content} and the text similarity when the run has
 * item text vectors. The one place where these channels are built, for the server and for
 * {@code eval --cascade} / {@code rank train} / {@code bench rank} alike. These channels know
 * the dataset's items only: items added live (indices at or beyond {@link #numItems()}) are
 * left out of the histories they read. Immutable and thread-safe.
 */
public final class RecallChannels {
  private final int numItems;
  private final float[] counts;
  private final ItemKnn knn; // null: no interactions
  private final MostPop pop; // null: no interactions
  private final ContentKnn text; // null: no text vectors
  private final CandidateChannel popularity;
  private final CandidateChannel itemKnn;
  private final CandidateChannel content;

  private RecallChannels(int numItems, float[] counts, ItemKnn knn, MostPop pop, ContentKnn text) {
    this.numItems = numItems;
    this.counts = counts;
    this.knn = knn;
    this.pop = pop;
    this.text = text;
    this.popularity = new CandidateChannel() {
      @Override
      public String name() {
        return PopularityChannel.NAME;
      }

      @Override
      public ChannelCandidates candidates(int[] history, int want) {
        return ChannelCandidates.top(PopularityChannel.NAME, counts.clone(), history, want, 0f);
      }
    };
    this.itemKnn = knn == null ? null : new ItemKnnChannel(knn);
    this.content = text == null ? null : new ContentChannel(text);
  }

  /**
   * The channels fitted on {@code fitOn}: popularity and ItemKNN from those sequences, content
   * from {@code text}.
   *
   * @param text the items' text vectors (item order), or null: no content channel
   */
  public static RecallChannels fit(List<int[]> fitOn, int numItems, ItemKnn.Options knnOptions,
      ContentKnn text) {
    Objects.requireNonNull(fitOn, "fitOn");
    MostPop pop = MostPop.fit(fitOn, numItems, true);
    float[] counts = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      counts[i] = pop.count(i);
    }
    return new RecallChannels(numItems, counts, ItemKnn.fit(fitOn, numItems, knnOptions), pop,
        text);
  }

  /**
   * The channels of a run served from its catalogue snapshot: popularity from the snapshot's
   * counts; ItemKNN (and the ranking features) only when the training histories are given.
   *
   * @param interactions per item, its interactions in the training split
   * @param train the training histories, or null
   */
  public static RecallChannels of(int[] interactions, List<int[]> train,
      ItemKnn.Options knnOptions, ContentKnn text) {
    int n = interactions.length;
    float[] counts = new float[n];
    for (int i = 0; i < n; i++) {
      counts[i] = interactions[i];
    }
    ItemKnn knn = train == null ? null : ItemKnn.fit(train, n, knnOptions);
    MostPop pop = train == null ? null : MostPop.fit(train, n, true);
    return new RecallChannels(n, counts, knn, pop, text);
  }

  /** The dataset's items (the channels' catalogue). */
  public int numItems() {
    return numItems;
  }

  /** Whether channel {@code name} is available (the generator is not one of these). */
  public boolean has(String name) {
    return channel(name) != null;
  }

  /** Why the run cannot serve {@code channel}, for a 400 or a note. */
  public static String missing(String channel) {
    return switch (channel) {
      case ItemKnnChannel.NAME -> "the itemknn channel needs the run's interactions: serve it "
          + "with --data";
      case ContentChannel.NAME -> "the content channel needs the run's item embeddings: run "
          + "'genrec embed' for this run";
      default -> "unknown channel '" + channel + "'";
    };
  }

  /** Channel {@code name}, or null when unavailable or not one of these. */
  public CandidateChannel channel(String name) {
    return switch (name) {
      case PopularityChannel.NAME -> popularity;
      case ItemKnnChannel.NAME -> itemKnn;
      case ContentChannel.NAME -> content;
      default -> null;
    };
  }

  /**
   * Channel {@code name}'s list for {@code history}; items added live are left out of the
   * history it reads.
   *
   * @throws IllegalStateException if the channel is not available
   */
  public ChannelCandidates candidates(String name, int[] history, int n) {
    CandidateChannel c = channel(name);
    if (c == null) {
      throw new IllegalStateException("channel " + name + " is not available");
    }
    return c.candidates(known(history), n);
  }

  /** {@code history} without items added live. */
  int[] known(int[] history) {
    for (int h : history) {
      if (h >= numItems) {
        return Arrays.stream(history).filter(i -> i < numItems).toArray();
      }
    }
    return history;
  }

  /** The text vectors' index, or null. */
  public ContentKnn text() {
    return text;
  }

  /** Whether item text vectors are loaded (the {@code text} similarity). */
  public boolean hasVectors() {
    return text != null;
  }

  /** The unit text vector of item {@code index}, or null (an item added live, or none loaded). */
  public float[] vector(int index) {
    return text == null || index >= numItems ? null : text.unitVector(index);
  }

  /**
   * The ranking features over these fitted objects (ItemKNN, popularity, text vectors; the given
   * codes), or null without interactions (a ranker's features would then differ from the ones it
   * learnt on).
   *
   * @param channels the ranker's channels, in its feature order
   * @param codes the semantic IDs of the dataset's items, or null
   */
  public RankFeatures features(List<String> channels, int historyLength, int[][] codes) {
    if (knn == null) {
      return null;
    }
    return RankFeatures.builder().setChannels(channels).setNumItems(numItems)
        .setHistoryLength(historyLength).optItemKnn(knn).optPopularity(pop).optText(text)
        .optCodes(codes).build();
  }
}
