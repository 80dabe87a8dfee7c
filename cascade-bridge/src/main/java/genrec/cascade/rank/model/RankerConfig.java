package genrec.cascade.rank.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hyper-parameters of the multi-task ranker ({@link RankerNetwork}). Immutable; build with {@link
 * #builder()} or start from a preset ({@link #tiny()}, {@link #standard}) and adjust with {@link
 * #toBuilder()}. Every value is validated by the canonical constructor, so a record made directly
 * (or read from JSON) is never invalid.
 *
 * @param numDense numeric features per row F (0 allowed)
 * @param numItems item vocabulary size without the padding row (item ids are index + 1, 0 =
 *     unknown or padding)
 * @param codebookSize codes per semantic-ID level K (code ids are code + 1, 0 = none)
 * @param historyLength history positions per row L
 * @param embeddingDim embedding width E of the item table and of each code table
 * @param crossLayers DCN-v2 cross layers on x0 (0 = none)
 * @param attentionHidden hidden width of the DIN activation unit
 * @param mixture how the tasks share the bottom ({@link Mixture})
 * @param experts MMoE experts (shared by all tasks; used only by {@link Mixture#MMOE})
 * @param taskExperts PLE experts owned by each task (used only by {@link Mixture#PLE})
 * @param sharedExperts PLE shared experts (used only by {@link Mixture#PLE})
 * @param expertHidden output width of every expert (and of the shared bottom)
 * @param towerHidden hidden width of each task's tower
 * @param tasks task names, in logit order (T = size), distinct and non-blank
 * @param fusionWeights per task weight w_t of {@link ScoreFusion} (size T, finite, not all 0)
 * @param dropout dropout rate in [0, 1) after every hidden layer, training only
 */
public record RankerConfig(
    int numDense,
    int numItems,
    int codebookSize,
    int historyLength,
    int embeddingDim,
    int crossLayers,
    int attentionHidden,
    Mixture mixture,
    int experts,
    int taskExperts,
    int sharedExperts,
    int expertHidden,
    int towerHidden,
    List<String> tasks,
    List<Float> fusionWeights,
    float dropout) {

  /** Semantic-ID levels per item used by the ranker (c1, c2, c3). */
  public static final int CODE_LEVELS = 3;

  /** How the T tasks share the layers below their towers. */
  public enum Mixture {
    /** One expert MLP feeds every tower (Caruana's shared bottom). */
    SHARED_BOTTOM,
    /** {@code experts} shared experts, one softmax gate per task (Ma et al., KDD 2018). */
    MMOE,
    /**
     * One CGC extraction layer of PLE (Tang et al., RecSys 2020): {@code taskExperts} experts per
     * task plus {@code sharedExperts} shared ones; task t's gate mixes its own and the shared.
     */
    PLE
  }

  public RankerConfig {
    nonNegative("numDense", numDense);
    positive("numItems", numItems);
    positive("codebookSize", codebookSize);
    positive("historyLength", historyLength);
    positive("embeddingDim", embeddingDim);
    nonNegative("crossLayers", crossLayers);
    positive("attentionHidden", attentionHidden);
    if (mixture == null) {
      throw new IllegalArgumentException("mixture must not be null");
    }
    positive("experts", experts);
    nonNegative("taskExperts", taskExperts);
    nonNegative("sharedExperts", sharedExperts);
    if (mixture == Mixture.PLE && taskExperts + sharedExperts < 1) {
      throw new IllegalArgumentException("taskExperts=" + taskExperts + " + sharedExperts="
          + sharedExperts + " must be >= 1 for PLE");
    }
    positive("expertHidden", expertHidden);
    positive("towerHidden", towerHidden);
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks must name at least one task");
    }
    Set<String> seen = new HashSet<>();
    for (String t : tasks) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("tasks=" + tasks + " has a blank name");
      }
      if (!seen.add(t)) {
        throw new IllegalArgumentException("tasks=" + tasks + " names '" + t + "' twice");
      }
    }
    tasks = List.copyOf(tasks);
    if (fusionWeights == null) {
      fusionWeights = defaultFusionWeights(tasks.size());
    }
    if (fusionWeights.size() != tasks.size()) {
      throw new IllegalArgumentException("fusionWeights=" + fusionWeights + " has "
          + fusionWeights.size() + " weights for " + tasks.size() + " tasks");
    }
    boolean any = false;
    for (Float w : fusionWeights) {
      if (w == null || !Float.isFinite(w)) {
        throw new IllegalArgumentException("fusionWeights=" + fusionWeights
            + " must all be finite numbers");
      }
      any |= w != 0f;
    }
    if (!any) {
      throw new IllegalArgumentException("fusionWeights=" + fusionWeights + " are all 0");
    }
    fusionWeights = List.copyOf(fusionWeights);
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout=" + dropout + " must be in [0, 1)");
    }
  }

  /** T, the number of tasks (and logits). */
  public int numTasks() {
    return tasks.size();
  }

  /** Width of one item vector (item embedding and its 3 code embeddings): 4E. */
  public int itemVectorDim() {
    return (1 + CODE_LEVELS) * embeddingDim;
  }

  /** Width of x0 = concat(dense, q, din): F + 2·4E. */
  public int inputDim() {
    return numDense + 2 * itemVectorDim();
  }

  /** 1 for the first task, 0 for the others. */
  public static List<Float> defaultFusionWeights(int tasks) {
    List<Float> w = new ArrayList<>(tasks);
    for (int t = 0; t < tasks; t++) {
      w.add(t == 0 ? 1f : 0f);
    }
    return w;
  }

  /**
   * The test preset: 4 dense features, 40 items, 8 codes per level, 4 history positions, tasks
   * {@code click} and {@code buy}, E=8, 2 cross layers, attention 16, MMoE with 3 experts (PLE: 1
   * task expert + 1 shared), experts 16 wide, towers 8, no dropout.
   */
  public static RankerConfig tiny() {
    return builder().setData(4, 40, 8, 4).setTasks(List.of("click", "buy"))
        .optEmbeddingDim(8).optAttentionHidden(16).optExperts(3).optTaskExperts(1)
        .optSharedExperts(1).optExpertHidden(16).optTowerHidden(8).optDropout(0f).build();
  }

  /**
   * The standard model for the given data sizes: E=16, 2 cross layers, attention 32, MMoE with 4
   * experts (PLE: 2 per task + 2 shared), experts 64 wide, towers 32, dropout 0.1.
   */
  public static RankerConfig standard(int numDense, int numItems, int codebookSize,
      int historyLength, List<String> tasks) {
    return builder().setData(numDense, numItems, codebookSize, historyLength).setTasks(tasks)
        .build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.numDense = numDense;
    b.numItems = numItems;
    b.codebookSize = codebookSize;
    b.historyLength = historyLength;
    b.embeddingDim = embeddingDim;
    b.crossLayers = crossLayers;
    b.attentionHidden = attentionHidden;
    b.mixture = mixture;
    b.experts = experts;
    b.taskExperts = taskExperts;
    b.sharedExperts = sharedExperts;
    b.expertHidden = expertHidden;
    b.towerHidden = towerHidden;
    b.tasks = tasks;
    b.fusionWeights = fusionWeights;
    b.dropout = dropout;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(
          name + "=" + v + (v == -1 ? " is required" : " must be >= 1"));
    }
  }

  private static void nonNegative(String name, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(
          name + "=" + v + (v == -1 ? " is required" : " must be >= 0"));
    }
  }

  /**
   * Required: {@link #setData} (F, items, K, L) and {@link #setTasks}. Defaults: E=16, 2 cross
   * layers, attention 32, MMoE, 4 experts, PLE 2 task + 2 shared experts, experts 64 wide, towers
   * 32, fusion weights 1 for the first task and 0 for the others, dropout 0.1.
   */
  public static final class Builder {
    private int numDense = -1;
    private int numItems = -1;
    private int codebookSize = -1;
    private int historyLength = -1;
    private int embeddingDim = 16;
    private int crossLayers = 2;
    private int attentionHidden = 32;
    private Mixture mixture = Mixture.MMOE;
    private int experts = 4;
    private int taskExperts = 2;
    private int sharedExperts = 2;
    private int expertHidden = 64;
    private int towerHidden = 32;
    private List<String> tasks;
    private List<Float> fusionWeights;
    private float dropout = 0.1f;

    private Builder() {}

    /** The data sizes: dense features F, items, codes per level K, history positions L. */
    public Builder setData(int numDense, int numItems, int codebookSize, int historyLength) {
      this.numDense = numDense;
      this.numItems = numItems;
      this.codebookSize = codebookSize;
      this.historyLength = historyLength;
      return this;
    }

    /** Task names; resets the fusion weights to the default unless set afterwards. */
    public Builder setTasks(List<String> tasks) {
      this.tasks = tasks;
      this.fusionWeights = null;
      return this;
    }

    public Builder optEmbeddingDim(int embeddingDim) {
      this.embeddingDim = embeddingDim;
      return this;
    }

    public Builder optCrossLayers(int crossLayers) {
      this.crossLayers = crossLayers;
      return this;
    }

    public Builder optAttentionHidden(int attentionHidden) {
      this.attentionHidden = attentionHidden;
      return this;
    }

    public Builder optMixture(Mixture mixture) {
      this.mixture = mixture;
      return this;
    }

    public Builder optExperts(int experts) {
      this.experts = experts;
      return this;
    }

    public Builder optTaskExperts(int taskExperts) {
      this.taskExperts = taskExperts;
      return this;
    }

    public Builder optSharedExperts(int sharedExperts) {
      this.sharedExperts = sharedExperts;
      return this;
    }

    public Builder optExpertHidden(int expertHidden) {
      this.expertHidden = expertHidden;
      return this;
    }

    public Builder optTowerHidden(int towerHidden) {
      this.towerHidden = towerHidden;
      return this;
    }

    /** Per task fusion weights (see {@link ScoreFusion}); call after {@link #setTasks}. */
    public Builder optFusionWeights(List<Float> fusionWeights) {
      this.fusionWeights = fusionWeights;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public RankerConfig build() {
      return new RankerConfig(numDense, numItems, codebookSize, historyLength, embeddingDim,
          crossLayers, attentionHidden, mixture, experts, taskExperts, sharedExperts,
          expertHidden, towerHidden, tasks, fusionWeights, dropout);
    }
  }
}
