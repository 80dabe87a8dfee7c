package genrec.cascade.recall;

import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The trained generator as a channel: constrained beam search over the semantic-ID trie
 * returns up to {@code n} items, each scored by the summed log-probability of its codes (the
 * same search and scores as {@code genrec eval}'s generator). Beam search keeps about as many
 * items as its beam is wide, so a search narrower than {@code n} returns fewer; build it with a
 * beam of at least {@code n} for full lists. History items are left out here even if the search
 * was built without {@code optExcludeHistory(true)} (with it, the beams are not spent on them).
 * Paths that name no item (only under {@code Unconstrained} decoding) and NaN scores are dropped
 * ({@link #of}). An empty
 * history gets an empty list. The channel does not own the search: close it yourself.
 */
public final class GeneratorChannel implements CandidateChannel {
  /** The channel's name. */
  public static final String NAME = "generator";

  private final BeamSearch search;

  public GeneratorChannel(BeamSearch search) {
    this.search = Objects.requireNonNull(search, "search");
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
    BeamResult r = search.search(history, Math.min(n, search.catalogue().numItems()));
    return of(r, history, n);
  }

  /**
   * The one conversion of a beam search's hypotheses into the generator's channel list, for
   * every caller (the pipeline's own search, the server's batched one, a mixture's merged list):
   * items it cannot name ({@code -1}) and NaN scores dropped, history items left out, in its
   * order, at most {@code max} items; a score above the one before it (a mixture's merged list
   * need not be sorted by score) is lowered to it, so the list is a valid {@link
   * ChannelCandidates}.
   */
  public static ChannelCandidates of(BeamResult r, int[] history, int max) {
    Set<Integer> skip = new HashSet<>();
    for (int h : history) {
      skip.add(h);
    }
    List<Candidate> out = new ArrayList<>(r.size());
    float prev = Float.POSITIVE_INFINITY;
    for (int i = 0; i < r.size() && out.size() < max; i++) {
      int item = r.items()[i];
      if (item >= 0 && skip.add(item) && !Float.isNaN(r.scores()[i])) {
        prev = Math.min(prev, r.scores()[i]);
        out.add(new Candidate(item, prev, out.size() + 1));
      }
    }
    return new ChannelCandidates(NAME, out);
  }
}
