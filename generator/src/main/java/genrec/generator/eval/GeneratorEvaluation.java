package genrec.generator.eval;

import genrec.core.io.Progress;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.decode.GeneratorMixture;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.decode.Unconstrained;
import genrec.generator.train.GeneratorModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation of {@code genrec eval}: a trained generator (or the equal-weight mixture of
 * several, each trained on the same data) beside MostPop and ItemKNN, leave-one-out, full
 * ranking, Recall@K / NDCG@K / coverage@K on the chosen splits. The procedure, in one place:
 *
 * <ul>
 *   <li>refit detection ({@link TrainedOn}): a generator trained on the validation interactions
 *       is measured on the test split only, and the baselines are fit the same way; a mixture's
 *       members must all be refit or none;
 *   <li>mixtures: each member proposes {@link GeneratorMixture#proposalsPerMember} items and an
 *       item scores the mean of their probabilities;
 *   <li>unconstrained decoding (one generator): the share of generated paths that name no item;
 *   <li>the cold-start protocol ({@link Builder#optColdItems}): the baselines learn without the
 *       held-out items' interactions, as the generator did; besides the usual rows, every model
 *       (and the content baseline, when given) on the test users whose target is held out
 *       ({@code test-cold}), and the generator on the others with and without the held-out items
 *       in its lists ({@code test-warm}).
 * </ul>
 *
 * <p>{@link Builder#build()} validates the options, loads the members through the caller's
 * {@link Loader} and builds their searches (closed by {@link #close()}; the models are the
 * caller's); {@link #run} evaluates and returns a {@link Result}. Error messages name the options
 * of {@code genrec eval}, which reads them to its user.
 */
public final class GeneratorEvaluation implements AutoCloseable {

  /** The splits measured. */
  public enum Splits {
    /** Test and validation (a refit run: test only). */
    BOTH,
    /** Test only. */
    TEST,
    /** Validation only (refused for a refit run). */
    VALIDATION
  }

  /**
   * A loaded generator and the semantic IDs it decodes.
   *
   * @param model the trained generator (owned by the caller)
   * @param itemCodes item index → its codes
   */
  public record Loaded(GeneratorModel model, int[][] itemCodes) {}

  /** Loads one member of the evaluation from its name (a run folder). */
  @FunctionalInterface
  public interface Loader {
    Loaded load(String member);
  }

  /**
   * One generator of the evaluation.
   *
   * @param name what it is called in a mixture (its run folder)
   * @param model the trained generator
   * @param search its beam search, built by this evaluation
   * @param trainedOn what it learnt from
   */
  public record Member(String name, GeneratorModel model, BeamSearch search, TrainedOn trainedOn) {}

  /**
   * The invalid paths of unconstrained decoding on one split.
   *
   * @param split the split
   * @param generated generated top paths
   * @param invalid those that name no item
   */
  public record InvalidPaths(String split, long generated, long invalid) {
    /** Invalid share in percent (0 when nothing was generated). */
    public double percent() {
      return generated == 0 ? 0.0 : 100.0 * invalid / generated;
    }
  }

  /**
   * The test users of the cold-start protocol.
   *
   * @param heldOutItems items held out of training
   * @param coldUsers test users whose target is one of them
   * @param warmUsers the other test users
   */
  public record ColdUsers(int heldOutItems, int coldUsers, int warmUsers) {}

  /**
   * What the evaluation measured.
   *
   * @param reports per model and split (models in order: generator, MostPop, ItemKNN; splits in
   *     order), then the cold-start rows
   * @param invalid with unconstrained decoding, per split; else empty
   * @param coldUsers the cold-start protocol's users, or null without it
   */
  public record Result(List<EvalReport> reports, List<InvalidPaths> invalid, ColdUsers coldUsers) {
    public Result {
      reports = List.copyOf(reports);
      invalid = List.copyOf(invalid);
    }

    /** Wall time of all evaluations, in seconds. */
    public double seconds() {
      return reports.stream().mapToDouble(EvalReport::seconds).sum();
    }
  }

  private final LeaveOneOutSplit split;
  private final List<Member> members;
  private final TrainedOn trainedOn;
  private final ColdItems cold;
  private final boolean coldProtocol;
  private final LeaveOneOutSplit fitSplit;
  private final int[] ks;
  private final int beam;
  private final boolean unconstrained;
  private final List<String> splits;
  private final int perMember;
  private final Recommender generator;
  private final GenerativeRecommender single;
  private final ItemKnn.Options itemKnn;
  private final Recommender content;
  private final int threads;

  private GeneratorEvaluation(Builder b, List<Member> members) {
    this.split = b.split;
    this.members = List.copyOf(members);
    this.trainedOn = members.get(0).trainedOn();
    this.cold = b.cold;
    this.coldProtocol = b.coldFraction != null;
    this.ks = b.ks;
    this.beam = b.beam;
    this.unconstrained = b.unconstrained;
    this.itemKnn = b.itemKnn;
    this.content = b.content;
    this.threads = b.threads;
    boolean refit = trainedOn.refit();
    if (cold != null && refit) {
      throw new IllegalArgumentException("eval --refit: this run holds items out for the "
          + "cold-start protocol (quantizer/" + ColdItems.FILE + "); refit runs are not part "
          + "of it");
    }
    // the baselines learn from what the generator learnt from: without held-out items
    this.fitSplit = cold == null ? split : cold.apply(split);
    if (refit && b.splits == Splits.VALIDATION) {
      throw new IllegalArgumentException("--split validation: a refit run has seen the "
          + "validation targets; only the test split measures it");
    }
    this.splits = refit || b.splits == Splits.TEST ? List.of("test")
        : b.splits == Splits.VALIDATION ? List.of("validation") : List.of("test", "validation");
    int numItems = split.numItems();
    int maxK = ks[ks.length - 1];
    String suffix = (b.weightsLabel.isEmpty() ? "" : ", " + b.weightsLabel)
        + (refit ? ", refit" : "") + (unconstrained ? ", unconstrained" : "");
    // in a mixture each member proposes as many items as it keeps beams (at least the 10
    // measured), so the mixture's top 10 can hold items a member ranks below its own top 10
    this.perMember = GeneratorMixture.proposalsPerMember(Math.max(10, maxK), beam, numItems);
    if (members.size() == 1) {
      Member m = members.get(0);
      // the cold protocol also ranks the beams without the new items: keep all of them
      int keep = coldProtocol ? Math.max(10, beam) : Math.max(10, maxK);
      this.single = new GenerativeRecommender(m.search(), Math.min(keep, numItems),
          "generator (" + layoutName(m.model()) + suffix + ")");
      this.generator = single;
    } else {
      List<Recommender> gens = new ArrayList<>();
      for (Member m : members) {
        gens.add(new GenerativeRecommender(m.search(), perMember, m.name()));
      }
      this.single = null;
      this.generator = new GeneratorMixture(gens,
          "mixture of " + members.size() + " generators" + suffix);
    }
  }

  /** The members, in the order given (the run first). */
  public List<Member> members() {
    return members;
  }

  /** What the members learnt from (all the same). */
  public TrainedOn trainedOn() {
    return trainedOn;
  }

  /** The held-out items the baselines are fit without, or null when the run holds none out. */
  public ColdItems coldItems() {
    return cold;
  }

  /** Items each member of a mixture proposes. */
  public int proposalsPerMember() {
    return perMember;
  }

  /** The splits measured, in order ("test", "validation"). */
  public List<String> splits() {
    return splits;
  }

  /** The generator (or the mixture) as it is named in the reports. */
  public String generatorName() {
    return generator.name();
  }

  /** The cut-offs, ascending. */
  public int[] ks() {
    return ks.clone();
  }

  /** Evaluates the generator and the baselines; progress of the generator is shown. */
  public Result run() {
    List<int[]> fitOn = trainedOn.refit() ? split.trainPlusValidation() : fitSplit.train();
    List<Recommender> models = List.of(generator, MostPop.fit(fitOn, split.numItems(), true),
        ItemKnn.fit(fitOn, split.numItems(), itemKnn));
    List<EvalReport> reports = new ArrayList<>();
    List<InvalidPaths> invalid = new ArrayList<>();
    Evaluator ev = new Evaluator(ks, threads);
    for (Recommender m : models) {
      for (String which : splits) {
        List<EvalCase> cases = which.equals("test") ? split.test() : split.validation();
        boolean counted = unconstrained && m == single;
        long generatedBefore = counted ? single.generated() : 0;
        long invalidBefore = counted ? single.invalid() : 0;
        reports.add(evaluate(ev, m, cases, which));
        if (counted) {
          invalid.add(new InvalidPaths(which, single.generated() - generatedBefore,
              single.invalid() - invalidBefore));
        }
      }
    }
    ColdUsers coldUsers = null;
    if (coldProtocol) {
      List<Recommender> baselines = new ArrayList<>(models.subList(1, models.size()));
      if (content != null) {
        baselines.add(content);
      }
      coldUsers = coldReports(baselines, ev, reports);
    }
    return new Result(reports, invalid, coldUsers);
  }

  private EvalReport evaluate(Evaluator ev, Recommender m, List<EvalCase> cases, String which) {
    try (Progress p = m == generator
        ? Progress.start("eval " + which, cases.size(), "users") : Progress.silent()) {
      return ev.evaluate(m, cases, which, p);
    }
  }

  /**
   * The cold-start protocol's rows: every model on the test users whose target is held out
   * ("test-cold"), and the generator on the others ("test-warm") with the held-out items in the
   * catalogue and with them removed from its lists (the search itself still ran with them: the
   * ten best remaining items of its beams).
   */
  private ColdUsers coldReports(List<Recommender> baselines, Evaluator ev,
      List<EvalReport> reports) {
    List<EvalCase> coldCases = new ArrayList<>();
    List<EvalCase> warmCases = new ArrayList<>();
    for (EvalCase c : split.test()) {
      (cold.isCold(c.target()) ? coldCases : warmCases).add(c);
    }
    if (coldCases.isEmpty()) {
      throw new IllegalArgumentException("no test target is a held-out item: hold out more "
          + "items (--cold-items) or use more users");
    }
    List<Recommender> all = new ArrayList<>();
    all.add(generator);
    all.addAll(baselines);
    for (Recommender m : all) {
      reports.add(evaluate(ev, m, coldCases, "test-cold"));
    }
    Recommender withoutNew = new ExcludingRecommender(generator, cold.cold(),
        generator.name() + " without new items");
    for (Recommender m : List.of(generator, withoutNew)) {
      try (Progress p = Progress.start("eval test-warm", warmCases.size(), "users")) {
        reports.add(ev.evaluate(m, warmCases, "test-warm", p));
      }
    }
    return new ColdUsers(cold.count(), coldCases.size(), warmCases.size());
  }

  /** Closes the members' searches (not their models: the caller loaded them). */
  @Override
  public void close() {
    for (Member m : members) {
      m.search().close();
    }
  }

  private static String layoutName(GeneratorModel model) {
    return model.config().causalEncoder() ? "sequence"
        : model.config().layout().name().toLowerCase(Locale.ROOT);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link GeneratorEvaluation}: the split, the members and the loader, and the ItemKNN
   * options are required.
   */
  public static final class Builder {
    private LeaveOneOutSplit split;
    private final List<String> memberNames = new ArrayList<>();
    private Loader loader;
    private ItemKnn.Options itemKnn;
    private int beam = 20;
    private boolean unconstrained;
    private int[] ks = {5, 10};
    private Splits splits = Splits.BOTH;
    private ColdItems cold;
    private Double coldFraction;
    private Recommender content;
    private String weightsLabel = "";
    private int threads = 1;

    private Builder() {}

    /** The leave-one-out split of the data the run was trained on. */
    public Builder setSplit(LeaveOneOutSplit split) {
      this.split = split;
      return this;
    }

    /**
     * The generators evaluated, by name (their run folders; the first is the run), and how to
     * load one. More than one: their equal-weight mixture.
     */
    public Builder setMembers(List<String> names, Loader loader) {
      memberNames.clear();
      memberNames.addAll(names);
      this.loader = loader;
      return this;
    }

    /** ItemKNN's options. */
    public Builder setItemKnn(ItemKnn.Options itemKnn) {
      this.itemKnn = itemKnn;
      return this;
    }

    /** Beam width (default 20). */
    public Builder optBeam(int beam) {
      this.beam = beam;
      return this;
    }

    /** Decode without the prefix trie and count invalid paths (one generator only). */
    public Builder optUnconstrained(boolean unconstrained) {
      this.unconstrained = unconstrained;
      return this;
    }

    /** Cut-offs of Recall@K, NDCG@K and coverage@K (default 5, 10; sorted, repeats dropped). */
    public Builder optKs(int... ks) {
      this.ks = ks.clone();
      return this;
    }

    /** The splits measured (default both; a refit run: test only). */
    public Builder optSplits(Splits splits) {
      this.splits = splits;
      return this;
    }

    /**
     * The run's held-out items (null: none) and the cold-start protocol's fraction asked for
     * (null: no protocol rows; the baselines still learn without the held-out items).
     */
    public Builder optColdItems(ColdItems cold, Double fraction) {
      this.cold = cold;
      this.coldFraction = fraction;
      return this;
    }

    /** The content baseline the cold-start protocol also measures (default none). */
    public Builder optContent(Recommender content) {
      this.content = content;
      return this;
    }

    /** Which weights were loaded, added to the generator's name ("last", "aligned"; "" none). */
    public Builder optWeightsLabel(String weightsLabel) {
      this.weightsLabel = weightsLabel == null ? "" : weightsLabel;
      return this;
    }

    /** Worker threads (default 1). */
    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Validates the options, loads the members and builds their searches.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public GeneratorEvaluation build() {
      if (split == null || loader == null || memberNames.isEmpty() || itemKnn == null
          || splits == null) {
        throw new IllegalArgumentException("the split, the members, their loader, the ItemKNN "
            + "options and the splits are required");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("--threads=" + threads + " must be >= 1");
      }
      if (beam < 1) {
        throw new IllegalArgumentException("--beam=" + beam + " must be >= 1");
      }
      int[] cutoffs = java.util.Arrays.stream(ks).sorted().distinct().toArray();
      if (cutoffs.length == 0) {
        throw new IllegalArgumentException("--ks: no cut-off");
      }
      for (int k : cutoffs) {
        if (k < 1) {
          throw new IllegalArgumentException("--ks: K=" + k + " must be >= 1");
        }
      }
      int maxK = cutoffs[cutoffs.length - 1];
      if (maxK > 10 && maxK > beam) { // up to 10 as before: a narrow beam ranks fewer items
        throw new IllegalArgumentException("--ks " + maxK + " needs --beam >= " + maxK
            + " (the search returns at most its beam width of items)");
      }
      boolean defaultRows = cutoffs.length == 2 && cutoffs[0] == 5 && cutoffs[1] == 10
          && splits == Splits.BOTH;
      if (coldFraction != null && !defaultRows) {
        throw new IllegalArgumentException("--cold-items reports its own rows: drop --ks and "
            + "--split");
      }
      if (unconstrained && memberNames.size() > 1) {
        throw new IllegalArgumentException("--unconstrained measures one generator: drop --ensemble");
      }
      this.ks = cutoffs;
      List<Member> members = new ArrayList<>();
      try {
        for (String name : memberNames) {
          members.add(member(name));
        }
        Member first = members.get(0);
        for (Member m : members) {
          if (m.trainedOn() != first.trainedOn()) {
            throw new IllegalArgumentException("--ensemble: run " + m.name() + (m.trainedOn()
                .refit() ? " was" : " was not") + " trained with --refit but run " + first.name()
                + (first.trainedOn().refit() ? " was" : " was not") + "; a mixture's members "
                + "must all be refit or none");
          }
        }
        if (coldFraction != null) {
          if (cold == null) {
            throw new IllegalArgumentException("--cold-items " + coldFraction + ": the run holds "
                + "no items out; run 'genrec quantize --cold-items " + coldFraction + "' and "
                + "'genrec train' on it first");
          }
          if (Math.abs(cold.fraction() - coldFraction) > 1e-9) {
            throw new IllegalArgumentException("--cold-items " + coldFraction + ": the run was "
                + "quantized with --cold-items " + cold.fraction());
          }
          if (members.size() > 1) {
            throw new IllegalArgumentException("--cold-items measures one generator: drop "
                + "--ensemble");
          }
        }
        return new GeneratorEvaluation(this, members);
      } catch (RuntimeException e) {
        for (Member m : members) {
          m.search().close();
        }
        throw e;
      }
    }

    private Member member(String name) {
      Loaded l = loader.load(name);
      GeneratorModel model = l.model();
      TrainedOn on = TrainedOn.of(model, split, l.itemCodes());
      PrefixTrie trie = PrefixTrie.of(l.itemCodes(), model.config().codebookSize());
      BeamSearch.Builder sb = model.beamSearch(trie).optBeamWidth(beam).optExcludeHistory(true);
      if (unconstrained) {
        sb.optConstraint(new Unconstrained(trie));
      }
      return new Member(name, model, sb.build(), on);
    }
  }
}
