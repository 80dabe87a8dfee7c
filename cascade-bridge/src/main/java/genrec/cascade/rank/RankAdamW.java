package genrec.cascade.rank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import genrec.quantizer.sid.QuantizerFiles.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (PyTorch's update order) on NDArrays with saveable moments, as the generator's own (which
 * is package-private there): optional global-norm clipping through {@code gradScale}, {@code w ←
 * w·(1 − lr·wd)} for matrices and tables, then the bias-corrected Adam step; gradients are zeroed
 * after the update. Moments live in the manager given to the constructor. Runs outside any
 * gradient collector.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
final class RankAdamW {
  private final List<String> names = new ArrayList<>();
  private final List<Parameter> params = new ArrayList<>();
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private long t;

  RankAdamW(List<Pair<String, Parameter>> parameters, NDManager manager, RankTrainConfig c) {
    this.beta1 = c.beta1();
    this.beta2 = c.beta2();
    this.epsilon = c.epsilon();
    this.weightDecay = c.weightDecay();
    for (Pair<String, Parameter> p : parameters) {
      NDArray w = p.getValue().getArray();
      names.add(p.getKey());
      params.add(p.getValue());
      m.add(manager.zeros(w.getShape())); // same shape as w
      v.add(manager.zeros(w.getShape())); // same shape as w
    }
  }

  long steps() {
    return t;
  }

  /** The global L2 norm of all gradients. */
  double gradNorm() {
    double sq = 0;
    try (NDScope scope = new NDScope()) {
      for (Parameter p : params) {
        sq += p.getArray().getGradient().square().sum().getFloat(); // ()
      }
    }
    return Math.sqrt(sq);
  }

  /** One update with learning rate {@code lr}; every gradient is multiplied by {@code gradScale}. */
  void step(float lr, float gradScale) {
    t++;
    float bc1 = (float) (1 - Math.pow(beta1, t));
    float bc2 = (float) (1 - Math.pow(beta2, t));
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < params.size(); i++) {
        NDArray w = params.get(i).getArray();
        NDArray grad = w.getGradient(); // same shape as w
        NDArray g = gradScale == 1f ? grad : grad.mul(gradScale); // same shape as w
        m.get(i).muli(beta1).addi(g.mul(1f - beta1)); // first moment
        v.get(i).muli(beta2).addi(g.square().muli(1f - beta2)); // second moment
        NDArray denom = v.get(i).div(bc2).sqrt().addi(epsilon); // same shape as w
        NDArray update = m.get(i).div(bc1).divi(denom).muli(lr); // same shape as w
        if (weightDecay > 0f && w.getShape().dimension() >= 2) {
          w.muli(1f - lr * weightDecay);
        }
        w.subi(update);
        grad.subi(grad); // zero the accumulated gradient
      }
    }
  }

  /** Copies of the moments: {@code m/NAME} and {@code v/NAME}. */
  Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put("m/" + names.get(i), RankerModel.tensorOf(m.get(i)));
    }
    for (int i = 0; i < names.size(); i++) {
      out.put("v/" + names.get(i), RankerModel.tensorOf(v.get(i)));
    }
    return out;
  }

  /** Restores the moments saved by {@link #state()} and the step count. */
  void restore(Map<String, Tensor> state, long steps) {
    for (int i = 0; i < names.size(); i++) {
      copyInto(state, "m/" + names.get(i), m.get(i));
      copyInto(state, "v/" + names.get(i), v.get(i));
    }
    this.t = steps;
  }

  private static void copyInto(Map<String, Tensor> state, String name, NDArray target) {
    Tensor s = state.get(name);
    if (s == null) {
      throw new IllegalArgumentException("optimizer state has no '" + name + "'");
    }
    RankerModel.copyInto(s, target, name);
  }
}
