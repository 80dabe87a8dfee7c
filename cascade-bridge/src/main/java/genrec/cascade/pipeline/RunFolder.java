package genrec.cascade.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.recall.RunEmbeddings;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.GeneratorTrainer;
import genrec.generator.train.TrainData;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.embed.EmbeddingCache;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.ResidualKMeansModel;
import genrec.quantizer.rqvae.RqVaeModel;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.QuantizerFiles;
import genrec.quantizer.sid.SemanticIdTable;
import genrec.quantizer.sid.SidArtifacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One run folder: the one owner of its layout, with a typed accessor per artifact and the
 * errors that name a missing artifact and the command that makes it.
 *
 * <pre>
 * RUN/
 *   catalog.jsonl              catalogue snapshot          genrec train / genrec serve --data
 *   embeddings/                item text vectors           genrec embed
 *   quantizer/sid.tsv          semantic ID per item        genrec quantize
 *   quantizer/model/           the trained quantizer       genrec quantize
 *   quantizer/added-items.jsonl items added live            POST /v1/items
 *   generator/model.bin        the trained generator       genrec train
 *   align/                     the preference-tuned run    genrec align
 *   ranker/ + ranker/cascade.json  ranker and its cascade  genrec rank train
 *   shown-items.bin, item-exposures.tsv  exposure state    genrec serve
 *   admin-token                the admin routes' token     genrec serve
 * </pre>
 *
 * <p>Messages name files relative to the run as {@code generator/model.bin} where they are
 * meant for a client; the CLI's messages add the folder (the server strips it). Immutable.
 */
public final class RunFolder {
  /** The quantizer's folder in a run. */
  public static final String QUANTIZER_DIR = "quantizer";
  /** The generator's folder in a run. */
  public static final String GENERATOR_DIR = "generator";
  /** New items added after quantization (cold start), JSONL, in the order they were added. */
  public static final String ADDED_ITEMS_FILE = "added-items.jsonl";
  /** The item text vectors' folder ({@code genrec embed}). */
  public static final String EMBEDDINGS_DIR = RunEmbeddings.DIR;
  /** The preference-tuned generator's folder ({@code genrec align}). */
  public static final String ALIGN_DIR = "align";
  /** The ranker's folder ({@code genrec rank train}). */
  public static final String RANKER_DIR = RankerCascade.DIR;
  /** The catalogue snapshot a run can be served from without its dataset. */
  public static final String CATALOG_FILE = "catalog.jsonl";
  /** The admin routes' bearer token, owner-only. */
  public static final String ADMIN_TOKEN_FILE = "admin-token";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  private RunFolder(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /** The run folder at {@code dir} (it need not exist yet). */
  public static RunFolder of(Path dir) {
    return new RunFolder(dir);
  }

  /** The default run folder of a dataset: {@code runs/DATASET}. */
  public static RunFolder ofDataset(String datasetName) {
    return new RunFolder(Path.of("runs", datasetName));
  }

  public Path dir() {
    return dir;
  }

  public Path quantizerDir() {
    return dir.resolve(QUANTIZER_DIR);
  }

  public Path generatorDir() {
    return dir.resolve(GENERATOR_DIR);
  }

  public Path embeddingsDir() {
    return dir.resolve(EMBEDDINGS_DIR);
  }

  public Path alignDir() {
    return dir.resolve(ALIGN_DIR);
  }

  public Path rankerDir() {
    return dir.resolve(RANKER_DIR);
  }

  public Path catalogSnapshotFile() {
    return dir.resolve(CATALOG_FILE);
  }

  public Path addedItemsFile() {
    return quantizerDir().resolve(ADDED_ITEMS_FILE);
  }

  /** Where the exposure state (shown items, new-item showings) is kept. */
  public Path exposureStateDir() {
    return dir;
  }

  public Path adminTokenFile() {
    return dir.resolve(ADMIN_TOKEN_FILE);
  }

  // ---- semantic IDs ----

  /** Whether the run has its semantic-ID table ({@code genrec quantize}). */
  public boolean hasCodes() {
    return Files.isRegularFile(quantizerDir().resolve(SidArtifacts.TABLE_FILE));
  }

  /**
   * The semantic ID of every catalogue item, in catalogue order ({@code result[i]} = the 4 codes
   * of item i).
   *
   * @param quantizeHint the command that makes the table, for the error message
   * @throws IllegalArgumentException if {@code RUN/quantizer/sid.tsv} does not exist
   * @throws DataFormatException if a catalogue item has no semantic ID
   */
  public int[][] codes(Catalog catalog, String quantizeHint) {
    Path file = quantizerDir().resolve(SidArtifacts.TABLE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no semantic IDs at " + file + ": run '" + quantizeHint + "' first");
    }
    return codes(catalog, SidArtifacts.loadTable(quantizerDir()), file);
  }

  /** The semantic-ID table of the run (every item it gave an ID, live additions included). */
  public SemanticIdTable codeTable() {
    return SidArtifacts.loadTable(quantizerDir());
  }

  /** The codes of the items of {@code c} in {@code table}, {@code file} named in errors. */
  public static int[][] codes(Catalog c, SemanticIdTable table, Path file) {
    int[][] codes = new int[c.size()][];
    for (int i = 0; i < c.size(); i++) {
      codes[i] = table.codes(c.get(i).id());
      if (codes[i] == null) {
        throw new DataFormatException(file, 0, "item_id", "catalogue item '" + c.get(i).id()
            + "' has no semantic ID (run 'genrec quantize' again, or 'genrec quantize assign')");
      }
    }
    return codes;
  }

  /** The trained quantizer of the run (an RQ-VAE or residual k-means). */
  public Quantizer quantizer() {
    return loadQuantizer(SidArtifacts.modelDir(quantizerDir()));
  }

  /** The trained quantizer in {@code modelDir} (an RQ-VAE or residual k-means). */
  public static Quantizer loadQuantizer(Path modelDir) {
    String kind = QuantizerFiles.kindOf(modelDir);
    return switch (kind) {
      case RqVaeModel.KIND -> RqVaeModel.load(modelDir);
      case ResidualKMeansModel.KIND -> ResidualKMeansModel.load(modelDir);
      default -> throw new DataFormatException(
          modelDir, 0, "kind", "unknown quantizer kind '" + kind + "'");
    };
  }

  // ---- generator ----

  /** The generator's weights file ({@code last}: the last checkpoint instead of the best). */
  public Path generatorFile(boolean last) {
    return generatorDir().resolve(last ? GeneratorTrainer.CHECKPOINT_FILE
        : GeneratorTrainer.MODEL_FILE);
  }

  /** Whether the run has a trained generator ({@code genrec train}). */
  public boolean hasGenerator() {
    return Files.isRegularFile(generatorFile(false));
  }

  /** The missing generator, as a note or an error: what is missing and the command. */
  public static String noGenerator() {
    return "the run has no trained generator (" + GENERATOR_DIR + "/" + GeneratorTrainer.MODEL_FILE
        + "; 'genrec train')";
  }

  /**
   * The run's trained generator, checked against the semantic IDs it reads.
   *
   * @param codes every catalogue item's semantic ID (fingerprint check)
   * @throws IllegalArgumentException if there is none, or the IDs changed since it was trained
   */
  public GeneratorModel generator(int[][] codes) {
    return generator(codes, false);
  }

  /** As {@link #generator(int[][])}; {@code last}: the last checkpoint, not the best. */
  public GeneratorModel generator(int[][] codes, boolean last) {
    Path modelFile = generatorFile(last);
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException("no trained generator at " + modelFile
          + ": run 'genrec train' first");
    }
    GeneratorModel g = last ? GeneratorModel.lastOf(modelFile) : GeneratorModel.load(modelFile);
    if (!g.sidFingerprint().equals(TrainData.sidFingerprint(codes))) {
      g.close();
      throw new IllegalArgumentException("the semantic IDs in " + quantizerDir()
          + " changed since the generator was trained: run 'genrec train' again");
    }
    return g;
  }

