package genrec.cascade.rank;

import genrec.cascade.rank.features.QueryScorer;
import genrec.cascade.rank.features.RankFeatures;
import genrec.cascade.recall.MergedCandidates;
import genrec.generator.eval.Recommender;
import java.util.Arrays;
import java.util.Objects;

/**
 * The cascade as a {@link Recommender}, so the evaluation harness measures it like any model:
 * recall (the merged channel lists), the features, the ranker's fused score; every item outside
 * the merged list scores {@code -∞}. Thread-safe when its scorer is.
 */
public final class CascadeRecommender implements Recommender {
  private final String name;
  private final CascadeInputs inputs;
  private final QueryScorer scorer;

  public CascadeRecommender(String name, CascadeInputs inputs, QueryScorer scorer) {
    this.name = Objects.requireNonNull(name, "name");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.scorer = Objects.requireNonNull(scorer, "scorer");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numItems() {
    return inputs.features().numItems();
  }

  @Override
  public void score(int[] history, float[] scores) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    MergedCandidates m = inputs.candidates().merged(history);
    if (m.size() == 0) {
      return;
    }
    RankFeatures.Query q = inputs.features().query(history, m);
    float[] s = scorer.score(q);
    if (s.length != q.size()) {
      throw new IllegalStateException("scorer returned " + s.length + " scores for "
          + q.size() + " candidates");
    }
    for (int r = 0; r < s.length; r++) {
      scores[q.items()[r]] = Float.isNaN(s[r]) ? Float.NEGATIVE_INFINITY : s[r];
    }
  }
}
