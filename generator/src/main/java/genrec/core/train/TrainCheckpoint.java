package genrec.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one checkpoint format of {@link TrainingLoop}: everything needed to continue a run
 * exactly. One {@link TensorFile} (written atomically: temp file + rename, so a crash keeps the
 * previous checkpoint), format {@value #FORMAT}. Header: the task's name, the {@link RunIdentity},
 * the loop's position and bookkeeping, and the task's own state (JSON). Tensors: the weights
 * ({@code w/NAME}), the AdamW moments ({@code m/NAME}, {@code v/NAME}), the best weights so far
 * ({@code best/NAME}, absent before the first validation) and the task's own tensors under names
 * of its choosing (e.g. {@code ema/NAME}).
 *
 * @param task the task's name ("generator", "align", "ranker")
 * @param identity the run's settings, seed and data fingerprints
 * @param step optimiser steps done
 * @param elapsedSeconds training wall time so far, over all sessions
 * @param metric the metric that picks the best weights
 * @param bestStep step of the best validation, -1 if none yet
 * @param bestMetrics every metric of the best validation (empty if none yet)
 * @param badValidations validations since the last improvement
 * @param lastValidated step of the last validation, -1 if none
 * @param lossSum sum of training losses since the last validation
 * @param lossCount steps in {@code lossSum}
 * @param state the task's own state
 * @param tensors weights, moments, best weights and the task's tensors as described above
 */
public record TrainCheckpoint(
    String task,
    ObjectNode identity,
    long step,
    double elapsedSeconds,
    String metric,
    long bestStep,
    Map<String, Double> bestMetrics,
    int badValidations,
    long lastValidated,
    double lossSum,
    int lossCount,
    ObjectNode state,
    Map<String, Tensor> tensors) {

  /** Format tag of every training checkpoint. */
  public static final String FORMAT = "genrec-train-checkpoint/1";

  /** Tensor name prefixes the loop uses; a task's own tensors must not start with them. */
  public static final String WEIGHTS = "w/";
  public static final String BEST = "best/";

  public TrainCheckpoint {
    bestMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bestMetrics));
    tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** The tensors whose names start with {@code prefix}, with the prefix removed. */
  public Map<String, Tensor> group(String prefix) {
    return Weights.group(tensors, prefix);
  }

  /** Writes this checkpoint to {@code file}, atomically. */
  public void write(Path file) {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.put("task", task);
    h.set("identity", identity);
    h.put("step", step);
    h.put("elapsedSeconds", elapsedSeconds);
    h.put("metric", metric);
    h.put("bestStep", bestStep);
    ObjectNode best = h.putObject("bestMetrics");
    bestMetrics.forEach(best::put);
    h.put("badValidations", badValidations);
    h.put("lastValidated", lastValidated);
    h.put("lossSum", lossSum);
    h.put("lossCount", lossCount);
    h.set("state", state);
    TensorFile.write(file, h, tensors);
  }

  /**
   * Reads a checkpoint written by {@link #write}.
   *
   * @param task the task that must have written it
   * @throws DataFormatException naming the file (and the field) if it is not one, or another
   *     task's
   */
  public static TrainCheckpoint read(Path file, String task) {
    TensorFile.Contents c = TensorFile.read(file, FORMAT);
    ObjectNode h = c.header();
    if (!task.equals(h.path("task").asText())) {
      throw new DataFormatException(file, 0, "task", "a checkpoint of '" + h.path("task").asText()
          + "', expected '" + task + "'");
    }
    Map<String, Double> best = new LinkedHashMap<>();
    h.path("bestMetrics").properties().forEach(e -> best.put(e.getKey(), number(e.getValue())));
    return new TrainCheckpoint(task, object(h, "identity", file), h.path("step").asLong(),
        number(h.path("elapsedSeconds")), h.path("metric").asText(), h.path("bestStep").asLong(),
        best, h.path("badValidations").asInt(), h.path("lastValidated").asLong(),
        number(h.path("lossSum")), h.path("lossCount").asInt(), object(h, "state", file),
        c.tensors());
  }

  private static ObjectNode object(ObjectNode h, String name, Path file) {
    if (!(h.get(name) instanceof ObjectNode o)) {
      throw new DataFormatException(file, 0, name, "missing header field");
    }
    return o;
  }

  /** Jackson writes NaN as a JSON string "NaN"; reads it back. */
  public static double number(JsonNode n) {
    return n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
  }
}
