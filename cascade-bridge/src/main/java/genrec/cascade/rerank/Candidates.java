package genrec.cascade.rerank;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's scored candidate list, as the re-rankers read it: item ids, scores (higher is
 * better, any scale: the generator's log-probabilities or a ranker's fused score), and optionally
 * a {@link Similarity} over the same list, labels (one value per candidate under a name such as
 * {@code "category"} or {@code "type"}, read by the rules) and new-item flags (read by
 * {@link NewItemShare}, set by {@link ColdStart}). Immutable.
 */
public final class Candidates {
  /** Code of a candidate without a value under a label. */
  public static final int NO_LABEL = -1;

  private final List<String> ids;
  private final double[] scores;
  private final Similarity similarity;
  private final Map<String, int[]> labelCodes;
  private final Map<String, List<String>> labelValues;
  private final boolean[] fresh;
  private volatile Map<String, Integer> index;

  private Candidates(List<String> ids, double[] scores, Similarity similarity,
      Map<String, int[]> labelCodes, Map<String, List<String>> labelValues, boolean[] fresh) {
    this.ids = ids;
    this.scores = scores;
    this.similarity = similarity;
    this.labelCodes = labelCodes;
    this.labelValues = labelValues;
    this.fresh = fresh;
  }

  public int size() {
    return ids.size();
  }

  public String id(int i) {
    return ids.get(i);
  }

  public List<String> ids() {
    return ids;
  }

  public double score(int i) {
    return scores[i];
  }

  /** A copy of the scores. */
  public double[] scores() {
    return scores.clone();
  }

  /** The similarity over this list, or null when none was given. */
  public Similarity similarity() {
    return similarity;
  }

  /** Whether candidates carry values under {@code label}. */
  public boolean hasLabel(String label) {
    return labelCodes.containsKey(label);
  }

  /**
   * The code of candidate {@code i}'s value under {@code label} (equal codes: equal values), or
   * {@link #NO_LABEL} when it has none or the label is unknown.
   */
  public int labelCode(String label, int i) {
    int[] codes = labelCodes.get(label);
    return codes == null ? NO_LABEL : codes[i];
  }

  /** The code of {@code value} under {@code label}, or {@link #NO_LABEL} if no candidate has it. */
  public int codeOf(String label, String value) {
    List<String> values = labelValues.get(label);
    int c = values == null ? -1 : values.indexOf(value);
    return c < 0 ? NO_LABEL : c;
  }

  /** Whether candidate {@code i} is flagged as a new item. */
  public boolean isFresh(int i) {
    return fresh != null && fresh[i];
  }

  /** The position of item {@code id} in this list, or -1. */
  public int indexOf(String id) {
    Map<String, Integer> m = index;
    if (m == null) {
      m = new HashMap<>(ids.size() * 2);
      for (int i = 0; i < ids.size(); i++) {
        m.put(ids.get(i), i);
      }
      index = m;
    }
    return m.getOrDefault(id, -1);
  }

  /** The same list with other scores and new-item flags (what {@link ColdStart} hands on). */
  public Candidates withScoresAndFresh(double[] newScores, boolean[] newFresh) {
    return toBuilder().setScores(newScores).optFresh(newFresh).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.ids = ids;
    b.scores = scores;
    b.similarity = similarity;
    b.labels.putAll(labelValuesPerCandidate());
    b.fresh = fresh;
    return b;
  }

  private Map<String, String[]> labelValuesPerCandidate() {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : labelCodes.entrySet()) {
      List<String> values = labelValues.get(e.getKey());
      String[] v = new String[ids.size()];
      for (int i = 0; i < v.length; i++) {
        int c = e.getValue()[i];
        v[i] = c == NO_LABEL ? null : values.get(c);
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Candidates}: ids and scores are required. */
  public static final class Builder {
    private List<String> ids;
    private double[] scores;
    private Similarity similarity;
    private final Map<String, String[]> labels = new LinkedHashMap<>();
    private boolean[] fresh;

    private Builder() {}

    /** The item ids, distinct. */
    public Builder setIds(List<String> ids) {
      this.ids = List.copyOf(ids);
      return this;
    }

    /** One finite score per candidate, higher is better. */
    public Builder setScores(double[] scores) {
      this.scores = scores.clone();
      return this;
    }

    /** The similarity over exactly these candidates, in this order. */
    public Builder optSimilarity(Similarity similarity) {
      this.similarity = similarity;
      return this;
    }

    /** One value per candidate under {@code name} (null: the candidate has none). */
    public Builder optLabel(String name, List<String> values) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("label name is empty");
      }
      labels.put(name, values.toArray(new String[0]));
      return this;
    }

    /** Which candidates are new items (null: none). */
    public Builder optFresh(boolean[] fresh) {
      this.fresh = fresh == null ? null : fresh.clone();
      return this;
    }

    public Candidates build() {
      if (ids == null) {
        throw new IllegalArgumentException("ids are required");
      }
      if (scores == null) {
        throw new IllegalArgumentException("scores are required");
      }
      int n = ids.size();
      if (scores.length != n) {
        throw new IllegalArgumentException("scores has " + scores.length + " values for " + n + " ids");
      }
      Map<String, Integer> seen = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        if (ids.get(i) == null) {
          throw new IllegalArgumentException("id " + i + " is null");
        }
        Integer before = seen.put(ids.get(i), i);
        if (before != null) {
          throw new IllegalArgumentException("id '" + ids.get(i) + "' is candidate " + before + " and " + i);
        }
        if (!Double.isFinite(scores[i])) {
          throw new IllegalArgumentException("score of candidate " + i + " is " + scores[i] + ", not finite");
        }
      }
      if (similarity != null && similarity.size() != n) {
        throw new IllegalArgumentException("similarity covers " + similarity.size() + " items for " + n + " candidates");
      }
      if (fresh != null && fresh.length != n) {
        throw new IllegalArgumentException("fresh has " + fresh.length + " flags for " + n + " candidates");
      }
      Map<String, int[]> codes = new LinkedHashMap<>();
      Map<String, List<String>> values = new LinkedHashMap<>();
      for (Map.Entry<String, String[]> e : labels.entrySet()) {
        String[] v = e.getValue();
        if (v.length != n) {
          throw new IllegalArgumentException("label '" + e.getKey() + "' has " + v.length + " values for " + n + " candidates");
        }
        Map<String, Integer> dict = new LinkedHashMap<>();
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
          c[i] = v[i] == null ? NO_LABEL : dict.computeIfAbsent(v[i], x -> dict.size());
        }
        codes.put(e.getKey(), c);
        values.put(e.getKey(), List.copyOf(dict.keySet()));
      }
      return new Candidates(ids, scores.clone(), similarity, Map.copyOf(codes), Map.copyOf(values),
          fresh == null ? null : Arrays.copyOf(fresh, n));
    }
  }
}
