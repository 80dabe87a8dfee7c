package genrec.generator.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.generator.model.GeneratorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a training run exactly: configs, seed, data and semantic-ID
 * fingerprints, the position (optimiser step; the epoch and the batch within it follow from the
 * step, since batches come from a permutation seeded by (seed, epoch) and dropout is seeded by
 * (seed, step)), the early-stopping state, the learning curve, and the tensors: weights ({@code
 * w/NAME}), AdamW moments ({@code m/NAME}, {@code v/NAME}), the weight average ({@code ema/NAME},
 * only with {@link TrainConfig#emaDecay()}) and the best weights so far ({@code best/NAME}, absent
 * before the first validation). One file, written atomically.
 *
 * @param modelConfig the network's config
 * @param trainConfig the optimisation settings
 * @param seed the run's seed
 * @param dataFingerprint {@link TrainData#dataFingerprint()}
 * @param sidFingerprint {@link TrainData#sidFingerprint()}
 * @param step optimiser steps done
 * @param epoch the epoch the next step belongs to (informational)
 * @param batchInEpoch the batch index of the next step within its epoch (informational)
 * @param elapsedSeconds training wall time so far
 * @param bestStep step of the best validation, -1 if none yet
 * @param bestNdcg10 best validation NDCG@10 (NaN if none yet)
 * @param bestRecall10 validation Recall@10 at the best step
 * @param badValidations validations since the last improvement
 * @param lossSum sum of training losses since the last curve point
 * @param lossCount steps in {@code lossSum}
 * @param curve the learning curve so far
 * @param tensors weights, moments and best weights as described above
 */
public record Checkpoint(
    GeneratorConfig modelConfig,
    TrainConfig trainConfig,
    long seed,
    String dataFingerprint,
    String sidFingerprint,
    long step,
    long epoch,
    long batchInEpoch,
    double elapsedSeconds,
    long bestStep,
    double bestNdcg10,
    double bestRecall10,
    int badValidations,
    double lossSum,
    int lossCount,
    List<TrainResult.CurvePoint> curve,
    Map<String, Tensor> tensors) {

  /** Format tag of a checkpoint file. */
  public static final String FORMAT = "genrec-generator-checkpoint/1";

  public Checkpoint {
    curve = List.copyOf(curve);
  }

  /** The tensors whose names start with {@code prefix}, with the prefix removed. */
  public Map<String, Tensor> group(String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  /** Writes this checkpoint to {@code file}, atomically. */
  public void write(Path file) {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.set("modelConfig", TensorFile.JSON.valueToTree(modelConfig));
    h.set("trainConfig", TensorFile.JSON.valueToTree(trainConfig));
    h.put("seed", seed);
    h.put("dataFingerprint", dataFingerprint);
    h.put("sidFingerprint", sidFingerprint);
    h.put("step", step);
    h.put("epoch", epoch);
    h.put("batchInEpoch", batchInEpoch);
    h.put("elapsedSeconds", elapsedSeconds);
    h.put("bestStep", bestStep);
    h.put("bestNdcg10", bestNdcg10);
    h.put("bestRecall10", bestRecall10);
    h.put("badValidations", badValidations);
    h.put("lossSum", lossSum);
    h.put("lossCount", lossCount);
    ArrayNode c = h.putArray("curve");
    for (TrainResult.CurvePoint p : curve) {
      c.add(TensorFile.JSON.valueToTree(p));
    }
    TensorFile.write(file, h, tensors);
  }

  /** Reads a checkpoint written by {@link #write}. */
  public static Checkpoint read(Path file) {
    TensorFile.Contents c = TensorFile.read(file, FORMAT);
    ObjectNode h = c.header();
    List<TrainResult.CurvePoint> curve = new ArrayList<>();
    for (JsonNode p : h.path("curve")) {
      curve.add(new TrainResult.CurvePoint(p.path("seconds").asDouble(), p.path("step").asLong(),
          p.path("valNdcg10").asDouble(), p.path("valRecall10").asDouble(),
          p.path("trainLoss").asDouble()));
    }
    try {
      return new Checkpoint(
          TensorFile.field(h, "modelConfig", GeneratorConfig.class, file),
          TensorFile.field(h, "trainConfig", TrainConfig.class, file),
          h.path("seed").asLong(),
          h.path("dataFingerprint").asText(),
          h.path("sidFingerprint").asText(),
          h.path("step").asLong(),
          h.path("epoch").asLong(),
          h.path("batchInEpoch").asLong(),
          h.path("elapsedSeconds").asDouble(),
          h.path("bestStep").asLong(),
          number(h, "bestNdcg10"),
          number(h, "bestRecall10"),
          h.path("badValidations").asInt(),
          h.path("lossSum").asDouble(),
          h.path("lossCount").asInt(),
          curve,
          c.tensors());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }

  /** Jackson writes NaN as a JSON string "NaN"; read it back. */
  private static double number(ObjectNode h, String name) {
    JsonNode n = h.path(name);
    return n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
  }
}
