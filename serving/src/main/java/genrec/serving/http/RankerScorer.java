package genrec.serving.http;

import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.MergedCandidates;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The run's trained ranker ({@code genrec rank train}: {@code RUN/ranker/}) as the cascade's
 * ranking stage: the features of {@link RankFeatures} read from the serving run's own fitted
 * channels, then the ranker's fused score ({@code genrec eval --cascade} ranks with the same
 * features and the same formula). A request's merged list may come from other quotas than the
 * ranker learnt on: it is read with the ranker's channels ({@link
 * MergedCandidates#withChannels}), a channel the request left out counting as one that returned
 * nothing. Items added live are scored with their semantic ID alone (no item embedding,
 * popularity, ItemKNN or text features) and left out of the history the features read.
 *
 * <p>Thread-safe; holds the ranker's native memory until {@link #close()}.
 */
public final class RankerScorer implements CandidateScorer, AutoCloseable {
  private final RankerModel model;
  private final RankFeatures features;
  private final int numItems;
  private final int codebookSize;
  private final IntFunction<int[]> codesOf;
  private final String name;

  private RankerScorer(RankerModel model, RankFeatures features, IntFunction<int[]> codesOf,
      String name) {
    this.model = model;
    this.features = features;
    this.numItems = features.numItems();
    this.codebookSize = model.config().codebookSize();
    this.codesOf = codesOf;
    this.name = name;
  }

  /**
   * Loads the run's ranker for {@code recall}'s channels.
   *
   * @param codes the semantic IDs of the dataset's items
   * @param codesOf codes of any served item by index (live additions included)
   * @throws IllegalArgumentException naming what does not match (the run was served without its
   *     interactions, or the ranker was trained on other features or another catalogue)
   */
  static RankerScorer load(Path runDir, RecallSources recall, int[][] codes,
      IntFunction<int[]> codesOf) {
    RankerCascade spec = RankerCascade.read(runDir);
    List<String> channels = CandidateMerger.builder().addChannels(spec.quotas())
        .build().channels();
    RankFeatures f = recall.rankFeatures(channels, spec.historyLength(), codes);
    if (f == null) {
      throw new IllegalArgumentException("the ranker reads ItemKNN features of the training "
          + "interactions: serve the run with --data");
    }
    if (!spec.features().equals(f.names())) {
      throw new IllegalArgumentException("the ranker's features differ from this version's: "
          + "retrain with 'genrec rank train'");
    }
    RankerModel m = RankerModel.load(runDir.resolve(RankerCascade.DIR));
    if (m.config().numItems() != f.numItems() || m.config().numDense() != f.numDense()
        || m.config().historyLength() != f.historyLength()) {
      m.close();
      throw new IllegalArgumentException("the ranker was trained on " + m.config().numItems()
          + " items, " + m.config().numDense() + " features and " + m.config().historyLength()
          + " history positions; this run gives " + f.numItems() + ", " + f.numDense() + " and "
          + f.historyLength() + ": retrain with 'genrec rank train'");
    }
    return new RankerScorer(m, f, codesOf, m.config().mixture().name().toLowerCase(java.util.Locale.ROOT)
        + "(" + spec.quotas() + ")");
  }

  @Override
  public float[] score(int[] history, MergedCandidates candidates) {
    int[] known = Arrays.stream(history).filter(i -> i < numItems).toArray();
    RankFeatures.Query q = features.query(known, candidates.withChannels(features.channels()),
        this::liveCodes);
    RankRows rows = RankExamples.rows(q, model.tasks().size());
    return model.score(rows, rows.allRows());
  }

  /** A live item's codes, a code the ranker never saw as 'none' (0 after the +1 shift). */
  private int[] liveCodes(int item) {
    int[] c = codesOf.apply(item).clone();
    for (int l = 0; l < c.length; l++) {
      if (c[l] >= codebookSize) {
        c[l] = -1;
      }
    }
    return c;
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public void close() {
    model.close();
  }
}
