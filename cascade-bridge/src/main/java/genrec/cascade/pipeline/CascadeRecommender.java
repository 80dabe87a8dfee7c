package genrec.cascade.pipeline;

import genrec.cascade.rank.features.QueryScorer;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.recall.MergedCandidates;
import genrec.generator.eval.Recommender;
import java.util.Arrays;
import java.util.Objects;

/**
 * The cascade as a {@link Recommender}, so the evaluation harness measures it like any model:
 * recall (the merged channel lists), the features, the ranker's fused score; every item outside
 * the merged list scores {@code -∞}. Over a {@link Pipeline}, it scores what the pipeline serves
 * with no re-ranking ({@link Pipeline#rank}). Thread-safe when its scorer is.
 */
public final class CascadeRecommender implements Recommender {
  private final String name;
  private final int numItems;
  private final Pipeline pipeline; // or inputs + scorer
  private final CascadeInputs inputs;
  private final QueryScorer scorer;

  /** The loaded run's cascade, with its quotas and beam ({@link Pipeline#request}). */
  public CascadeRecommender(String name, Pipeline pipeline) {
    this.name = Objects.requireNonNull(name, "name");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    if (pipeline.scorer() == null) {
      throw new IllegalArgumentException("the pipeline has no ranking stage: the run has no "
          + "trained ranker (run 'genrec rank train')");
    }
    this.numItems = pipeline.recall().numItems();
    this.inputs = null;
    this.scorer = null;
  }

  /** Fitted inputs and a scorer of their queries (a test's cascade without a run). */
  public CascadeRecommender(String name, CascadeInputs inputs, QueryScorer scorer) {
    this.name = Objects.requireNonNull(name, "name");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.scorer = Objects.requireNonNull(scorer, "scorer");
    this.numItems = inputs.features().numItems();
    this.pipeline = null;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public void score(int[] history, float[] scores) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    MergedCandidates m;
    float[] s;
    if (pipeline != null) {
      Pipeline.Ranked r = pipeline.rank(pipeline.request(history).build());
      m = r.merged();
      s = r.scores();
      if (m.size() == 0) {
        return;
      }
    } else {
      m = inputs.candidates().merged(history);
      if (m.size() == 0) {
        return;
      }
      RankFeatures.Query q = inputs.features().query(history, m);
      s = scorer.score(q);
    }
    if (s.length != m.size()) {
      throw new IllegalStateException("scorer returned " + s.length + " scores for "
          + m.size() + " candidates");
    }
    int[] items = m.items();
    for (int r = 0; r < s.length; r++) {
      scores[items[r]] = Float.isNaN(s[r]) ? Float.NEGATIVE_INFINITY : s[r];
    }
  }
}
