package genrec.generator.align;

import genrec.generator.train.GeneratorModel;
import java.util.List;
import java.util.Locale;

/**
 * What an alignment run produced.
 *
 * @param model the best validated model ({@link AlignConfig#selectBy()}; the reference's
 *     weights when no tuned step beat it); the caller closes it
 * @param steps optimiser steps done in total (over resumed sessions)
 * @param seconds wall time in total
 * @param bestStep step of the best validation (0 = the reference)
 * @param curve one point per validation, the first at step 0 (the reference)
 * @param rounds per pair-generation round of this session: its pairs and on-policy reward
 * @param losses the loss of every step of this session
 * @param firstStep the global step before this session's first step
 * @param stopReason "done", "time limit", "interrupted" or "stop after N steps"
 */
public record AlignResult(
    GeneratorModel model,
    long steps,
    double seconds,
    long bestStep,
    List<CurvePoint> curve,
    List<Round> rounds,
    float[] losses,
    long firstStep,
    String stopReason) {

  /**
   * One validation.
   *
   * @param seconds wall time so far
   * @param step optimiser step (0 = before tuning)
   * @param valNdcg10 NDCG@10 on the fixed validation subset (history excluded)
   * @param valRecall10 Recall@10 on it
   * @param valReward mean list reward of the subset's top-K lists
   * @param valRelevance the reward model's mean item relevance in those lists
   * @param valDiversity their mean intra-list diversity (1 − mean pairwise text cosine; NaN
   *     when the run has no item vectors)
   * @param valNewShare their share of new items (held out by {@code quantize --cold-items};
   *     NaN when the run holds none out)
   * @param valHistoryShare their share of items already in the user's history
   * @param trainLoss mean loss since the previous point (NaN at step 0)
   * @param margin mean implied reward margin {@code z} since the previous point
   * @param accuracy share of pairs with {@code z > 0} since the previous point
   */
  public record CurvePoint(double seconds, long step, double valNdcg10, double valRecall10,
      double valReward, double valRelevance, double valDiversity, double valNewShare,
      double valHistoryShare, double trainLoss, double margin, double accuracy) {}

  /**
   * One pair-generation round.
   *
   * @param round 0-based round index
   * @param step the step at which its pairs were generated
   * @param users users searched
   * @param pairs preference pairs made
   * @param meanListReward mean reward of the users' top-K beams (the on-policy reward)
   * @param meanChosenReward mean reward of the chosen beams
   * @param meanRejectedReward mean reward of the rejected beams
   */
  public record Round(int round, long step, int users, int pairs, double meanListReward,
      double meanChosenReward, double meanRejectedReward) {}

  public AlignResult {
    curve = List.copyOf(curve);
    rounds = List.copyOf(rounds);
  }

  /** The curve as CSV with a header line. */
  public static String curveCsv(List<CurvePoint> curve) {
    StringBuilder sb = new StringBuilder(
        "seconds,step,val_ndcg10,val_recall10,val_reward,val_relevance,val_ild,val_new_share,"
        + "val_history_share,train_loss,margin,accuracy\n");
    for (CurvePoint p : curve) {
      sb.append(String.format(Locale.ROOT,
          "%.2f,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", p.seconds(), p.step(),
          p.valNdcg10(), p.valRecall10(), p.valReward(), p.valRelevance(), p.valDiversity(),
          p.valNewShare(), p.valHistoryShare(), p.trainLoss(), p.margin(), p.accuracy()));
    }
    return sb.toString();
  }

  /** A few lines for people. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "aligned %d steps in %.1f s; stopped: %s%n", steps,
        seconds, stopReason));
    for (Round r : rounds) {
      sb.append(String.format(Locale.ROOT, "round %d (step %d): %,d users, %,d pairs, on-policy "
          + "top-K reward %.4f, chosen %.4f, rejected %.4f%n", r.round() + 1, r.step(),
          r.users(), r.pairs(), r.meanListReward(), r.meanChosenReward(),
          r.meanRejectedReward()));
    }
    if (!curve.isEmpty()) {
      CurvePoint ref = curve.get(0);
      CurvePoint best = curve.stream().filter(p -> p.step() == bestStep).findFirst().orElse(ref);
      sb.append(String.format(Locale.ROOT, "reference (step 0): NDCG@10 %.4f, Recall@10 %.4f, "
          + "reward %.4f; best at step %d: NDCG@10 %.4f, Recall@10 %.4f, reward %.4f%n",
          ref.valNdcg10(), ref.valRecall10(), ref.valReward(), best.step(), best.valNdcg10(),
          best.valRecall10(), best.valReward()));
      sb.append(String.format(Locale.ROOT,
          "%8s %6s %9s %9s %8s %8s %8s %8s %8s %8s %8s %8s%n", "seconds", "step", "NDCG@10",
          "Recall@10", "reward", "relev.", "ILD", "new", "in-hist", "loss", "margin", "acc"));
      for (CurvePoint p : curve) {
        sb.append(String.format(Locale.ROOT,
            "%8.1f %6d %9.4f %9.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.3f%n",
            p.seconds(), p.step(), p.valNdcg10(), p.valRecall10(), p.valReward(),
            p.valRelevance(), p.valDiversity(), p.valNewShare(), p.valHistoryShare(),
            p.trainLoss(), p.margin(), p.accuracy()));
      }
    }
    return sb.toString();
  }
}
