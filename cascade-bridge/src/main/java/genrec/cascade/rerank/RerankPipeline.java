package genrec.cascade.rerank;

import java.util.ArrayList;
import java.util.List;

/**
 * What serving runs per request: the cold-start stage (optional), then a re-ranker under the
 * business rules (in priority order) with the cold-start share rule last (so it is the first one
 * relaxed), then the cold-start exposure counts. Thread-safe when its parts are.
 */
public final class RerankPipeline {
  private final Reranker reranker;
  private final List<Rule> rules;
  private final ColdStart coldStart;

  private RerankPipeline(Builder b) {
    this.reranker = b.reranker;
    this.rules = List.copyOf(b.rules);
    this.coldStart = b.coldStart;
  }

  /** The slate of {@code k} for {@code candidates}. */
  public RerankResult rerank(Candidates candidates, int k) {
    if (coldStart == null) {
      return reranker.rerank(candidates, k, rules);
    }
    ColdStart.Applied a = coldStart.apply(candidates);
    List<Rule> all = new ArrayList<>(rules);
    all.addAll(a.rules());
    RerankResult r = reranker.rerank(a.candidates(), k, all);
    coldStart.shown(a.candidates(), r);
    List<String> notes = new ArrayList<>(a.notes());
    notes.addAll(r.notes());
    return new RerankResult(r.order(), r.ids(), notes, r.relaxedRules());
  }

  public Reranker reranker() {
    return reranker;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RerankPipeline}: the re-ranker is required. */
  public static final class Builder {
    private Reranker reranker;
    private final List<Rule> rules = new ArrayList<>();
    private ColdStart coldStart;

    private Builder() {}

    public Builder setReranker(Reranker reranker) {
      this.reranker = reranker;
      return this;
    }

    /** Appends a rule (earlier rules are more important). */
    public Builder optRule(Rule rule) {
      if (rule == null) {
        throw new IllegalArgumentException("rule is null");
      }
      rules.add(rule);
      return this;
    }

    public Builder optColdStart(ColdStart coldStart) {
      this.coldStart = coldStart;
      return this;
    }

    public RerankPipeline build() {
      if (reranker == null) {
        throw new IllegalArgumentException("reranker is required");
      }
      return new RerankPipeline(this);
    }
  }
}
