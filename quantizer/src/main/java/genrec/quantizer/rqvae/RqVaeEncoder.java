package genrec.quantizer.rqvae;

import java.util.ArrayList;
import java.util.List;

/**
 * The RQ-VAE encoder: an MLP {@code D -> hidden[0] -> ... -> hidden[n-1] -> Z} with the configured
 * activation between layers and a linear latent.
 *
 * <p>Shape legend: B batch, D input dimension, Z latent dimension. Input {@code (B, D)}, output
 * {@code (B, Z)}.
 */
public final class RqVaeEncoder extends MlpBlock {

  /** An encoder for {@code config}'s hidden widths and latent size. */
  public RqVaeEncoder(RqVaeConfig config) {
    super(widths(config), config.activation());
  }

  private static List<Integer> widths(RqVaeConfig c) {
    List<Integer> w = new ArrayList<>(c.hiddenDims());
    w.add(c.latentDim());
    return w;
  }
}
