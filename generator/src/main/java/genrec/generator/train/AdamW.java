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

/**
 * AdamW (Loshchilov and Hutter; PyTorch's update order) on NDArrays, written here so that its
 * moments can be saved and restored exactly (DJL's optimizer state is not serialisable). Per
 * step: optional global-norm gradient clipping, {@code w ← w·(1 − lr·wd)} for matrices, then the
 * bias-corrected Adam step. Gradients are zeroed after the update (DJL's PyTorch engine
 * accumulates them otherwise). Moments live in the manager given to the constructor.
 *
 * <p>Runs outside any gradient collector, so the arithmetic with Java numbers here is never on
 * an autograd path.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class AdamW {
  private final List<String> names = new ArrayList<>();
  private final List<Parameter> params = new ArrayList<>();
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private long t;

  /** AdamW over {@code parameters} with the moment and decay settings of {@code c}. */
  public AdamW(List<Pair<String, Parameter>> parameters, NDManager manager, TrainConfig c) {
    this(parameters, manager, c.beta1(), c.beta2(), c.epsilon(), c.weightDecay());
  }

  /**
   * AdamW with explicit settings (public for {@code genrec.generator.align}'s DPO trainer).
   *
   * @param manager where the moments live
   */
  public AdamW(List<Pair<String, Parameter>> parameters, NDManager manager, float beta1,
      float beta2, float epsilon, float weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (Pair<String, Parameter> p : parameters) {
      NDArray w = p.getValue().getArray();
      names.add(p.getKey());
      params.add(p.getValue());
      m.add(manager.zeros(w.getShape())); // same shape as w
      v.add(manager.zeros(w.getShape())); // same shape as w
    }
  }

  /** Updates so far. */
  public long steps() {
    return t;
  }

  /** The global L2 norm of all gradients. */
  public double gradNorm() {
    double sq = 0;
    try (NDScope scope = new NDScope()) {
      for (Parameter p : params) {
        sq += p.getArray().getGradient().square().sum().getFloat(); // ()
      }
    }
    return Math.sqrt(sq);
  }

  /**
   * One update.
   *
   * @param lr learning rate of this step
   * @param gradScale factor on every gradient (global-norm clipping), 1 for none
   */
  public void step(float lr, float gradScale) {
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
        if (weightDecay > 0f && decays(w)) {
          w.muli(1f - lr * weightDecay);
        }
        w.subi(update);
        grad.subi(grad); // zero the accumulated gradient
      }
    }
  }

  /** Zeroes every gradient without updating (e.g. after a skipped step). */
  void zeroGradients() {
    try (NDScope scope = new NDScope()) {
      for (Parameter p : params) {
        NDArray g = p.getArray().getGradient();
        g.subi(g);
      }
    }
  }

  /** Matrices decay; norm gains (vectors) do not. */
  private static boolean decays(NDArray w) {
    return w.getShape().dimension() >= 2;
  }

  /** Copies of the moments: {@code m/NAME} and {@code v/NAME}. */
  public Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put("m/" + names.get(i), Weights.tensorOf(m.get(i)));
    }
    for (int i = 0; i < names.size(); i++) {
      out.put("v/" + names.get(i), Weights.tensorOf(v.get(i)));
    }
    return out;
  }

  /** Restores the moments saved by {@link #state()} and the step count. */
  public void restore(Map<String, Tensor> state, long steps) {
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
    Weights.copyInto(s, target, name);
  }
}
