package genrec.generator.train;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.TrainCheckpoint;
import genrec.generator.model.GeneratorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A generator training checkpoint ({@link GeneratorTrainer#CHECKPOINT_FILE}) read as the
 * generator's fields: the file is the training loop's one format ({@link TrainCheckpoint}, task
 * {@value GeneratorTrainer#TASK}); its identity holds the configs, seed and fingerprints, its
 * task state the learning curve, and its tensors the weights ({@code w/NAME}), AdamW moments
 * ({@code m/NAME}, {@code v/NAME}), the weight average ({@code ema/NAME}, only with {@link
 * TrainConfig#emaDecay()}) and the best weights so far ({@code best/NAME}).
 *
 * @param modelConfig the network's config
 * @param trainConfig the optimisation settings
 * @param seed the run's seed
 * @param dataFingerprint {@link TrainData#dataFingerprint()}
 * @param sidFingerprint {@link TrainData#sidFingerprint()}
 * @param step optimiser steps done
 * @param curve the learning curve so far
 * @param saved the checkpoint as the training loop reads it
 */
public record Checkpoint(
    GeneratorConfig modelConfig,
    TrainConfig trainConfig,
    long seed,
    String dataFingerprint,
    String sidFingerprint,
    long step,
    List<TrainResult.CurvePoint> curve,
    TrainCheckpoint saved) {

  public Checkpoint {
    curve = List.copyOf(curve);
  }

  /** Every tensor, by name. */
  public Map<String, Tensor> tensors() {
    return saved.tensors();
  }

  /** The tensors whose names start with {@code prefix}, with the prefix removed. */
  public Map<String, Tensor> group(String prefix) {
    return saved.group(prefix);
  }

  /** Reads a generator checkpoint; errors name the file and field. */
  public static Checkpoint read(Path file) {
    TrainCheckpoint cp = TrainCheckpoint.read(file, GeneratorTrainer.TASK);
    var id = cp.identity();
    return new Checkpoint(
        TensorFile.field(id, "modelConfig", GeneratorConfig.class, file),
        TensorFile.field(id, "trainConfig", TrainConfig.class, file),
        id.path("seed").asLong(),
        id.path("dataFingerprint").asText(),
        id.path("sidFingerprint").asText(),
        cp.step(),
        curveOf(cp.state().path("curve")),
        cp);
  }

  /** The learning curve saved in a checkpoint's task state. */
  static List<TrainResult.CurvePoint> curveOf(JsonNode points) {
    List<TrainResult.CurvePoint> curve = new ArrayList<>();
    for (JsonNode p : points) {
      curve.add(new TrainResult.CurvePoint(TrainCheckpoint.number(p.path("seconds")),
          p.path("step").asLong(), TrainCheckpoint.number(p.path("valNdcg10")),
          TrainCheckpoint.number(p.path("valRecall10")),
          TrainCheckpoint.number(p.path("trainLoss"))));
    }
    return curve;
  }
}
