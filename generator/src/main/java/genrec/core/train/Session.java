package genrec.core.train;

import java.nio.file.Path;

/**
 * What a trainer's builder fixes for a {@link TrainingLoop} besides the task: the run's seed,
 * where its files go, and the limits of this session (not part of the run's identity).
 *
 * @param seed the run's seed
 * @param outDir folder for the checkpoint and the task's files; null = nothing is written
 * @param progress whether a progress line is shown on stderr
 * @param maxSeconds session wall-time limit, 0 = none
 * @param stopAfterSteps stop after this many steps of this session, 0 = none
 * @param shutdownHook whether Ctrl-C finishes the step and writes a checkpoint
 */
public record Session(long seed, Path outDir, boolean progress, double maxSeconds,
    long stopAfterSteps, boolean shutdownHook) {

  public Session {
    if (!(maxSeconds >= 0)) {
      throw new IllegalArgumentException("maxSeconds=" + maxSeconds + " must be >= 0");
    }
    if (stopAfterSteps < 0) {
      throw new IllegalArgumentException("stopAfterSteps=" + stopAfterSteps + " must be >= 0");
    }
  }

  /**
   * A loop builder for {@code task} with this session's seed, limits and progress line, the
   * checkpoint at {@code outDir/checkpointFile} (none without an output folder); the caller
   * adds the metric and the cadences.
   */
  public TrainingLoop.Builder loop(TrainTask task, long totalSteps, String checkpointFile,
      String progressLabel) {
    return TrainingLoop.builder().setTask(task).setSeed(seed).setTotalSteps(totalSteps)
        .optCheckpointFile(outDir == null ? null : outDir.resolve(checkpointFile))
        .optMaxSeconds(maxSeconds).optStopAfterSteps(stopAfterSteps)
        .optShutdownHook(shutdownHook).optProgress(progress ? progressLabel : null);
  }
}
