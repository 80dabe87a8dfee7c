package genrec.cascade.rerank;

import genrec.cascade.exposure.ItemExposureCounts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cold-start exposure for new items. A candidate is <i>boosted</i> when {@link FreshItems} says it
 * is new and it has been shown fewer than {@code cap} times ({@link ItemExposureCounts}). Boosted
 * candidates get {@code boost} added to their score (score units: with log-probabilities, a boost
 * of ln 2 doubles the probability) and are flagged new for {@link NewItemShare}, which, with a
 * {@code share} period P, keeps one slot in every P for them. Each time a slate shows a boosted
 * item its count goes up by one; at the cap it competes on its own score again, so no new item is
 * forced on every user. (Under concurrent requests the cap can be overshot by the requests in
 * flight.) Defaults: boost 0, no share, cap {@link #DEFAULT_CAP}.
 */
public final class ColdStart {
  public static final int DEFAULT_CAP = 1_000;

  private final FreshItems fresh;
  private final ItemExposureCounts counts;
  private final double boost;
  private final int share;
  private final int cap;
  private final Clock clock;

  private ColdStart(Builder b) {
    this.fresh = b.fresh;
    this.counts = b.counts;
    this.boost = b.boost;
    this.share = b.share;
    this.cap = b.cap;
    this.clock = b.clock;
  }

  /**
   * What the cold-start stage hands to the re-ranker.
   *
   * @param candidates the candidates with boosted scores and new-item flags
   * @param rules the rules to append (the share rule, if any)
   * @param notes what the stage did
   */
  public record Applied(Candidates candidates, List<Rule> rules, List<String> notes) {}

  /** Boosts and flags the new, uncapped candidates. */
  public Applied apply(Candidates c) {
    int n = c.size();
    double[] scores = c.scores();
    boolean[] flags = new boolean[n];
    int boosted = 0;
    int capped = 0;
    java.time.Instant now = clock.instant();
    for (int i = 0; i < n; i++) {
      if (fresh.isNew(c.id(i), now)) {
        if (counts.count(c.id(i)) < cap) {
          flags[i] = true;
          scores[i] += boost;
          boosted++;
        } else {
          capped++;
        }
      }
    }
    List<String> notes = new ArrayList<>();
    if (boosted + capped > 0) {
      notes.add(String.format(Locale.ROOT, "cold start: %d new candidates boosted by %s, %d at the exposure cap of %d",
          boosted, boost, capped, cap));
    }
    List<Rule> rules = share > 0 && boosted > 0 ? List.of(NewItemShare.oneIn(share)) : List.of();
    return new Applied(c.withScoresAndFresh(scores, flags), rules, notes);
  }

  /** Counts one showing of each boosted item in {@code result}. */
  public void shown(Candidates applied, RerankResult result) {
    List<String> ids = new ArrayList<>();
    for (int i : result.order()) {
      if (applied.isFresh(i)) {
        ids.add(applied.id(i));
      }
    }
    counts.add(ids);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ColdStart}: the fresh items and the exposure counts are required. */
  public static final class Builder {
    private FreshItems fresh;
    private ItemExposureCounts counts;
    private double boost;
    private int share;
    private int cap = DEFAULT_CAP;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder setFreshItems(FreshItems fresh) {
      this.fresh = fresh;
      return this;
    }

    public Builder setExposureCounts(ItemExposureCounts counts) {
      this.counts = counts;
      return this;
    }

    /** Added to a new item's score (>= 0, score units). */
    public Builder optBoost(double boost) {
      this.boost = boost;
      return this;
    }

    /** One slot in every {@code period} for new items (0: no guaranteed share). */
    public Builder optShare(int period) {
      this.share = period;
      return this;
    }

    /** Showings after which a new item is no longer boosted (>= 1). */
    public Builder optCap(int cap) {
      this.cap = cap;
      return this;
    }

    public Builder optClock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public ColdStart build() {
      if (fresh == null) {
        throw new IllegalArgumentException("fresh items are required");
      }
      if (counts == null) {
        throw new IllegalArgumentException("exposure counts are required");
      }
      if (!(boost >= 0) || !Double.isFinite(boost)) {
        throw new IllegalArgumentException("boost=" + boost + " must be a finite number >= 0");
      }
      if (share < 0) {
        throw new IllegalArgumentException("share=" + share + " must be >= 0 (0: no guaranteed share)");
      }
      if (cap < 1) {
        throw new IllegalArgumentException("cap=" + cap + " must be >= 1");
      }
      if (clock == null) {
        throw new IllegalArgumentException("clock is null");
      }
      return new ColdStart(this);
    }
  }
}
