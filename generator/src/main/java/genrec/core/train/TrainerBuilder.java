package genrec.core.train;

import java.nio.file.Path;

/**
 * The part every trainer's builder shares: the mandatory seed and the {@link Session} options.
 * Subclasses add their configs and call {@link #session()} in {@code build()}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class TrainerBuilder<B extends TrainerBuilder<B>> {
  private Long seed;
  private Path outDir;
  private boolean progress;
  private double maxSeconds;
  private long stopAfterSteps;
  private boolean shutdownHook;

  protected TrainerBuilder() {}

  /** This builder, typed. */
  protected abstract B self();

  /** The seed; mandatory so that every run is reproducible. */
  public B setSeed(long seed) {
    this.seed = seed;
    return self();
  }

  /** Folder for the model, checkpoint and curves (all written atomically); none = no files. */
  public B optOutputDir(Path outDir) {
    this.outDir = outDir;
    return self();
  }

  /** A progress line on stderr (loss, speed, best validation metric, ETA). */
  public B optProgress(boolean progress) {
    this.progress = progress;
    return self();
  }

  /** Stop (validate, checkpoint, write the model) after this much wall time; 0 = no limit. */
  public B optMaxSeconds(double maxSeconds) {
    this.maxSeconds = maxSeconds;
    return self();
  }

  /** Stop after this many steps of this session and checkpoint (no extra validation). */
  public B optStopAfterSteps(long steps) {
    this.stopAfterSteps = steps;
    return self();
  }

  /** On Ctrl-C (JVM shutdown), finish the current step and write a checkpoint and the model. */
  public B optShutdownHook(boolean shutdownHook) {
    this.shutdownHook = shutdownHook;
    return self();
  }

  /**
   * {@code value}, or an error naming the missing field and its setter.
   *
   * @param name the field ("modelConfig": "modelConfig is required (setModelConfig)")
   */
  protected static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is required (set"
          + Character.toUpperCase(name.charAt(0)) + name.substring(1) + ")");
    }
    return value;
  }

  /**
   * The session these options describe.
   *
   * @throws IllegalArgumentException naming a missing seed or a bad limit
   */
  protected Session session() {
    if (seed == null) {
      throw new IllegalArgumentException("seed is required (setSeed)");
    }
    return new Session(seed, outDir, progress, maxSeconds, stopAfterSteps, shutdownHook);
  }
}
