package genrec.serving.http;

import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.cascade.recall.RunEmbeddings;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.quantizer.embed.EmbeddingCache;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recall channels of one loaded run besides the generator (whose searches run on the {@link
 * InferencePool}), built when the run is loaded: {@code popularity} always (the catalogue
 * snapshot's training interaction counts), {@code itemknn} when the run was loaded with its
 * dataset (all neighbours, the last 3 history items: fitted on the leave-one-out training
 * split), {@code content} and the text similarity when the run folder holds the item embeddings
 * of its catalogue ({@code genrec embed}). These channels know the dataset's items only: items
 * added live are left out of the histories they read and only the generator proposes them.
 * Immutable and thread-safe.
 */
final class RecallSources {
  private static final Logger LOG = LoggerFactory.getLogger(RecallSources.class);

  private final int datasetItems;
  private final CandidateChannel popularity;
  private final CandidateChannel itemKnn; // null: no interactions
  private final CandidateChannel content; // null: no embeddings
  private final EmbeddingMatrix vectors; // null: no embeddings
  private final ItemKnn knn; // null: no interactions
  private final List<int[]> train; // null: no interactions
  private final ContentKnn text; // null: no embeddings

  private RecallSources(int datasetItems, CandidateChannel popularity, ItemKnn knn,
      List<int[]> train, ContentKnn text, EmbeddingMatrix vectors) {
    this.datasetItems = datasetItems;
    this.popularity = popularity;
    this.knn = knn;
    this.train = train;
    this.itemKnn = knn == null ? null : new ItemKnnChannel(knn);
    this.text = text;
    this.content = text == null ? null : new ContentChannel(text);
    this.vectors = vectors;
  }

  /**
   * The sources of a run.
   *
   * @param train the training histories (dense indices), or null when the run was loaded without
   *     its dataset (no item-CF channel then)
   */
  static RecallSources of(CatalogSnapshot snap, List<int[]> train, Path runDir) {
    int n = snap.catalog().size();
    float[] counts = new float[n];
    for (int i = 0; i < n; i++) {
      counts[i] = snap.interactions()[i];
    }
    CandidateChannel pop = new CandidateChannel() {
      @Override
      public String name() {
        return PopularityChannel.NAME;
      }

      @Override
      public ChannelCandidates candidates(int[] history, int want) {
        return ChannelCandidates.top(PopularityChannel.NAME, counts.clone(), history, want, 0f);
      }
    };
    ItemKnn knn = train == null ? null : ItemKnn.fit(train, n, ItemKnn.Options.defaults());
    EmbeddingMatrix vectors = null;
    ContentKnn text = null;
    if (Files.isRegularFile(runDir.resolve(RunEmbeddings.DIR).resolve(EmbeddingCache.META_FILE))) {
      try {
        vectors = unit(RunEmbeddings.load(snap.catalog(), runDir, "genrec embed --run RUN"));
        text = ContentKnn.of(vectors, ContentKnn.Options.defaults());
      } catch (RuntimeException e) {
        LOG.warn("{}: no content channel or text similarity: {}", runDir, e.getMessage());
        vectors = null;
      }
    }
    return new RecallSources(n, pop, knn, train, text, vectors);
  }

  private static EmbeddingMatrix unit(EmbeddingMatrix m) {
    float[] data = m.data().clone();
    for (int r = 0; r < m.rows(); r++) {
      double s = 0;
      for (int d = 0; d < m.dim(); d++) {
        s += (double) data[r * m.dim() + d] * data[r * m.dim() + d];
      }
      double norm = Math.sqrt(s);
      if (norm > 0) {
        for (int d = 0; d < m.dim(); d++) {
          data[r * m.dim() + d] = (float) (data[r * m.dim() + d] / norm);
        }
      }
    }
    return new EmbeddingMatrix(m.ids(), m.dim(), data);
  }

  /** Whether the run can serve {@code channel} (the generator always). */
  boolean has(String channel) {
    return switch (channel) {
      case "generator", PopularityChannel.NAME -> true;
      case ItemKnnChannel.NAME -> itemKnn != null;
      case ContentChannel.NAME -> content != null;
      default -> false;
    };
  }

  /** Why the run cannot serve {@code channel}, for a 400 or a note. */
  static String missing(String channel) {
    return switch (channel) {
      case ItemKnnChannel.NAME -> "the itemknn channel needs the run's interactions: serve it "
          + "with --data";
      case ContentChannel.NAME -> "the content channel needs the run's item embeddings: run "
          + "'genrec embed' for this run";
      default -> "unknown channel '" + channel + "'";
    };
  }

  /**
   * The ranking features of {@code genrec rank train}, read from the same fitted objects as
   * these channels (ItemKNN, popularity and the text vectors of the training split; the codes of
   * the run), or null when the run was loaded without its interactions: a ranker's features
   * would then differ from the ones it learnt on.
   *
   * @param channels the ranker's channels, in its feature order
   * @param codes the semantic IDs of the dataset's items
   */
  RankFeatures rankFeatures(List<String> channels, int historyLength, int[][] codes) {
    if (knn == null) {
      return null;
    }
    return RankFeatures.builder().setChannels(channels).setNumItems(datasetItems)
        .setHistoryLength(historyLength).optItemKnn(knn)
        .optPopularity(MostPop.fit(train, datasetItems, true)).optText(text).optCodes(codes)
        .build();
  }

  /** Whether item text vectors are loaded (the {@code text} similarity). */
  boolean hasVectors() {
    return vectors != null;
  }

  /** The unit text vector of item {@code index}, or null (an item added live, or none loaded). */
  float[] vector(int index) {
    return vectors == null || index >= vectors.rows() ? null : vectors.row(index);
  }

  /**
   * Channel {@code name}'s list (not the generator's) for {@code history}: items added live
   * (indices at or beyond the dataset's) are left out of the history it reads.
   */
  ChannelCandidates candidates(String name, int[] history, int n) {
    CandidateChannel c = switch (name) {
      case PopularityChannel.NAME -> popularity;
      case ItemKnnChannel.NAME -> itemKnn;
      case ContentChannel.NAME -> content;
      default -> null;
    };
    if (c == null) {
      throw new IllegalStateException("channel " + name + " is not available");
    }
    int[] known = Arrays.stream(history).filter(i -> i < datasetItems).toArray();
    return c.candidates(known, n);
  }
}
