package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.generator.data.Dataset;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.GeneratorTrainer;
import genrec.generator.train.TrainData;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
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
import java.util.Optional;
import java.util.Set;

/**
 * Where a run folder keeps its artifacts, and loading them with errors that say which command
 * makes the missing piece: {@code RUN/quantizer/} ({@code genrec quantize}) and {@code
 * RUN/generator/} ({@code genrec train}).
 */
public final class ModelFiles {
  /** The quantizer's folder in a run. */
  public static final String QUANTIZER_DIR = "quantizer";
  /** The generator's folder in a run. */
  public static final String GENERATOR_DIR = "generator";
  /** New items added after quantization (cold start), JSONL, in the order they were added. */
  public static final String ADDED_ITEMS_FILE = "added-items.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFiles() {}

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

  /**
   * The semantic ID of every catalogue item, in catalogue order ({@code result[i]} = the 4 codes
   * of item i).
   *
   * @param quantizeHint the command that makes the table, for the error message
   * @throws IllegalArgumentException if {@code RUN/quantizer/sid.tsv} does not exist
   * @throws DataFormatException if a catalogue item has no semantic ID
   */
  public static int[][] itemCodes(Dataset d, Path runDir, String quantizeHint) {
    return itemCodes(d.catalog(), runDir, quantizeHint);
  }

  /** As {@link #itemCodes(Dataset, Path, String)} for the items of {@code catalog}. */
  public static int[][] itemCodes(Catalog catalog, Path runDir, String quantizeHint) {
    Path qdir = runDir.resolve(QUANTIZER_DIR);
    Path file = qdir.resolve(SidArtifacts.TABLE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no semantic IDs at " + file + ": run '" + quantizeHint + "' first");
    }
    return itemCodes(catalog, SidArtifacts.loadTable(qdir), file);
  }

  /** The codes of every item of {@code c} in {@code table}; {@code file} names the table. */
  public static int[][] itemCodes(Catalog c, SemanticIdTable table, Path file) {
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

  /**
   * The trained generator of a run, checked against the semantic IDs it will decode.
   *
   * @param codes every catalogue item's codes ({@link #itemCodes})
   * @throws IllegalArgumentException if {@code RUN/generator/model.bin} is missing, or the
   *     semantic IDs changed since training
   */
  public static GeneratorModel loadGenerator(Path runDir, int[][] codes) {
    return loadGenerator(runDir, codes, false);
  }

  /**
   * As {@link #loadGenerator(Path, int[][])}; with {@code last}, the weights at the last step of
   * {@code RUN/generator/checkpoint.bin} instead of the best-validated {@code model.bin}.
   */
  public static GeneratorModel loadGenerator(Path runDir, int[][] codes, boolean last) {
    Path modelFile = runDir.resolve(GENERATOR_DIR)
        .resolve(last ? GeneratorTrainer.CHECKPOINT_FILE : GeneratorTrainer.MODEL_FILE);
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException("no trained generator at " + modelFile
          + ": run 'genrec train' first");
    }
    GeneratorModel g = last ? GeneratorModel.lastOf(modelFile) : GeneratorModel.load(modelFile);
    if (!g.sidFingerprint().equals(TrainData.sidFingerprint(codes))) {
      g.close();
      throw new IllegalArgumentException("the semantic IDs in " + runDir.resolve(QUANTIZER_DIR)
          + " changed since the generator was trained: run 'genrec train' again");
    }
    return g;
  }

  /**
   * What a run folder path names, to tell two paths to one folder apart from two folders: the
   * real path (symbolic links resolved) when it exists, else the absolute normalised path
   * (loading it will report that it is missing).
   */
  public static Path identity(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize();
    }
  }

  /** Two paths of a list that name one folder: the later one, and how it was named first. */
  public record Repeat(Path later, Path first) {}

  /** The first path of {@code dirs} naming a folder an earlier one names ({@link #identity}). */
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

  /**
   * Persists a cold-start addition to the quantizer folder {@code qdir}: appends {@code added}
   * to {@code added-items.jsonl} (in the format {@code CatalogReaders.jsonl} reads; an earlier
   * line with the same id, left by an interrupted addition, is replaced), then writes {@code
   * grown} as {@code sid.tsv}, each atomically. In that order, a crash in between leaves an item
   * without a semantic ID (loading skips it, adding it again works), never a semantic ID without
   * its item.
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

  /** The item id of a JSONL line as {@code CatalogReaders.jsonl} reads it, or null. */
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
}
