package genrec.cascade.rerank;

import java.util.List;

/** Slots by score alone, highest first, under the rules: the baseline re-ranker. */
public final class ScoreOrder implements Reranker {
  private static final ScoreOrder INSTANCE = new ScoreOrder();

  private ScoreOrder() {}

  public static ScoreOrder instance() {
    return INSTANCE;
  }

  @Override
  public RerankResult rerank(Candidates candidates, int k, List<Rule> rules) {
    double[] scores = candidates.scores();
    return SlateFiller.fill(candidates, k, rules, new SlateFiller.Objective() {
      @Override
      public void gains(Slate slate, double[] out) {
        System.arraycopy(scores, 0, out, 0, scores.length);
      }

      @Override
      public void picked(int j, Slate slate, List<String> notes) {}
    });
  }

  @Override
  public String describe() {
    return "score";
  }
}
