package genrec.cascade.rank.train;

import genrec.cascade.rank.model.RankerModel;
import java.util.List;

/**
 * What a {@link RankerTrainer} run gives back.
 *
 * @param model the model of the best epoch (by the first task's validation AUC); the caller
 *     closes it (native memory)
 * @param initial validation metrics of the seeded random initial weights (epoch 0, train loss
 *     NaN)
 * @param epochs per epoch 1, 2, ... its mean train loss and validation metrics
 * @param bestEpoch the epoch whose weights {@code model} holds
 * @param bestValAuc the first task's validation AUC at {@code bestEpoch}
 * @param seconds training wall time, over resumed sessions too
 * @param stopReason {@code done} or why the run stopped early
 */
public record RankTrainResult(
    RankerModel model,
    EpochStats initial,
    List<EpochStats> epochs,
    int bestEpoch,
    double bestValAuc,
    double seconds,
    String stopReason) {

  public RankTrainResult {
    epochs = List.copyOf(epochs);
  }

  /**
   * One epoch's numbers.
   *
   * @param epoch 1-based (0 = before training)
   * @param trainLoss mean masked BCE over the epoch's batches (NaN for epoch 0)
   * @param valAuc per task validation AUC over rows with a known label (NaN without both classes)
   * @param valGauc per task validation GAUC (groups = queries)
   */
  public record EpochStats(int epoch, double trainLoss, List<Double> valAuc,
      List<Double> valGauc) {
    public EpochStats {
      valAuc = List.copyOf(valAuc);
      valGauc = List.copyOf(valGauc);
    }
  }
}
