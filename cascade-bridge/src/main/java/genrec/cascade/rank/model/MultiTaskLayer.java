package genrec.cascade.rank.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import genrec.cascade.rank.model.RankerConfig.Mixture;
import java.util.ArrayList;
import java.util.List;

/**
 * Experts, gates and towers: the multi-task top of the ranker. Every expert is an {@link Mlp}
 * {@code D → H} with ReLU. Task t mixes its pool of N experts with a softmax gate {@code
 * softmax(W_t x + b_t)} (no gate when N = 1: the single expert's output is used as it is), then
 * its tower ({@link Mlp} {@code H → H_t → 1}) gives one logit.
 *
 * <ul>
 *   <li>{@link Mixture#SHARED_BOTTOM}: one shared expert, N = 1 for every task;
 *   <li>{@link Mixture#MMOE}: {@code experts} shared experts, every task's pool is all of them;
 *   <li>{@link Mixture#PLE} (one CGC layer): task t's pool is its own {@code taskExperts} experts
 *       followed by the {@code sharedExperts} shared ones.
 * </ul>
 *
 * <p>Children: {@code shared<i>}, {@code task<t>expert<i>}, {@code gate<t>} (only when N > 1),
 * {@code tower<t>}. So PLE with 0 task experts and 1 shared expert has exactly the parameters of
 * the shared bottom, under the same names. Input {@code x (B, D)}, output logits {@code (B, T)}.
 * Legend: B rows, D input width, H expert width, N experts per task pool, T tasks.
 */
public final class MultiTaskLayer extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int numTasks;
  private final int poolSize;
  private final List<Mlp> shared = new ArrayList<>();
  private final List<List<Mlp>> own = new ArrayList<>();
  private final List<Linear> gates = new ArrayList<>();
  private final List<Mlp> towers = new ArrayList<>();

  /** The layer of {@code config}'s mixture, experts, widths and tasks. */
  public MultiTaskLayer(RankerConfig config) {
    super(VERSION);
    this.numTasks = config.numTasks();
    int numShared = switch (config.mixture()) {
      case SHARED_BOTTOM -> 1;
      case MMOE -> config.experts();
      case PLE -> config.sharedExperts();
    };
    int perTask = config.mixture() == Mixture.PLE ? config.taskExperts() : 0;
    this.poolSize = numShared + perTask;
    for (int i = 0; i < numShared; i++) {
      shared.add(addChildBlock("shared" + i, expert(config)));
    }
    for (int t = 0; t < numTasks; t++) {
      List<Mlp> mine = new ArrayList<>();
      for (int i = 0; i < perTask; i++) {
        mine.add(addChildBlock("task" + t + "expert" + i, expert(config)));
      }
      own.add(mine);
    }
    if (poolSize > 1) {
      for (int t = 0; t < numTasks; t++) {
        gates.add(addChildBlock("gate" + t,
            Linear.builder().setUnits(poolSize).optBias(true).build()));
      }
    }
    for (int t = 0; t < numTasks; t++) {
      towers.add(addChildBlock("tower" + t, Mlp.builder().setUnits(config.towerHidden(), 1)
          .optDropout(config.dropout()).build()));
    }
  }

  private static Mlp expert(RankerConfig c) {
    return Mlp.builder().setUnits(c.expertHidden()).optFinalActivation(true)
        .optDropout(c.dropout()).build();
  }

  /** N, the experts each task mixes. */
  public int poolSize() {
    return poolSize;
  }

  /** The gate weights {@code (B, T, N)}: per task and row a softmax over its pool (1 if N = 1). */
  public NDArray gates(ParameterStore ps, NDArray x, boolean training) {
    long b = x.getShape().get(0);
    if (gates.isEmpty()) {
      return x.getManager().ones(new Shape(b, numTasks, 1)); // (B, T, 1)
    }
    NDList perTask = new NDList(numTasks);
    for (Linear g : gates) {
      perTask.add(g.forward(ps, new NDList(x), training).head().softmax(-1)); // (B, N)
    }
    return NDArrays.stack(perTask, 1); // (B, T, N)
  }

  /** {@code x (B, D)} → logits {@code (B, T)}. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDList sharedOut = new NDList(shared.size());
    for (Mlp e : shared) {
      sharedOut.add(e.apply(ps, x, training)); // (B, H)
    }
    NDList logits = new NDList(numTasks);
    for (int t = 0; t < numTasks; t++) {
      NDList pool = new NDList(poolSize);
      for (Mlp e : own.get(t)) {
        pool.add(e.apply(ps, x, training)); // (B, H)
      }
      pool.addAll(sharedOut);
      NDArray mixed;
      if (gates.isEmpty()) {
        mixed = pool.head(); // (B, H)
      } else {
        NDArray g = gates.get(t).forward(ps, new NDList(x), training).head()
            .softmax(-1); // (B, N)
        NDArray experts = NDArrays.stack(pool, 1); // (B, N, H)
        mixed = experts.mul(g.expandDims(-1)).sum(new int[] {1}); // (B, H)
      }
      logits.add(towers.get(t).apply(ps, mixed, training)); // (B, 1)
    }
    // NDArrays.concat of a single array returns a detached duplicate: no gradient would flow
    return logits.size() == 1 ? logits.head() : NDArrays.concat(logits, 1); // (B, T)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    Shape h = null;
    for (Mlp e : shared) {
      e.initialize(manager, dataType, x);
      h = e.getOutputShapes(new Shape[] {x})[0];
    }
    for (List<Mlp> mine : own) {
      for (Mlp e : mine) {
        e.initialize(manager, dataType, x);
        h = e.getOutputShapes(new Shape[] {x})[0];
      }
    }
    for (Linear g : gates) {
      g.initialize(manager, dataType, x);
    }
    for (Mlp tower : towers) {
      tower.initialize(manager, dataType, h);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numTasks)};
  }
}
