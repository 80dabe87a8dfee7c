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
    return SlateFiller.fill(candidates, k, rules, new SlateFiller.Objective() {
      @Override
      public double gain(int i) {
        return candidates.score(i);
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
