package genrec.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.generator.train.AdamW;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one training loop: runs a {@link TrainTask} for {@code totalSteps} optimiser steps.
 * Per step: libtorch's generator is seeded with {@link Seeds#stepSeed (seed, step)}, the task's
 * loss is back-propagated, the gradients are clipped to the task's global norm, and AdamW steps
 * at the task's learning rate. Every {@code validateEvery} steps (and at the end of a run that
 * ran out of steps or time) the task validates; the weights with the best {@code metric} are
 * kept (ties keep the earlier), and {@code patience} validations in a row without a better one
 * stop the run. Every {@code checkpointEvery} steps and at the end of every session a {@link
 * TrainCheckpoint} is written atomically; {@link #resume resuming} from it continues exactly
 * where an uninterrupted run would be, since the task's batches and the step seeds depend only
 * on (seed, step). A session also stops at a wall-time limit, after a number of its own steps,
 * or on Ctrl-C (the shutdown hook lets the current step finish and the checkpoint and model be
 * written, waiting up to a minute). Session limits are not part of the run's identity.
 */
@SuppressWarnings("try") // NDScope is held only to be closed
public final class TrainingLoop {
  private final TrainTask task;
  private final RunIdentity identity;
  private final String name;
  private final long seed;
  private final long totalSteps;
  private final String metric;
  private final int validateEvery;
  private final boolean validateAtStart;
  private final int checkpointEvery;
  private final int patience;
  private final Path checkpointFile;
  private final double maxSeconds;
  private final long stopAfterSteps;
  private final boolean shutdownHook;
  private final String progressLabel;

  private TrainingLoop(Builder b) {
    this.task = b.task;
    this.identity = b.task.identity();
    this.name = identity.task();
    this.seed = b.seed;
    this.totalSteps = b.totalSteps;
    this.metric = b.metric;
    this.validateEvery = b.validateEvery;
    this.validateAtStart = b.validateAtStart;
    this.checkpointEvery = b.checkpointEvery;
    this.patience = b.patience;
    this.checkpointFile = b.checkpointFile;
    this.maxSeconds = b.maxSeconds;
    this.stopAfterSteps = b.stopAfterSteps;
    this.shutdownHook = b.shutdownHook;
    this.progressLabel = b.progressLabel;
  }

  /** Trains from the task's initial weights. */
  public LoopResult train() {
    return run(null);
  }

  /**
   * Continues the run saved in {@code file}.
   *
   * @throws IllegalArgumentException if the checkpoint belongs to another run or other data
   */
  public LoopResult resume(Path file) {
    return resume(TrainCheckpoint.read(file, name), file);
  }

  /** As {@link #resume(Path)}, with the checkpoint already read from {@code file}. */
  public LoopResult resume(TrainCheckpoint cp, Path file) {
    identity.requireSame(cp.identity(), file);
    return run(cp);
  }

  /** Mutable bookkeeping of one run, saved in checkpoints. */
  private static final class State {
    long step;
    double elapsedBefore;
    long bestStep = -1;
    Map<String, Double> bestMetrics = new LinkedHashMap<>();
    Map<String, Tensor> best;
    int bad;
    long lastValidated = -1;
    double lossSum;
    int lossCount;
    long t0;

    double elapsed() {
      return elapsedBefore + (System.nanoTime() - t0) / 1e9;
    }
  }

  private LoopResult run(TrainCheckpoint cp) {
    State st = new State();
    st.t0 = System.nanoTime();
    Engine engine = Engine.getEngine("PyTorch");
    AtomicBoolean stopRequested = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = null;
    if (shutdownHook) {
      hook = new Thread(() -> {
        stopRequested.set(true);
        try {
          finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "genrec-" + name + "-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    StopReason reason = StopReason.DONE;
    long firstStep;
    float[] losses;
    int sessionSteps = 0;
    long stepNanos = 0;
    try (NDManager root = engine.newBaseManager();
        NDManager optManager = root.newSubManager()) {
      List<Pair<String, Parameter>> params = task.network(root);
      AdamW opt = task.optimiser(params, optManager);
      if (cp == null) {
        task.initWeights(params);
      } else {
        restore(st, cp, params, opt);
      }
      task.begin(cp != null);
      firstStep = st.step;
      losses = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, totalSteps - st.step))];
      ParameterStore ps = new ParameterStore(root, false);
      if (validateAtStart && st.lastValidated < 0 && task.validates()) {
        validate(st);
      }
      final float[] lastLoss = {Float.NaN};
      try (Progress progress = progressLabel != null
          ? Progress.start(progressLabel, Math.max(0, totalSteps - st.step), "steps")
          : Progress.silent()) {
        progress.status(() -> String.format(Locale.ROOT, "loss %.4f", lastLoss[0])
            + task.status() + (st.bestStep >= 0 ? String.format(Locale.ROOT,
                ", best val %s %.4f", metric, st.bestMetrics.get(metric)) : ""));
        while (st.step < totalSteps) {
          task.beforeStep(st.step);
          long ts = System.nanoTime();
          float loss = step(engine, ps, opt, st.step);
          st.step++;
          task.afterStep(st.step, loss);
          stepNanos += System.nanoTime() - ts;
          lastLoss[0] = loss;
          losses[sessionSteps++] = loss;
          st.lossSum += loss;
          st.lossCount++;
          progress.advance(1);
          boolean more = st.step < totalSteps;
          if (validateEvery > 0 && st.step % validateEvery == 0 && more && task.validates()) {
            validate(st);
            if (patience > 0 && st.bad >= patience) {
              reason = StopReason.EARLY_STOPPING;
              break;
            }
          }
          if (checkpointFile != null && checkpointEvery > 0 && st.step % checkpointEvery == 0
              && more) {
            checkpoint(st, params, opt).write(checkpointFile);
          }
          if (stopRequested.get()) {
            reason = StopReason.INTERRUPTED;
            break;
          }
          if (stopAfterSteps > 0 && st.step - firstStep >= stopAfterSteps && more) {
            reason = StopReason.STOP_AFTER;
            break;
          }
          if (maxSeconds > 0 && (System.nanoTime() - st.t0) / 1e9 >= maxSeconds && more) {
            reason = StopReason.TIME_LIMIT;
            break;
          }
        }
      }
      if (reason.validatesAtEnd() && st.lastValidated != st.step && task.validates()) {
        validate(st);
      }
      if (checkpointFile != null) {
        checkpoint(st, params, opt).write(checkpointFile);
      }
      // before 'finished': a shutdown hook waits for the model to be written
      task.finish(st.best != null ? st.best : task.validatedWeights(),
          st.best != null ? st.bestStep : -1);
    } finally {
      finished.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook is running and waits for 'finished'
        }
      }
    }
    return new LoopResult(st.step, firstStep, st.elapsed(), stepNanos / 1e9, st.bestStep,
        st.bestMetrics, Arrays.copyOf(losses, sessionSteps), reason);
  }

  private void restore(State st, TrainCheckpoint cp, List<Pair<String, Parameter>> params,
      AdamW opt) {
    Weights.load(cp.group(TrainCheckpoint.WEIGHTS), params, "checkpoint");
    opt.restore(cp.tensors(), cp.step());
    st.step = cp.step();
    st.elapsedBefore = cp.elapsedSeconds();
    st.bestStep = cp.bestStep();
    st.bestMetrics = new LinkedHashMap<>(cp.bestMetrics());
    Map<String, Tensor> best = cp.group(TrainCheckpoint.BEST);
    st.best = best.isEmpty() ? null : best;
    st.bad = cp.badValidations();
    st.lastValidated = cp.lastValidated();
    st.lossSum = cp.lossSum();
    st.lossCount = cp.lossCount();
    task.restore(cp.state(), cp.tensors());
  }

  /** One optimiser step on the task's batch of {@code step}; returns the batch loss. */
  private float step(Engine engine, ParameterStore ps, AdamW opt, long step) {
    try (NDManager bm = ps.getManager().newSubManager();
        NDScope scope = new NDScope()) {
      engine.setRandomSeed(Seeds.stepSeed(seed, step));
      float loss;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray l = task.loss(bm, ps, step); // ()
        gc.backward(l);
        loss = l.getFloat();
      }
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException("training loss is " + loss + " at step " + (step + 1)
            + " (try a lower learning rate)");
      }
      float scale = 1f;
      float clip = task.clipNorm();
      if (clip > 0f) {
        double norm = opt.gradNorm();
        if (!Double.isFinite(norm)) {
          throw new IllegalStateException(
              "gradient norm is " + norm + " at step " + (step + 1) + " (loss " + loss + ")");
        }
        if (norm > clip) {
          scale = (float) (clip / (norm + 1e-6));
        }
      }
      opt.step(task.learningRate(step + 1), scale);
      return loss;
    }
  }

  private void validate(State st) {
    Map<String, Double> m = task.validate(st.step, st.elapsed(),
        st.lossCount == 0 ? Double.NaN : st.lossSum / st.lossCount);
    st.lossSum = 0;
    st.lossCount = 0;
    st.lastValidated = st.step;
    Double score = m.get(metric);
    if (score == null) {
      throw new IllegalStateException("task '" + name + "' validated without metric '"
          + metric + "' (has " + m.keySet() + ")");
    }
    double best = st.bestMetrics.getOrDefault(metric, Double.NaN);
    if (st.bestStep < 0 || (Double.isNaN(best) && !Double.isNaN(score)) || score > best) {
      st.bestStep = st.step;
      st.bestMetrics = new LinkedHashMap<>(m);
      st.bad = 0;
      st.best = task.validatedWeights();
      task.improved(st.step, st.best);
    } else {
      st.bad++;
    }
  }

  private TrainCheckpoint checkpoint(State st, List<Pair<String, Parameter>> params,
      AdamW opt) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Weights.of(params).forEach((name, t) -> tensors.put(TrainCheckpoint.WEIGHTS + name, t));
    tensors.putAll(opt.state());
    if (st.best != null) {
      st.best.forEach((name, t) -> tensors.put(TrainCheckpoint.BEST + name, t));
    }
    for (Map.Entry<String, Tensor> e : task.stateTensors().entrySet()) {
      if (tensors.containsKey(e.getKey()) || e.getKey().startsWith(TrainCheckpoint.WEIGHTS)
          || e.getKey().startsWith(TrainCheckpoint.BEST) || e.getKey().startsWith("m/")
          || e.getKey().startsWith("v/")) {
        throw new IllegalStateException("task '" + name + "' state tensor '" + e.getKey()
            + "' uses a name reserved by the training loop");
      }
      tensors.put(e.getKey(), e.getValue());
    }
    return new TrainCheckpoint(name, identity.toJson(), st.step, st.elapsed(),
        metric, st.bestStep, st.bestMetrics, st.bad, st.lastValidated, st.lossSum, st.lossCount,
        task.state(), tensors);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setTask}, {@link #setSeed}, {@link #setTotalSteps}, {@link #setMetric}.
   * Optional: {@link #optValidateEvery} (0: only at the end), {@link #optValidateAtStart}
   * (false), {@link #optCheckpointEvery} (0: only at the end of a session), {@link
   * #optPatience} (0: none), {@link #optCheckpointFile} (none: nothing written), {@link
   * #optMaxSeconds} (0: none), {@link #optStopAfterSteps} (0: none), {@link #optShutdownHook}
   * (false), {@link #optProgress} (none).
   */
  public static final class Builder {
    private TrainTask task;
    private Long seed;
    private long totalSteps = -1;
    private String metric;
    private int validateEvery;
    private boolean validateAtStart;
    private int checkpointEvery;
    private int patience;
    private Path checkpointFile;
    private double maxSeconds;
    private long stopAfterSteps;
    private boolean shutdownHook;
    private String progressLabel;

    private Builder() {}

    public Builder setTask(TrainTask task) {
      this.task = task;
      return this;
    }

    /** The run's seed (step seeds); mandatory so that every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Optimiser steps of the whole run (over all sessions). */
    public Builder setTotalSteps(long totalSteps) {
      this.totalSteps = totalSteps;
      return this;
    }

    /** The validation metric whose highest value picks the best weights. */
    public Builder setMetric(String metric) {
      this.metric = metric;
      return this;
    }

    /** Validate every this many steps; 0 = only at the end. */
    public Builder optValidateEvery(int steps) {
      this.validateEvery = steps;
      return this;
    }

    /** Also validate the starting weights (step 0) of a fresh run; they may be the best. */
    public Builder optValidateAtStart(boolean validateAtStart) {
      this.validateAtStart = validateAtStart;
      return this;
    }

    /** Write a checkpoint every this many steps; 0 = only at the end of a session. */
    public Builder optCheckpointEvery(int steps) {
      this.checkpointEvery = steps;
      return this;
    }

    /** Stop after this many validations in a row without a better metric; 0 = never. */
    public Builder optPatience(int validations) {
      this.patience = validations;
      return this;
    }

    /** Where checkpoints go (written atomically); null = none. */
    public Builder optCheckpointFile(Path file) {
      this.checkpointFile = file;
      return this;
    }

    /** Stop (validate, checkpoint, finish) after this much session wall time; 0 = no limit. */
    public Builder optMaxSeconds(double maxSeconds) {
      this.maxSeconds = maxSeconds;
      return this;
    }

    /** Stop after this many steps of this session and checkpoint (no extra validation). */
    public Builder optStopAfterSteps(long steps) {
      this.stopAfterSteps = steps;
      return this;
    }

    /** On Ctrl-C (JVM shutdown), finish the current step, checkpoint and finish the task. */
    public Builder optShutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /** A progress line on stderr with this label (loss, task status, best metric, ETA). */
    public Builder optProgress(String label) {
      this.progressLabel = label;
      return this;
    }

    public TrainingLoop build() {
      StringBuilder bad = new StringBuilder();
      if (task == null) {
        bad.append("task is required (setTask), ");
      }
      if (seed == null) {
        bad.append("seed is required (setSeed), ");
      }
      if (totalSteps < 0) {
        bad.append("totalSteps=").append(totalSteps).append(" must be >= 0 (setTotalSteps), ");
      }
      if (metric == null || metric.isBlank()) {
        bad.append("metric is required (setMetric), ");
      }
      if (validateEvery < 0) {
        bad.append("validateEvery=").append(validateEvery).append(" must be >= 0, ");
      }
      if (checkpointEvery < 0) {
        bad.append("checkpointEvery=").append(checkpointEvery).append(" must be >= 0, ");
      }
      if (patience < 0) {
        bad.append("patience=").append(patience).append(" must be >= 0, ");
      }
      if (!(maxSeconds >= 0)) {
        bad.append("maxSeconds=").append(maxSeconds).append(" must be >= 0, ");
      }
      if (stopAfterSteps < 0) {
        bad.append("stopAfterSteps=").append(stopAfterSteps).append(" must be >= 0, ");
      }
      if (bad.length() > 0) {
        throw new IllegalArgumentException(bad.substring(0, bad.length() - 2));
      }
      return new TrainingLoop(this);
    }
  }
}
