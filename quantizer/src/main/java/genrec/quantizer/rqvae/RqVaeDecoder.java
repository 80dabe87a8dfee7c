package genrec.quantizer.rqvae;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The RQ-VAE decoder, mirroring the encoder: {@code Z -> hidden[n-1] -> ... -> hidden[0] -> D},
 * linear output.
 *
 * <p>Shape legend: B batch, Z latent dimension, D output (= input) dimension. Input {@code (B,
 * Z)}, output {@code (B, D)}.
 */
public final class RqVaeDecoder extends MlpBlock {

  /** A decoder for {@code config}'s hidden widths (reversed) and input dimension. */
  public RqVaeDecoder(RqVaeConfig config) {
    super(widths(config), config.activation());
  }

  private static List<Integer> widths(RqVaeConfig c) {
    List<Integer> w = new ArrayList<>(c.hiddenDims());
    Collections.reverse(w);
    w.add(c.inputDim());
    return w;
  }
}
