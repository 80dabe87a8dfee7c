package genrec.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.generator.train.AdamW;
import java.util.List;
import java.util.Map;

/**
 * What a model brings to the {@link TrainingLoop}: its network and optimiser, the loss of a
 * step's batch, its validation, and any state beyond weights and moments that a checkpoint must
 * hold. A task object serves one run and may keep state between calls; the loop calls, in order:
 * {@link #identity} (when the loop is built), {@link #network}, {@link #optimiser}, {@link
 * #initWeights} (fresh run) or {@link #restore} (resumed), {@link #begin}, then per step {@link
 * #beforeStep}, {@link #loss} (inside a gradient collector), {@link #learningRate}, {@link
 * #afterStep}, now and then {@link #validate} (+ {@link #validatedWeights}, {@link #improved})
 * and {@link #state}, and last {@link #finish}.
 */
public interface TrainTask {

  /**
   * The task's name and the settings, seed and data fingerprints a checkpoint must share to be
   * resumed (asked once, when the loop is built).
   */
  RunIdentity identity();

  /** Builds and initialises the network in {@code manager}; its parameters, in order. */
  List<Pair<String, Parameter>> network(NDManager manager);

  /** The optimiser over {@code parameters}, its moments in {@code manager}. */
  AdamW optimiser(List<Pair<String, Parameter>> parameters, NDManager manager);

  /** Sets the starting weights of a fresh run (seeded). */
  void initWeights(List<Pair<String, Parameter>> parameters);

  /** Once the weights are set (fresh or restored), before the first step of the session. */
  default void begin(boolean resumed) {}

  /** Before step {@code step} (0-based), outside the step's gradient collector and scope. */
  default void beforeStep(long step) {}

  /**
   * The training loss of step {@code step} (0-based), built in {@code batchManager}, inside a
   * gradient collector; libtorch's generator is already seeded for the step.
   *
   * @return a scalar
   */
  NDArray loss(NDManager batchManager, ParameterStore parameters, long step);

  /** The learning rate of update {@code update} (1-based). */
  float learningRate(long update);

  /** Global gradient-norm clipping threshold; 0 for none. */
  float clipNorm();

  /** After update {@code stepsDone} (1-based) with its batch loss. */
  default void afterStep(long stepsDone, float loss) {}

  /** Whether {@link #validate} measures anything (false: never called). */
  boolean validates();

  /**
   * Validates the network at {@code step}, records the point where the task keeps its curve.
   *
   * @param seconds training wall time so far
   * @param meanLoss mean training loss since the previous validation (NaN if no step since)
   * @return the metrics by name, the loop's selection metric among them
   */
  Map<String, Double> validate(long step, double seconds, double meanLoss);

  /** Copies of the weights {@link #validate} measured (kept if they are the best so far). */
  Map<String, Tensor> validatedWeights();

  /** After a validation that improved the selection metric (e.g. writes the best model). */
  default void improved(long step, Map<String, Tensor> best) {}

  /** The task's own checkpoint state: JSON for bookkeeping. */
  default ObjectNode state() {
    return TensorFile.JSON.createObjectNode();
  }

  /** The task's own checkpoint tensors (names not starting with w/, m/, v/, best/). */
  default Map<String, Tensor> stateTensors() {
    return Map.of();
  }

  /** Restores what {@link #state} and {@link #stateTensors} saved (resumed runs only). */
  default void restore(ObjectNode state, Map<String, Tensor> tensors) {}

  /** A short status for the progress line after the loss (", 120 targets/s"), or "". */
  default String status() {
    return "";
  }

  /**
   * The end of the session, before native memory is freed: make (and write) the model.
   *
   * @param weights the best weights so far, or the {@link #validatedWeights} of now if the run
   *     never validated
   * @param bestStep the step of {@code weights} if they are the best, else -1
   */
  void finish(Map<String, Tensor> weights, long bestStep);
}
