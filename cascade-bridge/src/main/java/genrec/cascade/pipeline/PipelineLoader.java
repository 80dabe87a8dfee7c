package genrec.cascade.pipeline;

import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.TrainedOn;
import genrec.generator.train.GeneratorModel;
import genrec.quantizer.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads a run: its semantic IDs, its generator when it has one, its text vectors when it has
 * them, the channels fitted on the training histories, its trained ranker when it has one (and
 * its features match). Channels the run cannot give are dropped from the quotas with a note.
 */
public final class PipelineLoader {
  private final RunFolder run;
  private Catalog catalog;
  private List<int[]> train;
  private String quotas;
  private Integer beam;
  private ItemKnn.Options knn = ItemKnn.Options.defaults();
  private int historyLength = 20;
  private boolean ranker = true;
  private LeaveOneOutSplit refitCheck;
  private String embedCommand;
  private String quantizeCommand;
  private List<RunFolder> others = List.of();

  PipelineLoader(RunFolder run) {
    this.run = Objects.requireNonNull(run, "run");
    this.embedCommand = "genrec embed --run " + run.dir();
    this.quantizeCommand = "genrec quantize --run " + run.dir();
  }

  /** The dataset the run was trained on: its catalogue and leave-one-out training split. */
  public PipelineLoader setDataset(Dataset d) {
    this.catalog = d.catalog();
    this.train = LeaveOneOutSplit.of(d).train();
    return this;
  }

  public PipelineLoader setCatalog(Catalog catalog) {
    this.catalog = catalog;
    return this;
  }

  /** The histories the channels and features are fitted on. */
  public PipelineLoader setTrain(List<int[]> train) {
    this.train = train;
    return this;
  }

  /** The channels and quotas, in priority order (default: the ranker's, else Pipeline.DEFAULT_QUOTAS). */
  public PipelineLoader optQuotas(String quotas) {
    this.quotas = quotas;
    return this;
  }

  /** The generator's beam width (default: the ranker's, else max(quota, 10)). */
  public PipelineLoader optBeam(Integer beam) {
    this.beam = beam;
    return this;
  }

  public PipelineLoader optItemKnn(ItemKnn.Options options) {
    this.knn = options;
    return this;
  }

  /** History positions of the ranking features (the preset's history window). */
  public PipelineLoader optHistoryLength(int historyLength) {
    this.historyLength = historyLength;
    return this;
  }

  /** Whether to load the run's trained ranker (default true, when it has one). */
  public PipelineLoader optRanker(boolean ranker) {
    this.ranker = ranker;
    return this;
  }

  /**
   * Refuse a generator refit on {@code split}'s validation targets (the ranker is checked on
   * them).
   */
  public PipelineLoader optRefusingRefitOn(LeaveOneOutSplit split) {
    this.refitCheck = split;
    return this;
  }

  /**
   * The generator becomes the equal-weight mixture of this run's and theirs (each decoding its
   * own semantic-ID table), as {@code genrec serve RUN --mixture OTHER} serves it.
   */
  public PipelineLoader optMixture(List<RunFolder> others) {
    this.others = List.copyOf(others);
    return this;
  }

  /** The commands named in errors about missing embeddings / semantic IDs. */
  public PipelineLoader optCommands(String embedCommand, String quantizeCommand) {
    this.embedCommand = embedCommand;
    this.quantizeCommand = quantizeCommand;
    return this;
  }

