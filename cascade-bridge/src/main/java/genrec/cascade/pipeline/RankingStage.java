package genrec.cascade.pipeline;

import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.MergedCandidates;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The run's trained ranker ({@code genrec rank train}: {@code RUN/ranker/}) as the cascade's
 * ranking stage: the features of {@link RankFeatures} read from the run's fitted channels
 * ({@link RecallChannels}), then the ranker's fused score. A request's merged list may come from
 * other quotas than the ranker learnt on: it is read with the ranker's channels ({@link
 * MergedCandidates#withChannels}), a channel the request left out counting as one that returned
 * nothing. Items added live are scored with their semantic ID alone (no item embedding,
 * popularity, ItemKNN or text features) and left out of the history the features read.
 *
 * <p>Thread-safe; holds the ranker's native memory until {@link #close()}.
 */
public final class RankingStage implements CandidateScorer, AutoCloseable {
  private final RankerModel model;
  private final RankFeatures features;
  private final RecallChannels recall;
  private final int codebookSize;
  private final IntFunction<int[]> codesOf;
  private final String name;
  private final RankerCascade spec;

  private RankingStage(RankerModel model, RankFeatures features, RecallChannels recall,
      IntFunction<int[]> codesOf, String name, RankerCascade spec) {
    this.model = model;
    this.features = features;
    this.recall = recall;
    this.codebookSize = model.config().codebookSize();
    this.codesOf = codesOf;
    this.name = name;
    this.spec = spec;
  }

  /**
   * Loads the run's ranker over {@code recall}'s channels.
   *
   * @param codes the semantic IDs of the dataset's items
   * @param codesOf codes of any served item by index (live additions included)
   * @throws IllegalArgumentException naming what does not match (the run was loaded without its
   *     interactions, or the ranker was trained on other features or another catalogue)
   */
  public static RankingStage load(RunFolder run, RecallChannels recall, int[][] codes,
      IntFunction<int[]> codesOf) {
    RankerCascade spec = run.rankerCascade();
    List<String> channels = CandidateMerger.builder().addChannels(spec.quotas())
        .build().channels();
    RankFeatures f = recall.features(channels, spec.historyLength(), codes);
    if (f == null) {
      throw new IllegalArgumentException("the ranker reads ItemKNN features of the training "
          + "interactions: serve the run with --data");
    }
    if (!spec.features().equals(f.names())) {
      throw new IllegalArgumentException("the ranker's features differ from this version's: "
          + "retrain with 'genrec rank train'");
    }
    RankerModel m = RankerModel.load(run.rankerDir());
    if (m.config().numItems() != f.numItems() || m.config().numDense() != f.numDense()
        || m.config().historyLength() != f.historyLength()) {
      m.close();
      throw new IllegalArgumentException("the ranker was trained on " + m.config().numItems()
          + " items, " + m.config().numDense() + " features and " + m.config().historyLength()
          + " history positions; this run gives " + f.numItems() + ", " + f.numDense() + " and "
          + f.historyLength() + ": retrain with 'genrec rank train'");
    }
    return new RankingStage(m, f, recall, codesOf,
        m.config().mixture().name().toLowerCase(Locale.ROOT) + "(" + spec.quotas() + ")", spec);
  }

  @Override
  public float[] score(int[] history, MergedCandidates candidates) {
    RankFeatures.Query q = features.query(recall.known(history),
        candidates.withChannels(features.channels()), this::liveCodes);
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

  /** The trained ranker (its tasks, its per-task predictions). */
  public RankerModel model() {
    return model;
  }

  /** The features it reads. */
  public RankFeatures features() {
    return features;
  }

  /** The cascade it was trained on. */
  public RankerCascade spec() {
    return spec;
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
