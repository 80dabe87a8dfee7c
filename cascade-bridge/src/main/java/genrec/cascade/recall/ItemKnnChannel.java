package genrec.cascade.recall;

import genrec.generator.baseline.ItemKnn;
import java.util.Objects;

/**
 * Item-based collaborative filtering as a channel: the {@link ItemKnn} neighbours of the
 * history's last items (its {@code lastN}), each scored by its summed cosine. Only items that
 * share a user with a recent item are proposed (score above 0), so the list can be shorter than
 * asked for.
 */
public final class ItemKnnChannel implements CandidateChannel {
  /** The channel's name. */
  public static final String NAME = "itemknn";

  private final ItemKnn knn;

  public ItemKnnChannel(ItemKnn knn) {
    this.knn = Objects.requireNonNull(knn, "knn");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChannelCandidates candidates(int[] history, int n) {
    float[] scores = new float[knn.numItems()];
    knn.score(history, scores);
    return ChannelCandidates.top(NAME, scores, history, n, 0f);
  }
}
