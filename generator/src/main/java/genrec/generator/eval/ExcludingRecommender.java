package genrec.generator.eval;

/**
 * Another recommender with a set of items never recommended (their scores set to {@code
 * Float.NEGATIVE_INFINITY}): the catalogue as it was before those items were added, for the
 * cold-start protocol's "what the warm metrics lose" comparison.
 */
public final class ExcludingRecommender implements Recommender {
  private final Recommender inner;
  private final boolean[] excluded;
  private final String name;

  /**
   * @param inner the recommender whose scores are masked
   * @param excluded per item, whether it is never recommended (length {@code inner.numItems()})
   * @param name table name
   */
  public ExcludingRecommender(Recommender inner, boolean[] excluded, String name) {
    if (excluded.length != inner.numItems()) {
      throw new IllegalArgumentException("excluded has " + excluded.length + " items, the "
          + "recommender " + inner.numItems());
    }
    this.inner = inner;
    this.excluded = excluded.clone();
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numItems() {
    return inner.numItems();
  }

  @Override
  public void score(int[] history, float[] scores) {
    inner.score(history, scores);
    for (int i = 0; i < scores.length; i++) {
      if (excluded[i]) {
        scores[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