  /**
   * @throws IllegalArgumentException naming what is missing or bad and the command that makes
   *     it
   */
  public Pipeline load() {
    if (catalog == null || train == null) {
      throw new IllegalArgumentException("the loader needs the run's catalogue and training "
          + "histories (setDataset, or setCatalog and setTrain)");
    }
    RankerCascade spec = ranker && run.hasRanker() ? run.rankerCascade() : null;
    String asked = quotas != null ? quotas : spec != null ? spec.quotas() : Pipeline.DEFAULT_QUOTAS;
    Integer width = beam != null ? beam : quotas == null && spec != null ? spec.beam() : null;
    CandidateMerger all = CandidateMerger.builder().addChannels(asked).build();
    for (String c : all.channels()) {
      if (!CascadeRequest.CHANNELS.contains(c)) {
        throw new IllegalArgumentException("--quotas: unknown channel '" + c + "' (choose "
            + "from generator, itemknn, content, popularity)");
      }
    }
    if (width != null && width < 1) {
      throw new IllegalArgumentException("--beam=" + width + " must be >= 1");
    }
    List<String> notes = new ArrayList<>();
    ContentKnn text = null;
    try {
      text = ContentKnn.of(run.embeddings(catalog, embedCommand),
          ContentKnn.Options.defaults());
    } catch (IllegalArgumentException e) {
      notes.add("no text vectors (content channel and text features off): " + e.getMessage());
    }
    int[][] codes = null;
    if (run.hasCodes()) {
      codes = run.codes(catalog, quantizeCommand);
    } else {
      notes.add("no semantic IDs in the run (code embeddings and prefix features off; "
          + "'genrec quantize' makes them)");
    }
    GeneratorModel model = null;
    Generators generators = null;
    List<GeneratorModel> mixed = new ArrayList<>();
    if (all.channels().contains(GeneratorChannel.NAME)) {
      if (codes != null && run.hasGenerator()) {
        model = run.generator(codes);
        if (refitCheck != null && TrainedOn.of(model, refitCheck, codes).refit()) {
          model.close();
          throw new IllegalArgumentException("the run's generator was trained with --refit (it "
              + "has seen the validation targets the ranker is checked on): use a run trained "
              + "without --refit");
        }
        List<GeneratorModel> models = new ArrayList<>(List.of(model));
        List<PrefixTrie> tries = new ArrayList<>(
            List.of(PrefixTrie.of(codes, model.config().codebookSize())));
        try {
          for (RunFolder other : others) {
            int[][] c = other.codes(catalog, "genrec quantize --run " + other.dir());
            GeneratorModel g = other.generator(c);
            mixed.add(g);
            models.add(g);
            tries.add(PrefixTrie.of(c, g.config().codebookSize()));
          }
        } catch (RuntimeException e) {
          mixed.forEach(GeneratorModel::close);
          model.close();
          throw e;
        }
        int n = catalog.size();
        generators = new Generators(models, tries, () -> n);
      } else {
        notes.add("generator channel dropped: " + RunFolder.noGenerator());
      }
    }
    RecallChannels recall = RecallChannels.fit(train, catalog.size(), knn, text);
    CandidateMerger.Builder mb = CandidateMerger.builder();
    int kept = 0;
    for (String c : all.channels()) {
      boolean available = switch (c) {
        case GeneratorChannel.NAME -> generators != null;
        case ContentChannel.NAME -> text != null;
        case ItemKnnChannel.NAME, PopularityChannel.NAME -> true;
        default -> false;
      };
      if (available) {
        mb.addChannel(c, all.quota(c));
        kept += all.quota(c);
      } else if (!c.equals(GeneratorChannel.NAME)) {
        notes.add(c + " channel dropped: the run lacks what it needs");
      }
    }
    if (kept == 0) {
      if (model != null) {
        generators.closeSearches();
        model.close();
        mixed.forEach(GeneratorModel::close);
      }
      throw new IllegalArgumentException("--quotas " + asked + ": no available channel admits "
          + "any item");
    }
    CandidateMerger merger = mb.build();
    if (spec != null && quotas == null && !merger.describe().equals(spec.quotas())) {
      if (model != null) {
        generators.closeSearches();
        model.close();
        mixed.forEach(GeneratorModel::close);
      }
      throw new IllegalArgumentException("the ranker was trained on the cascade "
          + spec.quotas() + " but the run now gives " + merger.describe()
          + "; retrain with 'genrec rank train'");
    }
    Pipeline.Builder b = Pipeline.builder().setItems(ItemView.of(catalog, codes)).setRecall(recall)
        .optGenerators(generators).optMerger(merger).optBeam(width).optCodes(codes)
        .optItemKnn(knn).optHistoryLength(historyLength);
    notes.forEach(b::optNote);
    if (model != null) {
      b.optOwned(model);
      mixed.forEach(b::optOwned);
    }
    if (spec != null) {
      try {
        int[][] c = codes;
        RankingStage stage = RankingStage.load(run, recall, c, i -> c == null ? null : c[i]);
        b.optScorer(stage).optOwned(stage);
      } catch (RuntimeException e) {
        if (model != null) {
          model.close();
          mixed.forEach(GeneratorModel::close);
        }
        throw e;
      }
    }
    return b.build();
  }
}
