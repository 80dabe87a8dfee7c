package genrec.cascade.recall;

import genrec.generator.baseline.MostPop;
import java.util.Objects;

/**
 * The most interacted-with training items ({@link MostPop}), the same list for everyone minus
 * the user's history; the score is the training interaction count. Items never interacted with
 * are not proposed.
 */
public final class PopularityChannel implements CandidateChannel {
  /** The channel's name. */
  public static final String NAME = "popularity";

  private final MostPop pop;

  public PopularityChannel(MostPop pop) {
    this.pop = Objects.requireNonNull(pop, "pop");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChannelCandidates candidates(int[] history, int n) {
    float[] scores = new float[pop.numItems()];
    pop.score(history, scores);
    return ChannelCandidates.top(NAME, scores, history, n, 0f);
  }
}