  // ---- embeddings ----

  /** Whether the run holds item embeddings ({@code genrec embed}). */
  public boolean hasEmbeddings() {
    return Files.isRegularFile(embeddingsDir().resolve(EmbeddingCache.META_FILE));
  }

  /**
   * The run's item text vectors of {@code catalog}, row i for item i (not normalised).
   *
   * @param embedCommand the command that makes them, for the error message
   */
  public EmbeddingMatrix embeddings(Catalog catalog, String embedCommand) {
    return RunEmbeddings.load(catalog, dir, embedCommand);
  }

  // ---- ranker ----

  /** Whether the run has a trained ranker and its cascade ({@code genrec rank train}). */
  public boolean hasRanker() {
    return RankerCascade.exists(dir);
  }

  /** The cascade the run's ranker was trained on ({@code ranker/cascade.json}). */
  public RankerCascade rankerCascade() {
    return RankerCascade.read(dir);
  }

  /** The run's trained ranker ({@code ranker/}); close it. */
  public RankerModel ranker() {
    if (!hasRanker()) {
      rankerCascade(); // throws naming the command
    }
    return RankerModel.load(rankerDir());
  }

  // ---- live additions ----

  /**
   * Persists items added live: {@code quantizer/added-items.jsonl} (rewritten atomically, a
   * re-added id replacing its earlier line) and the grown semantic-ID table.
   */
  public static void persistAdded(Path qdir, SemanticIdTable grown, List<Item> added) {
    Path file = qdir.resolve(ADDED_ITEMS_FILE);
    Set<String> ids = new HashSet<>();
    added.forEach(it -> ids.add(it.id()));
    StringBuilder sb = new StringBuilder();
    try {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank() && !ids.contains(idOf(line))) {
            sb.append(line).append('\n');
          }
        }
      }
      for (Item it : added) {
        sb.append(JSON.writeValueAsString(itemJson(it))).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not update " + file, e);
    }
    AtomicFiles.writeString(file, sb.toString());
    grown.save(qdir.resolve(SidArtifacts.TABLE_FILE));
  }

  private static String idOf(String line) {
    try {
      JsonNode id = JSON.readTree(line).get("id");
      return id == null || id.isContainerNode() ? null : id.asText().trim();
    } catch (IOException | RuntimeException e) {
      return null; // kept as it is: loading reports the line
    }
  }

  private static ObjectNode itemJson(Item it) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", it.id());
    n.put("title", it.title());
    n.put("text", it.text());
    it.categories().forEach(n.putArray("categories")::add);
    if (!it.attributes().isEmpty()) {
      it.attributes().forEach(n.putArray("attributes")::add);
    }
    return n;
  }

  // ---- identity ----

  /** The folder's real path (symbolic links resolved), or its normalised absolute path. */
  public static Path identity(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize();
    }
  }

  /** A folder named twice: its later spelling and its first. */
  public record Repeat(Path later, Path first) {}

  /** The first folder of {@code dirs} that names the same folder as an earlier one. */
  public static Optional<Repeat> firstRepeat(List<Path> dirs) {
    Map<Path, Path> seen = new HashMap<>(); // folder → its first spelling
    for (Path dir : dirs) {
      Path first = seen.putIfAbsent(identity(dir), dir);
      if (first != null) {
        return Optional.of(new Repeat(dir, first));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
