package genrec.serving.cli;

import genrec.cascade.rank.CascadeInputs;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ContentChannel;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.ItemKnnChannel;
import genrec.cascade.recall.PopularityChannel;
import genrec.cascade.recall.RunEmbeddings;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.eval.TrainedOn;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.GeneratorTrainer;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.http.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code rank train}, {@code eval --cascade} and {@code bench rank} share: the run's
 * channels (the generator when the run has a trained one, ItemKNN, popularity, content from the
 * run's text vectors), its semantic-ID codes, and the merger over the quotas of the channels
 * that are available (the others are dropped with a note). Closes the generator's search.
 */
final class CascadeSetup implements AutoCloseable {
  /** The default quotas: the channels in priority order and the items each adds. */
  static final String DEFAULT_QUOTAS = "generator=100,itemknn=60,content=30,popularity=10";

  final Dataset dataset;
  final Path runDir;
  final ContentKnn text;
  final int[][] codes;
  final CandidateMerger merger;
  final ItemKnn.Options knnOptions;
  final int historyLength;
  final List<String> notes = new ArrayList<>();
  private final GeneratorModel model;
  private final BeamSearch search;
  private final CandidateChannel generator;

  private CascadeSetup(Dataset d, Path runDir, ContentKnn text, int[][] codes,
      CandidateMerger merger, ItemKnn.Options knnOptions, int historyLength, GeneratorModel model,
      BeamSearch search, List<String> notes) {
    this.dataset = d;
    this.runDir = runDir;
    this.text = text;
    this.codes = codes;
    this.merger = merger;
    this.knnOptions = knnOptions;
    this.historyLength = historyLength;
    this.model = model;
    this.search = search;
    this.generator = search == null ? null : new GeneratorChannel(search);
    this.notes.addAll(notes);
  }

  /**
   * Opens the run's cascade.
   *
   * @param quotas {@code name=count,...} in priority order
   * @param beam the generator's beam width, or null for its quota
   * @param split the split the generator must not have been refit on (validation targets)
   */
  static CascadeSetup open(DataCommand.DataOptions data, Dataset d, Path runDir, String quotas,
      Integer beam, int threads, LeaveOneOutSplit split) {
    CandidateMerger all = CandidateMerger.builder().addChannels(quotas).build();
    List<String> known = RecallCommand.CHANNELS;
    for (String c : all.channels()) {
      if (!known.contains(c)) {
        throw new IllegalArgumentException("--quotas: unknown channel '" + c + "' (choose from "
            + String.join(", ", known) + ")");
      }
    }
    if (beam != null && beam < 1) {
      throw new IllegalArgumentException("--beam=" + beam + " must be >= 1");
    }
    List<String> notes = new ArrayList<>();
    ContentKnn text = null;
    try {
      text = ContentKnn.of(RunEmbeddings.load(d.catalog(), runDir, "genrec embed --data "
          + data.data + (runDir.equals(Path.of("runs", d.name())) ? "" : " --run " + runDir)),
          ContentKnn.Options.defaults());
    } catch (IllegalArgumentException e) {
      notes.add("no text vectors (content channel and text features off): " + e.getMessage());
    }
    int[][] codes = null;
    Path sid = runDir.resolve(ModelFiles.QUANTIZER_DIR).resolve(SidArtifacts.TABLE_FILE);
    if (Files.isRegularFile(sid)) {
      codes = TrainCommand.itemCodes(d, runDir, data.data);
    } else {
      notes.add("no semantic IDs in the run (code embeddings and prefix features off; "
          + "'genrec quantize' makes them)");
    }
    GeneratorModel model = null;
    BeamSearch search = null;
    Path modelFile = runDir.resolve(ModelFiles.GENERATOR_DIR).resolve(GeneratorTrainer.MODEL_FILE);
    if (all.channels().contains(GeneratorChannel.NAME)) {
      if (codes != null && Files.isRegularFile(modelFile)) {
        model = ModelFiles.loadGenerator(runDir, codes);
        if (TrainedOn.of(model, split, codes).refit()) {
          model.close();
          throw new IllegalArgumentException("the run's generator was trained with --refit (it "
              + "has seen the validation targets the ranker is checked on): use a run trained "
              + "without --refit");
        }
        int width = beam != null ? beam : Math.max(all.quota(GeneratorChannel.NAME), 10);
        search = model.beamSearch(PrefixTrie.of(codes, model.config().codebookSize()))
            .optBeamWidth(width).optExcludeHistory(true).build();
      } else {
        notes.add("generator channel dropped: the run has no trained generator ("
            + ModelFiles.GENERATOR_DIR + "/" + GeneratorTrainer.MODEL_FILE + "; 'genrec train')");
      }
    }
    CandidateMerger.Builder b = CandidateMerger.builder();
    int kept = 0;
    for (String c : all.channels()) {
      boolean available = switch (c) {
        case GeneratorChannel.NAME -> search != null;
        case ContentChannel.NAME -> text != null;
        case ItemKnnChannel.NAME, PopularityChannel.NAME -> true;
        default -> false;
      };
      if (available) {
        b.addChannel(c, all.quota(c));
        kept += all.quota(c);
      } else if (!c.equals(GeneratorChannel.NAME)) {
        notes.add(c + " channel dropped: the run lacks what it needs");
      }
    }
    if (kept == 0) {
      if (search != null) {
        search.close();
        model.close();
      }
      throw new IllegalArgumentException("--quotas " + quotas + ": no available channel admits "
          + "any item");
    }
    return new CascadeSetup(d, runDir, text, codes, b.build(),
        data.preset().baseline().itemKnn(threads), data.preset().data().historyWindow(), model,
        search, notes);
  }

  /** The generator's beam width, 0 without a generator. */
  int beamWidth() {
    return search == null ? 0 : search.beamWidth();
  }

  /** True when the generator channel is part of the cascade. */
  boolean hasGenerator() {
    return generator != null;
  }

  /** The channels and features fitted on {@code fitOn}. */
  CascadeInputs fit(List<int[]> fitOn) {
    return CascadeInputs.fit(fitOn, dataset.catalog().size(), knnOptions, text, codes, generator,
        merger, historyLength);
  }

  @Override
  public void close() {
    if (search != null) {
      search.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
