package genrec.generator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import genrec.core.tensor.Tensor;
import genrec.core.train.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An exponential moving average of the weights (Polyak averaging), updated after every optimiser
 * step: {@code a ← d·a + (1 − d)·w} with {@code d = min(decay, (1 + t) / (10 + t))} at update
 * {@code t}, so the first updates follow the weights closely instead of remembering their random
 * start. Validation, the best model and the final model use the average; training goes on from
 * the raw weights. The average lives in the manager given to the constructor and is saved in
 * checkpoints ({@code ema/NAME}) so a resumed run continues it exactly.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
final class WeightAverage {
  /** Checkpoint tensor prefix of the average. */
  static final String PREFIX = "ema/";

  private final List<String> names = new ArrayList<>();
  private final List<Parameter> params = new ArrayList<>();
  private final List<NDArray> average = new ArrayList<>();
  private final float decay;

  /** Starts the average at the current weights; {@code decay} in (0, 1) ({@link TrainConfig}). */
  WeightAverage(List<Pair<String, Parameter>> parameters, NDManager manager, float decay) {
    this.decay = decay;
    for (Pair<String, Parameter> p : parameters) {
      names.add(p.getKey());
      params.add(p.getValue());
      NDArray w = p.getValue().getArray();
      NDArray a = manager.zeros(w.getShape()); // same shape as w
      w.copyTo(a);
      average.add(a);
    }
  }

  /** The decay used at update {@code t} (1-based). */
  float decayAt(long t) {
    return Math.min(decay, (1f + t) / (10f + t));
  }

  /** Folds the current weights into the average; {@code t} is the update's number (1-based). */
  void update(long t) {
    float d = decayAt(t);
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < params.size(); i++) {
        NDArray w = params.get(i).getArray();
        average.get(i).muli(d).addi(w.mul(1f - d)); // same shape as w
      }
    }
  }

  /** Copies of the average, by parameter name (the shape of {@code GeneratorModel#weights}). */
  Map<String, Tensor> weights() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), Weights.tensorOf(average.get(i)));
    }
    return out;
  }

  /** The average as checkpoint tensors: {@code ema/NAME}. */
  Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    weights().forEach((name, t) -> out.put(PREFIX + name, t));
    return out;
  }

  /** Restores the average saved by {@link #state()} from a checkpoint's tensors. */
  void restore(Map<String, Tensor> tensors) {
    for (int i = 0; i < names.size(); i++) {
      String name = PREFIX + names.get(i);
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException("checkpoint has no weight average '" + name
            + "' although its config sets emaDecay (a damaged or foreign checkpoint)");
      }
      Weights.copyInto(t, average.get(i), name);
    }
  }

  /**
   * Runs {@code work} with the averaged weights in the network's parameters, then puts the raw
   * weights back (also when {@code work} throws).
   */
  <T> T withAverage(Supplier<T> work) {
    Map<String, Tensor> raw = new LinkedHashMap<>();
    try {
      for (int i = 0; i < names.size(); i++) {
        NDArray w = params.get(i).getArray();
        raw.put(names.get(i), Weights.tensorOf(w));
        average.get(i).copyTo(w);
      }
      return work.get();
    } finally {
      for (int i = 0; i < raw.size(); i++) { // only those swapped, if a copy failed
        Weights.copyInto(raw.get(names.get(i)), params.get(i).getArray(), names.get(i));
      }
    }
  }
}
