package genrec.cascade.recall;

import genrec.generator.baseline.ContentKnn;
import java.util.Objects;

/**
 * Text-vector neighbours as a channel: the items nearest by cosine to the user's recent items,
 * weighted by recency ({@link ContentKnn} gives the formula); the score is that weighted mean
 * cosine. It needs no interactions, so it is the one channel that proposes items nobody has
 * interacted with yet. An empty history gets an empty list.
 */
public final class ContentChannel implements CandidateChannel {
  /** The channel's name. */
  public static final String NAME = "content";

  private final ContentKnn content;

  public ContentChannel(ContentKnn content) {
    this.content = Objects.requireNonNull(content, "content");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChannelCandidates candidates(int[] history, int n) {
    ChannelCandidates.checkN(n);
    if (history.length == 0) {
      return ChannelCandidates.empty(NAME);
    }
    float[] scores = new float[content.numItems()];
    content.score(history, scores);
    return ChannelCandidates.top(NAME, scores, history, n, Float.NEGATIVE_INFINITY);
  }
}
