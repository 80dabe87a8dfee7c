package genrec.generator.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import genrec.generator.eval.RankingMetrics;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentKnnTest {
  // item 0 = (1,0), item 1 = (0,2) (not unit: normalised to (0,1)), item 2 = (1,1)/|.|,
  // item 3 = (-1,0), item 4 = (0,0) (no text vector: cosine 0 with everything)
  private static final float[] VECTORS = {1, 0, 0, 2, 3, 3, -1, 0, 0, 0};
  private static final float R = (float) Math.sqrt(0.5);

  @Test
  void cosinesOfTheNormalisedVectors() {
    ContentKnn c = ContentKnn.of(VECTORS, 2, ContentKnn.Options.defaults());
    assertEquals(5, c.numItems());
    assertEquals(0f, c.cosine(0, 1), 1e-6f);
    assertEquals(R, c.cosine(0, 2), 1e-6f);
    assertEquals(-1f, c.cosine(0, 3), 1e-6f);
    assertEquals(1f, c.cosine(1, 1), 1e-6f);
    assertEquals(0f, c.cosine(4, 2), 0f);
  }

  @Test
  void recencyWeightsAreNormalisedPowersOfTheDecay() {
    ContentKnn c = ContentKnn.of(VECTORS, 2, ContentKnn.Options.defaults());
    assertArrayEquals(new double[] {4 / 7.0, 2 / 7.0, 1 / 7.0}, c.weights(10), 1e-12);
    assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, c.weights(2), 1e-12);
    assertArrayEquals(new double[] {}, c.weights(0), 0);
  }

  @Test
  void scoresAreTheWeightedMeanCosineToTheLastItems() {
    ContentKnn c = ContentKnn.of(VECTORS, 2, new ContentKnn.Options(2, 0.5));
    float[] s = new float[5];
    // last two items: 1 (most recent, weight 2/3) and 0 (weight 1/3); item 3 is too old to count
    c.score(new int[] {3, 0, 1}, s);
    assertEquals(Float.NEGATIVE_INFINITY, s[0]);
    assertEquals(Float.NEGATIVE_INFINITY, s[1]);
    assertEquals(Float.NEGATIVE_INFINITY, s[3]);
    assertEquals(2 / 3.0 * R + 1 / 3.0 * R, s[2], 1e-6); // cos(2,1) = cos(2,0) = sqrt(1/2)
    assertEquals(0f, s[4], 0f);
    // with only item 3 seen: item 0 is opposite (-1), item 2 at -sqrt(1/2), item 1 orthogonal
    c.score(new int[] {3}, s);
    assertArrayEquals(new int[] {1, 4, 2, 0}, RankingMetrics.topK(s, 4));
    assertEquals(-1f, s[0], 1e-6f);
    assertEquals(-R, s[2], 1e-6f);
  }

  @Test
  void aPlainMeanWithDecayOneAndAnEmptyHistoryScoresZero() {
    ContentKnn mean = ContentKnn.of(new EmbeddingMatrix(List.of("a", "b", "c", "d", "e"), 2,
        VECTORS), new ContentKnn.Options(3, 1.0));
    float[] s = new float[5];
    mean.score(new int[] {0, 3, 1}, s); // (1,0) + (-1,0) + (0,1), each 1/3 → q = (0, 1/3)
    assertEquals(R / 3, s[2], 1e-6f);
    mean.score(new int[] {}, s);
    assertArrayEquals(new float[5], s);
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ContentKnn.Options(0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new ContentKnn.Options(3, 0));
    assertThrows(IllegalArgumentException.class, () -> new ContentKnn.Options(3, 1.5));
    assertThrows(IllegalArgumentException.class,
        () -> ContentKnn.of(new float[] {1, 2, 3}, 2, ContentKnn.Options.defaults()));
    assertThrows(IllegalArgumentException.class,
        () -> ContentKnn.of(new float[] {1, Float.NaN}, 2, ContentKnn.Options.defaults()));
    ContentKnn c = ContentKnn.of(VECTORS, 2, ContentKnn.Options.defaults());
    assertThrows(IllegalArgumentException.class, () -> c.score(new int[] {5}, new float[5]));
  }
}
