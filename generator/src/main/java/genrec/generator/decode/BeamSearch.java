package genrec.generator.decode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import genrec.generator.decode.SearchPhases.Phase;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.FoldedDecoder;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.SidVocabulary;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Batched, constrained beam search over semantic IDs. Per request: encode all users once,
 * project the cross-attention memory once, allocate a {@link KvCache}, then for each level run
 * one {@link DecoderStep}, let {@link BeamState} pick the best candidates per user among the
 * codes the {@link DecodeConstraint} allows, and reorder the cache by parent row. The first step
 * runs one row per user and expands to the beam width W; the last level keeps the best K paths.
 * Greedy decoding is beam width 1.
 *
 * <p>The cached path runs the decoder through a {@link FoldedDecoder}: a copy of the decoder's
 * weights folded when the search is built (later training steps are not seen; build a new search
 * after them). It lives in a sub-manager of the weights' manager, freed by {@link #close()} or
 * with the weights.
 *
 * <p>Thread-safe: each call has its own {@link NDManager} scope, parameter store and cache.
 * Legend in {@link genrec.generator.decode}.
 */
public final class BeamSearch implements AutoCloseable {
  private final SidTransformer model;
  private final PrefixTrie catalogue;
  private final DecodeConstraint constraint;
  private final int beamWidth;
  private final boolean excludeHistory;
  private final boolean useCache;
  private final DecoderStep step;
  private final Engine engine;
  private final NDManager foldedScope; // null without the cache
  private final FoldedDecoder folded; // null without the cache

  private BeamSearch(Builder b) {
    this.model = b.model;
    this.catalogue = b.catalogue;
    this.constraint = b.constraint != null ? b.constraint : b.catalogue;
    this.beamWidth = b.beamWidth;
    this.excludeHistory = b.excludeHistory;
    this.useCache = b.useCache;
    NDManager weights = model.getParameters().valueAt(0).getArray().getManager();
    this.engine = weights.getEngine();
    this.foldedScope = useCache ? weights.newSubManager() : null;
    this.folded = useCache ? FoldedDecoder.of(model, foldedScope) : null;
    this.step = new DecoderStep(model, folded);
  }

  /** Frees the folded decoder weights (the cached search cannot be used afterwards). */
  @Override
  public void close() {
    if (foldedScope != null) {
      foldedScope.close();
    }
  }

  public int beamWidth() {
    return beamWidth;
  }

  public PrefixTrie catalogue() {
    return catalogue;
  }

  /** Top-K items of one user with no user token. */
  public BeamResult search(int[] history, int topK) {
    return search(new int[][] {history}, null, topK).get(0);
  }

  /**
   * Top-K items per user.
   *
   * @param histories per user item indices, oldest first, each non-empty and in the catalogue
   * @param users user ids for the hashed user token, or null
   * @param topK results per user, 1..catalogue size (fewer come back when the constraint or the
   *     history exclusion leaves fewer paths)
   * @return one result per user, in input order
   */
  public List<BeamResult> search(int[][] histories, long[] users, int topK) {
    return search(histories, users, topK, null);
  }

  /**
   * {@link #search(int[][], long[], int)}, recording the call's phase times into {@code phases}
   * (null: not timed).
   */
  public List<BeamResult> search(int[][] histories, long[] users, int topK,
      SearchPhases phases) {
    int numItems = catalogue.numItems();
    validate(histories, users, topK, numItems);
    GeneratorConfig c = model.config();
    SidVocabulary vocab = model.vocabulary();
    int levels = c.levels();
    int k = c.codebookSize();
    int u = histories.length;
    BitSet[] excluded = excludeHistory ? exclusions(histories) : null;
    if (phases != null) {
      phases.beginCall();
    }
    try (NDManager m = engine.newBaseManager()) {
      long t0 = System.nanoTime();
      ParameterStore ps = new ParameterStore(m, false);
      NDArray enc = model.encoderTokens(m, histories, users, catalogue::codesOf,
          numItems); // (U, S, G)
      EncoderOutput out = model.encode(ps, enc, false); // (U, S, D), (U, 1, 1, S)
      t0 = lap(phases, Phase.ENCODE, t0);
      CrossAttentionMemory memory = useCache ? CrossAttentionMemory.compute(folded, out) : null;
      KvCache cache = useCache ? KvCache.allocate(m, c, u) : null;
      t0 = lap(phases, Phase.MEMORY, t0);
      BeamState beams = BeamState.start(u, levels);
      for (int t = 0; t < levels; t++) {
        try (NDManager stepScope = m.newSubManager()) {
          t0 = System.nanoTime();
          NDArray logits; // (N, K)
          if (useCache) {
            int[] ids = new int[beams.rows()];
            if (t == 0) {
              Arrays.fill(ids, SidVocabulary.BOS);
            } else {
              int[] last = beams.lastCodes();
              for (int r = 0; r < ids.length; r++) {
                ids[r] = vocab.codeToken(t - 1, last[r]);
              }
            }
            logits = step.step(stepScope.create(ids), cache, memory); // (N, K)
          } else {
            logits = step.uncached(ps, prefixTokens(stepScope, beams, vocab), out,
                beams.userOfRows()); // (N, K)
          }
          t0 = lap(phases, Phase.DECODE, t0);
          float[] logp = logits.logSoftmax(-1).toFloatArray(); // (N, K) row-major
          int width = t == levels - 1 ? topK : beamWidth;
          int[] parents = beams.advance(logp, k, constraint, width, excluded);
          t0 = lap(phases, Phase.SELECT, t0);
          if (useCache && t < levels - 1) {
            cache.reorder(parents);
            lap(phases, Phase.REORDER, t0);
          }
        }
      }
      return List.of(beams.results(constraint));
    }
  }

