package genrec.cascade.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BloomFilterTest {
  @Test
  void sizingFollowsTheFormula() {
    BloomFilter f = BloomFilter.create(1000, 0.01);
    // m = ceil(1000 ln 100 / ln^2 2) = 9586 -> 9600 (multiple of 64); k = round(9.6 ln 2) = 7
    assertEquals(9600, f.bitCount());
    assertEquals(7, f.hashCount());
    assertEquals(1200, f.sizeBytes());
  }

  @Test
  void noFalseNegativesAndMeasuredRateNearConfigured() {
    for (double fpp : new double[] {0.01, 0.05}) {
      int n = 20_000;
      BloomFilter f = BloomFilter.create(n, fpp);
      Random rnd = new Random(42);
      String[] in = new String[n];
      for (int i = 0; i < n; i++) {
        in[i] = "item-" + rnd.nextInt(1 << 30) + "-" + i;
        f.put(in[i]);
      }
      for (String s : in) {
        assertTrue(f.mightContain(s), s);
      }
      int trials = 200_000;
      int fp = 0;
      for (int i = 0; i < trials; i++) {
        if (f.mightContain("other-" + i)) {
          fp++;
        }
      }
      double rate = (double) fp / trials;
      // loose bounds: sizing rounds up, so the rate sits near or below the configured one
      assertTrue(rate > fpp / 3 && rate < fpp * 1.5, "fpp " + fpp + " measured " + rate);
    }
  }

  @Test
  void badParametersNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BloomFilter.create(0, 0.01)).getMessage().contains("capacity=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BloomFilter.create(10, 1.5))
        .getMessage().contains("falsePositiveRate=1.5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BloomFilter.create(10, 0))
        .getMessage().contains("falsePositiveRate=0.0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BloomFilter.create(Integer.MAX_VALUE, 1e-9))
        .getMessage().contains("more than 2^31"));
  }
}
