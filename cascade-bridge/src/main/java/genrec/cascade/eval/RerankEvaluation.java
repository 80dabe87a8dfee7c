package genrec.cascade.eval;

import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.rerank.CategorySimilarity;
import genrec.cascade.rerank.SemanticIdSimilarity;
import genrec.cascade.rerank.SimilaritySource;
import genrec.cascade.rerank.TextVectorSimilarity;
import genrec.core.io.DataFormatException;
import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The procedure of {@code genrec rerank-eval}: every case's top-N candidates from one channel,
 * re-ranked to K under every {@link RerankSweep.Setting} (and with the cold-start stage when there
 * are new items), measured by {@link RerankSweep}. This class assembles the sweep from a
 * catalogue: the re-ranking similarity ({@link SimilarityKind}), text cosine for ILD where item
 * vectors are given (else the re-ranking similarity, with a note), the groupings counted per list
 * (the semantic ID's first code c1, the first category), the new items.
 */
public final class RerankEvaluation {

  /** What MMR and DPP call similar. */
  public enum SimilarityKind {
    /** Cosine of the item vectors. */
    TEXT,
    /** Shared semantic-ID prefixes. */
    SID,
    /** Jaccard of the items' categories. */
    CATEGORY,
    /** Jaccard of the items' attribute tokens. */
    ATTRIBUTES;

    /** Lower-case name, as on the command line. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What the evaluation measured.
   *
   * @param report the sweep's report
   * @param candidates the candidate lists, in case order
   */
  public record Result(RerankSweep.Report report, List<RerankSweep.Case> candidates) {
    public Result {
      candidates = List.copyOf(candidates);
    }
  }

  private final CandidateChannel channel;
  private final List<EvalCase> cases;
  private final List<RerankSweep.Setting> settings;
  private final RerankSweep sweep;
  private final boolean[] newItems;
  private final boolean textDiversity;
  private final List<String> notes;
  private final int n;
  private final int threads;

  private RerankEvaluation(Builder b, RerankSweep sweep, boolean textDiversity,
      List<String> notes) {
    this.channel = b.channel;
    this.cases = List.copyOf(b.cases);
    this.settings = List.copyOf(b.settings);
    this.sweep = sweep;
    this.newItems = b.newItems;
    this.textDiversity = textDiversity;
    this.notes = List.copyOf(notes);
    this.n = b.n;
    this.threads = b.threads;
  }

  /** The settings measured, relevance order first. */
  public List<RerankSweep.Setting> settings() {
    return settings;
  }

  /** Whether ILD is text cosine (false: the re-ranking similarity, the run has no vectors). */
  public boolean textDiversity() {
    return textDiversity;
  }

  /** What the set-up could not do as asked (e.g. ILD without item vectors), as lines to show. */
  public List<String> notes() {
    return notes;
  }

  /**
   * Fetches the candidates and runs the sweep.
   *
   * @param split named in the progress lines
   */
  public Result run(String split) {
    List<RerankSweep.Case> candidates;
    try (Progress p = Progress.start("candidates " + split, cases.size(), "users")) {
      candidates = RerankSweep.candidates(channel, cases, n, threads, p);
    }
    boolean anyNew = newItems != null && candidates.stream()
        .anyMatch(c -> Arrays.stream(c.items()).anyMatch(i -> newItems[i]));
    long tasks = (long) settings.size() * (anyNew ? 2 : 1) * candidates.size();
    RerankSweep.Report report;
    try (Progress p = Progress.start("rerank " + split, tasks, "lists")) {
      report = sweep.run(candidates, settings, p);
    }
    return new Result(report, candidates);
  }

  /** The catalogue's rows of {@code m} as unit vectors (row i: item i). */
  static float[][] unitRows(EmbeddingMatrix m) {
    float[][] v = new float[m.rows()][];
    for (int i = 0; i < v.length; i++) {
      float[] r = m.row(i);
      double s = 0;
      for (float x : r) {
        s += x * x;
      }
      if (!(s > 0)) {
        throw new IllegalArgumentException("the embedding of item '" + m.ids().get(i) + "' is "
            + "zero: run 'genrec embed' again");
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int j = 0; j < r.length; j++) {
        r[j] *= inv;
      }
      v[i] = r;
    }
    return v;
  }

  private static void requireSome(Catalog catalog, boolean categories) {
    for (int i = 0; i < catalog.size(); i++) {
      if (!(categories ? catalog.get(i).categories() : catalog.get(i).attributes()).isEmpty()) {
        return;
      }
    }
    throw new IllegalArgumentException("--similarity " + (categories ? "category" : "attributes")
        + ": no item of the catalogue has " + (categories ? "categories" : "attributes")
        + " (try text or sid)");
  }

  /** Each item's first (most general) category as a code, or null when no item has one. */
  static int[] firstCategory(Catalog catalog) {
    Map<String, Integer> dict = new HashMap<>();
    int[] out = new int[catalog.size()];
    for (int i = 0; i < out.length; i++) {
      List<String> c = catalog.get(i).categories();
      out[i] = c.isEmpty() ? -1 : dict.computeIfAbsent(c.get(0), x -> dict.size());
    }
    return dict.isEmpty() ? null : out;
  }

  /**
   * The items listed in {@code file} (one id per line, '#' comments) as catalogue flags: the
   * {@code --new-items} file of {@code genrec rerank-eval}.
   *
   * @throws genrec.core.io.DataFormatException naming the line of an unknown id, or the file
   *     when it lists none
   */
  public static boolean[] readNewItems(Path file, Catalog catalog) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--new-items " + file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read --new-items " + file, e);
    }
    boolean[] fresh = new boolean[catalog.size()];
    int count = 0;
    for (int l = 0; l < lines.size(); l++) {
      String id = lines.get(l).strip();
      if (id.isEmpty() || id.startsWith("#")) {
        continue;
      }
      int i = catalog.indexOf(id);
      if (i < 0) {
        throw new DataFormatException(file, l + 1, "item_id", "item '" + id
            + "' is not in the catalogue");
      }
      count += fresh[i] ? 0 : 1;
      fresh[i] = true;
    }
    if (count == 0) {
      throw new DataFormatException(file, 0, "item_id", "no item ids (one per line)");
    }
    return fresh;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link RerankEvaluation}: the catalogue, the channel, the cases, the settings and
   * the similarity are required.
   */
  public static final class Builder {
    private Catalog catalog;
    private CandidateChannel channel;
    private List<EvalCase> cases;
    private List<RerankSweep.Setting> settings;
    private SimilarityKind similarity;
    private EmbeddingMatrix vectors;
    private String noVectors = "no item vectors given";
    private int[][] itemCodes;
    private boolean[] newItems;
    private boolean coldStart;
    private int coldShare;
    private double coldBoost;
    private int coldCap;
    private RerankSweep.DppScores dppScores = RerankSweep.DppScores.MIN_MAX;
    private int n = 100;
    private int k = 10;
    private int threads = 1;

    private Builder() {}

    public Builder setCatalog(Catalog catalog) {
      this.catalog = catalog;
      return this;
    }

    /** Where the candidates come from. */
    public Builder setChannel(CandidateChannel channel) {
      this.channel = channel;
      return this;
    }

    /** The users measured: history and held-out target. */
    public Builder setCases(List<EvalCase> cases) {
      this.cases = cases;
      return this;
    }

    /** The settings, e.g. {@link RerankSweep#grid}. */
    public Builder setSettings(List<RerankSweep.Setting> settings) {
      this.settings = settings;
      return this;
    }

    public Builder setSimilarity(SimilarityKind similarity) {
      this.similarity = similarity;
      return this;
    }

    /**
     * The catalogue's item vectors (row i: item i), for text similarity and ILD; null with the
     * reason there are none, which the text similarity's error and the ILD note name.
     */
    public Builder optItemVectors(EmbeddingMatrix vectors, String reasonIfNone) {
      this.vectors = vectors;
      this.noVectors = reasonIfNone;
      return this;
    }

    /** The semantic IDs (item i: its codes): SID similarity and the c1 grouping. */
    public Builder optItemCodes(int[][] itemCodes) {
      this.itemCodes = itemCodes;
      return this;
    }

    /** Which catalogue items are new (null: none). */
    public Builder optNewItems(boolean[] newItems) {
      this.newItems = newItems;
      return this;
    }

    /** With new items, also measure every setting with the cold-start stage. */
    public Builder optColdStart(int share, double boost, int cap) {
      this.coldStart = true;
      this.coldShare = share;
      this.coldBoost = boost;
      this.coldCap = cap;
      return this;
    }

    public Builder optDppScores(RerankSweep.DppScores dppScores) {
      this.dppScores = dppScores;
      return this;
    }

    /** Candidates per user (default 100). */
    public Builder optN(int n) {
      this.n = n;
      return this;
    }

    /** Slots re-ranked and measured (default 10). */
    public Builder optK(int k) {
      this.k = k;
      return this;
    }

    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Validates and assembles the sweep.
     *
     * @throws IllegalArgumentException for a missing part, {@code k} outside [1, n], text
     *     similarity without vectors, category or attribute similarity on a catalogue without any
     */
    public RerankEvaluation build() {
      if (catalog == null || channel == null || cases == null || settings == null
          || similarity == null) {
        throw new IllegalArgumentException("the catalogue, the channel, the cases, the settings "
            + "and the similarity are required");
      }
      if (n < 1) {
        throw new IllegalArgumentException("n=" + n + " must be >= 1");
      }
      if (k < 1 || k > n) {
        throw new IllegalArgumentException("k=" + k + " must be in [1, n=" + n + "]");
      }
      if (itemCodes != null && itemCodes.length != catalog.size()) {
        throw new IllegalArgumentException(itemCodes.length + " semantic IDs for "
            + catalog.size() + " items");
      }
      List<String> notes = new ArrayList<>();
      float[][] unit = null;
      String missing = noVectors;
      if (vectors != null) {
        try {
          unit = unitRows(vectors);
        } catch (IllegalArgumentException e) { // a zero vector: as if there were none
          missing = e.getMessage();
        }
      }
      if (unit == null) {
        if (similarity == SimilarityKind.TEXT) {
          throw new IllegalArgumentException("--similarity text: " + missing);
        }
        notes.add("note: ILD is measured with the " + similarity.label() + " similarity ("
            + missing + ")");
      }
      Map<String, Integer> index = new HashMap<>();
      List<String> ids = new ArrayList<>(catalog.size());
      for (int i = 0; i < catalog.size(); i++) {
        ids.add(catalog.get(i).id());
        index.put(catalog.get(i).id(), i);
      }
      SimilaritySource text = null;
      if (unit != null) {
        float[][] v = unit;
        text = TextVectorSimilarity.source(id -> v[index.get(id)]);
      }
      int[][] codes = itemCodes;
      Catalog c = catalog;
      SimilaritySource rerankSim = switch (similarity) {
        case TEXT -> text;
        case SID -> {
          if (codes == null) {
            throw new IllegalArgumentException("--similarity sid: the run has no semantic IDs");
          }
          yield SemanticIdSimilarity.source(id -> codes[index.get(id)],
              SemanticIdSimilarity.DEFAULT_S1, SemanticIdSimilarity.DEFAULT_S2);
        }
        case CATEGORY -> {
          requireSome(c, true);
          yield CategorySimilarity.source(id -> c.get(index.get(id)).categories());
        }
        case ATTRIBUTES -> {
          requireSome(c, false);
          yield CategorySimilarity.source(id -> c.get(index.get(id)).attributes());
        }
      };
      RerankSweep.Builder b = RerankSweep.builder().setItemIds(ids).setSimilarity(rerankSim)
          .optDiversity(text).optDppScores(dppScores).optK(k).optThreads(threads);
      if (codes != null) {
        int[] c1 = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
          c1[i] = codes[i][0];
        }
        b.optGrouping("c1", c1);
      }
      int[] category = firstCategory(catalog);
      if (category != null) {
        b.optGrouping("category", category);
      }
      if (newItems != null) {
        b.optNewItems(newItems);
        if (coldStart) {
          b.optColdStart(coldShare, coldBoost, coldCap);
        }
      }
      return new RerankEvaluation(this, b.build(), text != null, notes);
    }
  }
}
