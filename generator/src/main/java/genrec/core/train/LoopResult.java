package genrec.core.train;

import java.util.Map;

/**
 * What one {@link TrainingLoop} session did; the task holds what it made (its model).
 *
 * @param steps optimiser steps done in total (over all resumed sessions)
 * @param firstStep the step this session started from (0, or the resumed step)
 * @param seconds training wall time in total (over all sessions)
 * @param stepSeconds wall time of this session's optimiser steps (no validation, no writes)
 * @param bestStep step of the best validation, -1 if none
 * @param bestMetrics every metric of the best validation (empty if none)
 * @param losses the training loss of every step of this session, in order
 * @param stopReason why the session stopped
 */
public record LoopResult(
    long steps,
    long firstStep,
    double seconds,
    double stepSeconds,
    long bestStep,
    Map<String, Double> bestMetrics,
    float[] losses,
    StopReason stopReason) {

  /** The best value of {@code metric}, NaN if never validated. */
  public double best(String metric) {
    return bestMetrics.getOrDefault(metric, Double.NaN);
  }

  /** The stop reason's text, "stop after N UNIT" for a step limit of N given in units. */
  public String stopText(long stopAfter, String unit) {
    return stopReason == StopReason.STOP_AFTER
        ? "stop after " + stopAfter + " " + unit : stopReason.text();
  }
}
