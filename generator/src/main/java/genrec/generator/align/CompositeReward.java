package genrec.generator.align;

import java.util.BitSet;
import java.util.Objects;

/**
 * The list reward: {@code w_rel}·mean relevance + {@code w_div}·(1 − mean pairwise
 * cosine) + {@code w_new}·share of new items − {@code w_hist}·share of items already in the
 * history. Each item's own reward is its share of that sum: {@code w_rel}·relevance + {@code
 * w_div}·(1 − its mean cosine to the other items) + {@code w_new}·[new] − {@code w_hist}·[in
 * history], so the list reward is exactly the mean of the item rewards (the mean over items of
 * their mean cosine to the others is the mean pairwise cosine).
 */
public final class CompositeReward implements Reward {
  private final ItemRewardModel relevance;
  private final RewardWeights weights;
  private final ItemSimilarity similarity;
  private final BitSet newItems;

  /**
   * @param relevance the relevance source
   * @param weights the term weights
   * @param similarity item cosine, or null (then {@code weights.diversity()} must be 0)
   * @param newItems the "new" items, or null (then {@code weights.novelty()} must be 0)
   */
  public CompositeReward(ItemRewardModel relevance, RewardWeights weights,
      ItemSimilarity similarity, BitSet newItems) {
    this.relevance = Objects.requireNonNull(relevance, "relevance");
    this.weights = Objects.requireNonNull(weights, "weights");
    if (weights.diversity() > 0 && similarity == null) {
      throw new IllegalArgumentException("reward weight div=" + weights.diversity()
          + " needs item vectors (none given)");
    }
    if (weights.novelty() > 0 && newItems == null) {
      throw new IllegalArgumentException("reward weight new=" + weights.novelty()
          + " needs a set of new items (none given)");
    }
    this.similarity = similarity;
    this.newItems = newItems == null ? null : (BitSet) newItems.clone();
  }

  public RewardWeights weights() {
    return weights;
  }

  @Override
  public boolean measuresDiversity() {
    return similarity != null;
  }

  @Override
  public boolean measuresNewItems() {
    return newItems != null;
  }

  @Override
  public Scored score(int[] history, int[] items) {
    int n = items.length;
    if (n == 0) {
      return new Scored(new float[0], 0, 0, 0, 0, 0);
    }
    float[] rel = relevance.score(history, items); // reported even when its weight is 0
    BitSet hist = new BitSet();
    for (int h : history) {
      hist.set(h);
    }
    float[] per = new float[n];
    double relSum = 0;
    double divSum = 0;
    int news = 0;
    int inHist = 0;
    for (int i = 0; i < n; i++) {
      double div = 0;
      if (similarity != null && n > 1) {
        double cos = 0;
        for (int j = 0; j < n; j++) {
          if (j != i) {
            cos += similarity.cosine(items[i], items[j]);
          }
        }
        div = 1 - cos / (n - 1);
      }
      boolean isNew = newItems != null && newItems.get(items[i]);
      boolean seen = hist.get(items[i]);
      relSum += rel[i];
      divSum += div;
      news += isNew ? 1 : 0;
      inHist += seen ? 1 : 0;
      per[i] = (float) (weights.relevance() * rel[i] + weights.diversity() * div
          + (isNew ? weights.novelty() : 0) - (seen ? weights.history() : 0));
    }
    double relMean = relSum / n;
    double diversity = divSum / n;
    double newShare = (double) news / n;
    double histShare = (double) inHist / n;
    double list = weights.relevance() * relMean + weights.diversity() * diversity
        + weights.novelty() * newShare - weights.history() * histShare;
    return new Scored(per, list, relMean, diversity, newShare, histShare);
  }
}
