package genrec.generator.decode;

import genrec.generator.eval.Recommender;
import java.util.Arrays;

/**
 * The generator seen by the evaluation harness: the K items beam search returns get their
 * summed log-probability as score, every other item {@code -Infinity}. Thread-safe (beam search
 * is). No user token is used, since {@link Recommender#score} receives no user id.
 */
public final class GenerativeRecommender implements Recommender {
  private final BeamSearch search;
  private final int topK;
  private final String name;
  private final java.util.concurrent.atomic.LongAdder generated =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder invalid =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * @param search configured beam search (its exclusion setting decides whether history items
   *     can be recommended)
   * @param topK items to generate per user (capped at the catalogue size)
   * @param name table name, e.g. "TIGER"
   */
  public GenerativeRecommender(BeamSearch search, int topK, String name) {
    if (topK < 1) {
      throw new IllegalArgumentException("topK=" + topK + " must be >= 1");
    }
    this.search = search;
    this.topK = topK;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numItems() {
    return search.catalogue().numItems();
  }

  @Override
  public void score(int[] history, float[] scores) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    BeamResult r = search.search(history, Math.min(topK, search.catalogue().numItems()));
    generated.add(r.size());
    invalid.add(r.invalidCount());
    for (int i = 0; i < r.size(); i++) {
      int item = r.items()[i];
      if (item >= 0 && item < scores.length) {
        scores[item] = Math.max(scores[item], r.scores()[i]);
      }
    }
  }

  /** Paths returned so far, over every {@link #score} call. */
  public long generated() {
    return generated.sum();
  }

  /**
   * Returned paths so far that name no item: always 0 under the catalogue's trie, counted to
   * report the invalid rate of {@link Unconstrained} decoding.
   */
  public long invalid() {
    return invalid.sum();
  }
}
