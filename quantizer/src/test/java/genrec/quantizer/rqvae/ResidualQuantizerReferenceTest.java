package genrec.quantizer.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The DJL residual quantizer with fixed codebooks against a slow plain-Java reference. */
class ResidualQuantizerReferenceTest {
  @org.junit.jupiter.api.BeforeAll
  static void singleThreadedTorch() {
    genrec.quantizer.sid.TorchThreads.single();
  }

  private static final int L = 3;
  private static final int K = 5;
  private static final int Z = 4;
  private static final int B = 7;

  @Test
  void forwardMatchesPlainJavaReference() {
    Random rnd = new Random(42);
    float[][] books = new float[L][K * Z];
    for (int l = 0; l < L; l++) {
      for (int i = 0; i < K * Z; i++) {
        books[l][i] = (float) (rnd.nextGaussian() / (l + 1));
      }
    }
    float[] z = new float[B * Z];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) rnd.nextGaussian();
    }

    // reference: nearest code per level on the residual, losses as means over the batch
    int[] refCodes = new int[B * L];
    float[] refQuant = new float[B * Z];
    double refCb = 0;
    for (int b = 0; b < B; b++) {
      float[] r = new float[Z];
      System.arraycopy(z, b * Z, r, 0, Z);
      for (int l = 0; l < L; l++) {
        int best = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < K; k++) {
          double d = 0;
          for (int j = 0; j < Z; j++) {
            double t = r[j] - books[l][k * Z + j];
            d += t * t;
          }
          if (d < bestD) {
            bestD = d;
            best = k;
          }
        }
        refCodes[b * L + l] = best;
        refCb += bestD / B;
        for (int j = 0; j < Z; j++) {
          refQuant[b * Z + j] += books[l][best * Z + j];
          r[j] -= books[l][best * Z + j];
        }
      }
    }

    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      ResidualQuantizer rq = new ResidualQuantizer(L, K, Z);
      rq.initialize(m, DataType.FLOAT32, new Shape(B, Z));
      for (int l = 0; l < L; l++) {
        rq.setCodebook(l, books[l]);
      }
      NDArray zin = m.create(z, new Shape(B, Z)); // (B, Z)
      NDList out = rq.forward(new ParameterStore(m, false), new NDList(zin), false);
      assertArrayEquals(new long[] {B, L}, out.get(1).getShape().getShape());
      long[] codes = out.get(1).toLongArray(); // (B, L)
      for (int i = 0; i < B * L; i++) {
        assertEquals(refCodes[i], (int) codes[i], "code " + i);
      }
      assertArrayEquals(refQuant, out.get(0).toFloatArray(), 1e-5f); // (B, Z)
      // codebook and commitment losses have the same value (they differ only in gradients)
      assertEquals(refCb, out.get(2).getFloat(), 1e-4);
      assertEquals(refCb, out.get(3).getFloat(), 1e-4);
      // lookup(codes) is the quantized vector
      assertArrayEquals(
          refQuant, rq.lookup(new ParameterStore(m, false), out.get(1)).toFloatArray(), 1e-5f);
    }
  }
}
