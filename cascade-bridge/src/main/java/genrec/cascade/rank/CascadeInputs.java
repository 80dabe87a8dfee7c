package genrec.cascade.rank;

import genrec.cascade.rank.features.CascadeData;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The recall channels and the ranking features of a cascade, fitted on one set of interaction
 * sequences: ItemKNN and popularity from those sequences, the content channel from the items'
 * text vectors, the generator (a channel built by the caller: its beam search is not fitted
 * here) when given; the features read the same fitted objects. The ranker trains on inputs
 * fitted without each user's last training item and ranks with inputs fitted on the whole
 * training split (see {@link CascadeData}), so features never see the interaction they label.
 *
 * <p>Channels the merger does not name are not built. Immutable and thread-safe.
 */
public final class CascadeInputs {
  private final List<CandidateChannel> channels;
  private final RankExamples.Candidates candidates;
  private final RankFeatures features;

  private CascadeInputs(List<CandidateChannel> channels, CandidateMerger merger,
      RankFeatures features) {
    this.channels = List.copyOf(channels);
    this.candidates = new RankExamples.Candidates(channels, merger);
    this.features = features;
  }

  /**
   * Fits the channels the merger names on {@code fitOn}.
   *
   * @param fitOn per-user interaction sequences the channels learn from
   * @param numItems catalogue size
   * @param knnOptions ItemKNN's options
   * @param text item text vectors (unit rows, item order), or null: no content channel and no
   *     text features
   * @param codes per-item semantic-ID codes, or null
   * @param generator the generator channel, or null
   * @param merger the quotas, in priority order
   * @param historyLength history positions given to the ranker's attention
   */
  public static CascadeInputs fit(List<int[]> fitOn, int numItems, ItemKnn.Options knnOptions,
      ContentKnn text, int[][] codes, CandidateChannel generator, CandidateMerger merger,
      int historyLength) {
    Objects.requireNonNull(merger, "merger");
    ItemKnn knn = ItemKnn.fit(fitOn, numItems, knnOptions);
    MostPop pop = MostPop.fit(fitOn, numItems, true);
    List<CandidateChannel> built = new ArrayList<>();
    for (String name : merger.channels()) {
      switch (name) {
        case ItemKnnChannel.NAME -> built.add(new ItemKnnChannel(knn));
        case PopularityChannel.NAME -> built.add(new PopularityChannel(pop));
        case ContentChannel.NAME -> {
          if (text == null) {
            throw new IllegalArgumentException("the content channel needs the items' text "
                + "vectors");
          }
          built.add(new ContentChannel(text));
        }
        default -> {
          if (generator != null && name.equals(generator.name())) {
            built.add(generator);
          } else {
            throw new IllegalArgumentException("channel '" + name + "' is not available"
                + (generator == null && name.equals("generator")
                    ? " (the run has no trained generator)" : ""));
          }
        }
      }
    }
    RankFeatures features = RankFeatures.builder()
        .setChannels(merger.channels())
        .setNumItems(numItems)
        .setHistoryLength(historyLength)
        .optItemKnn(knn)
        .optPopularity(pop)
        .optText(text)
        .optCodes(codes)
        .build();
    return new CascadeInputs(built, merger, features);
  }

  public List<CandidateChannel> channels() {
    return channels;
  }

  public RankExamples.Candidates candidates() {
    return candidates;
  }

  public RankFeatures features() {
    return features;
  }
}
