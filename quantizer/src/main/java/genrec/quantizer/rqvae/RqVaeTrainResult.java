package genrec.quantizer.rqvae;

import genrec.quantizer.sid.CodebookStats;
import java.util.List;

/**
 * What {@link RqVaeTrainer#train} returns.
 *
 * @param model the trained model (close it when done)
 * @param codes the training rows' codes from the final model, {@code (N, L)}
 * @param history one entry per epoch
 * @param codebookStats utilisation and perplexity per level of {@code codes}
 * @param reconstructionMse mean squared error per element of the final model on the training data
 * @param deadCodeResets codes re-seeded over the whole run
 * @param seconds wall time of training (without the final encode)
 */
public record RqVaeTrainResult(
    RqVaeModel model,
    int[][] codes,
    List<EpochStats> history,
    List<CodebookStats> codebookStats,
    double reconstructionMse,
    int deadCodeResets,
    double seconds) {

  /**
   * Per-epoch training numbers (means over the epoch's batches).
   *
   * @param epoch 0-based epoch
   * @param reconstructionLoss squared L2 reconstruction error per row
   * @param codebookLoss codebook loss summed over levels
   * @param commitmentLoss commitment loss summed over levels (before β)
   * @param utilisation per level, share of codes used during the epoch
   * @param perplexity per level, perplexity of the codes used during the epoch
   * @param deadCodeResets codes re-seeded during the epoch
   */
  public record EpochStats(
      int epoch,
      double reconstructionLoss,
      double codebookLoss,
      double commitmentLoss,
      double[] utilisation,
      double[] perplexity,
      int deadCodeResets) {}

  /** The first epoch's reconstruction loss, or NaN without epochs. */
  public double firstReconstructionLoss() {
    return history.isEmpty() ? Double.NaN : history.get(0).reconstructionLoss();
  }

  /** The last epoch's reconstruction loss, or NaN without epochs. */
  public double lastReconstructionLoss() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).reconstructionLoss();
  }
}
