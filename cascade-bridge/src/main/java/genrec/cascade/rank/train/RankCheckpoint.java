package genrec.cascade.rank.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankTrainResult.EpochStats;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RankerTrainer} run at the end of an epoch: configs, seed, data fingerprint, epochs and
 * steps done, wall time, best epoch and AUC, the metrics so far, and the tensors: weights ({@code
 * w/NAME}), AdamW moments ({@code m/NAME}, {@code v/NAME}) and the best weights ({@code
 * best/NAME}). One file, written atomically.
 */
record RankCheckpoint(
    RankerConfig modelConfig,
    RankTrainConfig trainConfig,
    long seed,
    String dataFingerprint,
    int epochsDone,
    long steps,
    double elapsedSeconds,
    int bestEpoch,
    double bestValAuc,
    EpochStats initial,
    List<EpochStats> epochs,
    Map<String, Tensor> tensors) {

  static final String FORMAT = "genrec-ranker-checkpoint/1";

  RankCheckpoint {
    epochs = List.copyOf(epochs);
  }

  Map<String, Tensor> group(String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  void write(Path file) {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.set("modelConfig", TensorFile.JSON.valueToTree(modelConfig));
    h.set("trainConfig", TensorFile.JSON.valueToTree(trainConfig));
    h.put("seed", seed);
    h.put("dataFingerprint", dataFingerprint);
    h.put("epochsDone", epochsDone);
    h.put("steps", steps);
    h.put("elapsedSeconds", elapsedSeconds);
    h.put("bestEpoch", bestEpoch);
    h.put("bestValAuc", bestValAuc);
    h.set("initial", stats(initial));
    ArrayNode a = h.putArray("epochs");
    for (EpochStats s : epochs) {
      a.add(stats(s));
    }
    TensorFile.write(file, h, tensors);
  }

  static RankCheckpoint read(Path file) {
    TensorFile.Contents c = TensorFile.read(file, FORMAT);
    ObjectNode h = c.header();
    RankTrainConfig tc;
    try {
      tc = TensorFile.JSON.treeToValue(h.get("trainConfig"), RankTrainConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(file, 0, "trainConfig", "bad value: " + e.getMessage());
    }
    List<EpochStats> epochs = new ArrayList<>();
    for (JsonNode s : h.path("epochs")) {
      epochs.add(stats(s));
    }
    return new RankCheckpoint(RankerModel.configOf(h, "modelConfig", file), tc,
        h.path("seed").asLong(), h.path("dataFingerprint").asText(), h.path("epochsDone").asInt(),
        h.path("steps").asLong(), h.path("elapsedSeconds").asDouble(),
        h.path("bestEpoch").asInt(), number(h.path("bestValAuc")), stats(h.path("initial")),
        epochs, c.tensors());
  }

  private static ObjectNode stats(EpochStats s) {
    ObjectNode o = TensorFile.JSON.createObjectNode();
    o.put("epoch", s.epoch());
    o.put("trainLoss", s.trainLoss());
    ArrayNode auc = o.putArray("valAuc");
    s.valAuc().forEach(auc::add);
    ArrayNode gauc = o.putArray("valGauc");
    s.valGauc().forEach(gauc::add);
    return o;
  }

  private static EpochStats stats(JsonNode o) {
    List<Double> auc = new ArrayList<>();
    o.path("valAuc").forEach(n -> auc.add(number(n)));
    List<Double> gauc = new ArrayList<>();
    o.path("valGauc").forEach(n -> gauc.add(number(n)));
    return new EpochStats(o.path("epoch").asInt(), number(o.path("trainLoss")), auc, gauc);
  }

  /** Jackson writes NaN as the string "NaN"; read it back. */
  private static double number(JsonNode n) {
    return n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
  }
}
