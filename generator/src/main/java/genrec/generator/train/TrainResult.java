package genrec.generator.train;

import java.util.List;
import java.util.Locale;

/**
 * What a training run produced.
 *
 * @param model the best model (by validation NDCG@10), or the last one when never validated;
 *     the caller closes it
 * @param steps optimiser steps done in total (over all resumed sessions)
 * @param epochs passes over the training samples done in total (fractional)
 * @param seconds training wall time in total (over all sessions)
 * @param bestStep step of the best validation, -1 if none
 * @param bestValNdcg10 best validation NDCG@10 (NaN if never validated)
 * @param bestValRecall10 validation Recall@10 at that step (NaN if never validated)
 * @param curve one point per validation, in order
 * @param losses the training loss of every step of this session, in order
 * @param firstStep the global step before this session's first step (0, or the resumed step)
 * @param samplesPerSecond training targets (predicted next items) per second of optimiser steps
 *     in this session (validation and file writes not counted)
 * @param stopReason why training stopped: "done", "early stopping", "time limit", "interrupted",
 *     or "stop after N steps"
 */
public record TrainResult(
    GeneratorModel model,
    long steps,
    double epochs,
    double seconds,
    long bestStep,
    double bestValNdcg10,
    double bestValRecall10,
    List<CurvePoint> curve,
    float[] losses,
    long firstStep,
    double samplesPerSecond,
    String stopReason) {

  /**
   * One learning-curve point, taken at a validation.
   *
   * @param seconds training wall time so far
   * @param step optimiser step
   * @param valNdcg10 validation NDCG@10 on the fixed subset
   * @param valRecall10 validation Recall@10 on the fixed subset
   * @param trainLoss mean training loss since the previous point
   */
  public record CurvePoint(double seconds, long step, double valNdcg10, double valRecall10,
      double trainLoss) {}

  public TrainResult {
    curve = List.copyOf(curve);
  }

  /** The learning curve as CSV with a header line. */
  public static String curveCsv(List<CurvePoint> curve) {
    StringBuilder sb = new StringBuilder("seconds,step,val_ndcg10,val_recall10,train_loss\n");
    for (CurvePoint p : curve) {
      sb.append(String.format(Locale.ROOT, "%.2f,%d,%.6f,%.6f,%.6f%n", p.seconds(), p.step(),
          p.valNdcg10(), p.valRecall10(), p.trainLoss()));
    }
    return sb.toString();
  }

  /** A few lines for people. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "trained %d steps (%.2f epochs) in %.1f s, %.0f targets/s; stopped: %s%n", steps, epochs,
        seconds, samplesPerSecond, stopReason));
    if (bestStep >= 0) {
      sb.append(String.format(Locale.ROOT,
          "best validation (subset) at step %d: NDCG@10 %.4f, Recall@10 %.4f%n", bestStep,
          bestValNdcg10, bestValRecall10));
    }
    if (!curve.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%8s %8s %10s %10s %10s%n", "seconds", "step",
          "NDCG@10", "Recall@10", "loss"));
      for (CurvePoint p : curve) {
        sb.append(String.format(Locale.ROOT, "%8.1f %8d %10.4f %10.4f %10.4f%n", p.seconds(),
            p.step(), p.valNdcg10(), p.valRecall10(), p.trainLoss()));
      }
    }
    return sb.toString();
  }
}