  /** Adds the time since {@code since} to {@code phase} (when timed); returns now. */
  private static long lap(SearchPhases phases, Phase phase, long since) {
    long now = System.nanoTime();
    if (phases != null) {
      phases.add(phase, now - since);
    }
    return now;
  }

  /** BOS plus the code tokens of every row's prefix: {@code (N, t+1)}. */
  private static NDArray prefixTokens(NDManager m, BeamState beams, SidVocabulary vocab) {
    int n = beams.rows();
    int t = beams.level();
    int[] ids = new int[n * (t + 1)];
    for (int r = 0; r < n; r++) {
      ids[r * (t + 1)] = SidVocabulary.BOS;
      int[] p = beams.prefix(r);
      for (int l = 0; l < t; l++) {
        ids[r * (t + 1) + 1 + l] = vocab.codeToken(l, p[l]);
      }
    }
    return m.create(ids, new Shape(n, t + 1)); // (N, t+1)
  }

  private static BitSet[] exclusions(int[][] histories) {
    BitSet[] ex = new BitSet[histories.length];
    for (int i = 0; i < histories.length; i++) {
      ex[i] = new BitSet();
      for (int item : histories[i]) {
        ex[i].set(item);
      }
    }
    return ex;
  }

  private static void validate(int[][] histories, long[] users, int topK, int numItems) {
    if (topK < 1) {
      throw new IllegalArgumentException("topK=" + topK + " must be >= 1");
    }
    if (topK > numItems) {
      throw new IllegalArgumentException(
          "topK=" + topK + " is larger than the catalogue (" + numItems + " items)");
    }
    if (histories.length == 0) {
      throw new IllegalArgumentException("no users to decode for");
    }
    if (users != null && users.length != histories.length) {
      throw new IllegalArgumentException(
          users.length + " user ids for " + histories.length + " histories");
    }
    for (int i = 0; i < histories.length; i++) {
      if (histories[i] == null || histories[i].length == 0) {
        throw new IllegalArgumentException("history of user " + i + " is empty");
      }
      for (int item : histories[i]) {
        if (item < 0 || item >= numItems) {
          throw new IllegalArgumentException("history of user " + i + " has item " + item
              + " outside [0, " + numItems + ")");
        }
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setModel}, {@link #setCatalogue}. Optional: {@link #optConstraint} (the
   * catalogue's trie), {@link #optBeamWidth} (10), {@link #optExcludeHistory} (false), {@link
   * #optUseCache} (true; false recomputes the full decoder pass each step, for tests).
   */
  public static final class Builder {
    private SidTransformer model;
    private PrefixTrie catalogue;
    private DecodeConstraint constraint;
    private int beamWidth = 10;
    private boolean excludeHistory;
    private boolean useCache = true;

    private Builder() {}

    public Builder setModel(SidTransformer model) {
      this.model = model;
      return this;
    }

    /** The items' semantic IDs: history encoding, catalogue size and path → item. */
    public Builder setCatalogue(PrefixTrie catalogue) {
      this.catalogue = catalogue;
      return this;
    }

    public Builder optConstraint(DecodeConstraint constraint) {
      this.constraint = constraint;
      return this;
    }

    public Builder optBeamWidth(int beamWidth) {
      this.beamWidth = beamWidth;
      return this;
    }

    /** Greedy decoding: beam width 1. */
    public Builder optGreedy() {
      this.beamWidth = 1;
      return this;
    }

    public Builder optExcludeHistory(boolean excludeHistory) {
      this.excludeHistory = excludeHistory;
      return this;
    }

    public Builder optUseCache(boolean useCache) {
      this.useCache = useCache;
      return this;
    }

    public BeamSearch build() {
      if (model == null) {
        throw new IllegalArgumentException("model is required");
      }
      if (catalogue == null) {
        throw new IllegalArgumentException("catalogue is required");
      }
      if (beamWidth < 1) {
        throw new IllegalArgumentException("beamWidth=" + beamWidth + " must be >= 1");
      }
      GeneratorConfig c = model.config();
      DecodeConstraint dc = constraint != null ? constraint : catalogue;
      if (catalogue.levels() != c.levels() || dc.levels() != c.levels()) {
        throw new IllegalArgumentException("catalogue has levels=" + catalogue.levels()
            + " but the model decodes levels=" + c.levels());
      }
      if (catalogue.codebookSize() != c.codebookSize()
          || dc.codebookSize() != c.codebookSize()) {
        throw new IllegalArgumentException("catalogue has codebookSize="
            + catalogue.codebookSize() + " but the model has codebookSize=" + c.codebookSize());
      }
      return new BeamSearch(this);
    }
  }
}
