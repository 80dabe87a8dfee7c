package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.Progress;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real pretrained encoder, loaded once from the bundled classpath resources (offline). */
class MiniLmEncoderTest {
  private static MiniLmEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = MiniLmEncoder.builder().build();
  }

  @AfterAll
  static void close() {
    if (encoder != null) {
      encoder.close();
    }
  }

  @Test
  void tokenizerGivesBertIds() {
    // bert-base-uncased vocabulary: [CLS]=101, hello=7592, world=2088, [SEP]=102
    assertArrayEquals(new long[] {101, 7592, 2088, 102}, encoder.tokenIds("Hello world"));
    // lower-casing and WordPiece: "lipstick" is split as lip ##stick
    long[] ids = encoder.tokenIds("LIPSTICK");
    assertEquals(101, ids[0]);
    assertEquals(102, ids[ids.length - 1]);
    assertArrayEquals(ids, encoder.tokenIds("lipstick"));
  }

  @Test
  void tokenizerTruncatesToMaxLength() {
    String longText = "word ".repeat(1000);
    long[] ids = encoder.tokenIds(longText);
    assertEquals(MiniLmEncoder.DEFAULT_MAX_LENGTH, ids.length);
    assertEquals(101, ids[0]);
    assertEquals(102, ids[ids.length - 1]);
    float[][] v = encoder.encode(List.of(longText, "short"));
    assertEquals(1.0, norm(v[0]), 1e-5);
  }

  @Test
  void poolingMatchesSlowReferenceWithPadding() {
    List<String> texts =
        List.of(
            "Hello world",
            "A much longer sentence about a red matte lipstick with a long lasting formula",
            "hair dryer",
            "x");
    long[][] ids = encoder.tokenize(texts);
    MiniLmEncoder.TokenBatch batch = MiniLmEncoder.padBatch(ids);
    assertTrue(batch.tokens() > ids[0].length, "the batch must contain padding");
    MiniLmEncoder.TokenOutputs raw = encoder.run(batch);
    float[][] pooled = MiniLmEncoder.pool(raw);
    int t = batch.tokens();
    int h = MiniLmEncoder.DIM;
    for (int i = 0; i < texts.size(); i++) {
      // reference: average the rows of real tokens (known from the unpadded ids), in double
      double[] mean = new double[h];
      int real = ids[i].length;
      for (int j = 0; j < real; j++) {
        assertEquals(1L, batch.mask()[i * t + j]);
        for (int k = 0; k < h; k++) {
          mean[k] += raw.hidden()[(i * t + j) * h + k] / (double) real;
        }
      }
      for (int j = real; j < t; j++) {
        assertEquals(0L, batch.mask()[i * t + j]);
      }
      double n = 0;
      for (double m : mean) {
        n += m * m;
      }
      n = Math.sqrt(n);
      for (int k = 0; k < h; k++) {
        assertEquals(mean[k] / n, pooled[i][k], 1e-5, "text " + i + " dim " + k);
      }
    }
    // padded token outputs are not zero, so a pooling that ignored the mask would differ
    boolean padDiffers = false;
    for (int j = ids[0].length; j < t; j++) {
      if (raw.hidden()[(0 * t + j) * h] != 0f) {
        padDiffers = true;
      }
    }
    assertTrue(padDiffers, "padding outputs are expected to be non-zero");
  }

  @Test
  void vectorsAreUnitLength384d() {
    float[][] v = encoder.encode(List.of("OPI Nail Lacquer, Simmer and Shimmer", ""));
    assertEquals(2, v.length);
    for (float[] x : v) {
      assertEquals(384, x.length);
      assertEquals(1.0, norm(x), 1e-5);
    }
  }

  @Test
  void similarTitlesAreCloser() {
    float[][] v =
        encoder.encode(
            List.of(
                "Maybelline Color Sensational Lipstick, Red Revival",
                "L'Oreal Paris Colour Riche Lipstick, Fairest Nude",
                "Conair 1875 Watt Cord-Keeper Hair Dryer"));
    double lipLip = dot(v[0], v[1]);
    double lipDryer = dot(v[0], v[2]);
    double lip2Dryer = dot(v[1], v[2]);
    assertTrue(lipLip > lipDryer + 0.1, "lipstick/lipstick " + lipLip + " vs dryer " + lipDryer);
    assertTrue(lipLip > lip2Dryer + 0.1, "lipstick/lipstick " + lipLip + " vs " + lip2Dryer);
  }

  @Test
  void encodeListEqualsOneAtATime() {
    List<String> texts = mixedLengthTexts();
    float[][] all = encoder.encode(texts); // default batch size 1: exact
    for (int i = 0; i < texts.size(); i++) {
      float[] single = encoder.encode(List.of(texts.get(i)))[0];
      assertArrayEquals(single, all[i], "text " + i);
    }
  }

  @Test
  void batchedRestoresInputOrder() {
    List<String> texts = mixedLengthTexts();
    float[][] single = encoder.encode(texts, 1, Progress.silent());
    float[][] batched = encoder.encode(texts, 4, Progress.silent());
    for (int i = 0; i < texts.size(); i++) {
      // per-tensor dynamic quantization perturbs batched vectors slightly ...
      double own = dot(single[i], batched[i]);
      assertTrue(own > 0.97, "text " + i + " cosine to its own single vector " + own);
      // ... but each batched row is still nearest to its own text's vector
      for (int j = 0; j < texts.size(); j++) {
        if (j != i) {
          assertTrue(
              dot(single[j], batched[i]) < own, "row " + i + " is closer to text " + j + ": order");
        }
      }
    }
    // a batch of one repeated text is not perturbed at all
    String t = texts.get(5);
    float[][] same = encoder.encode(List.of(t, t, t), 3, Progress.silent());
    assertArrayEquals(single[5], same[0], 1e-6f);
    assertArrayEquals(single[5], same[2], 1e-6f);
    // a fixed list and batch size is deterministic
    assertArrayEquals(batched[3], encoder.encode(texts, 4, Progress.silent())[3]);
  }

  /** Twelve distinct texts of 4 to 40 tokens, lengths interleaved so sorting reorders them. */
  private static List<String> mixedLengthTexts() {
    String[] products = {
      "gentle foaming facial cleanser", "red matte lipstick", "ceramic hair straightener",
      "coconut body lotion", "waterproof black mascara", "nail polish remover pads"
    };
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      texts.add(products[i % products.length] + " with extra details".repeat((i * 7) % 5));
    }
    return texts;
  }

  @Test
  void embedCatalogKeepsCatalogOrder() {
    Catalog catalog =
        new Catalog(
            List.of(
                Item.of("b", "Conair hair dryer"),
                Item.of("a", "Red lipstick"),
                new Item("c", "Lip balm", "", List.of("Beauty", "Lips"), List.of())));
    EmbeddingMatrix m = encoder.embed(catalog, 2, Progress.silent());
    assertEquals(List.of("b", "a", "c"), m.ids());
    assertEquals(384, m.dim());
    float[][] direct = encoder.encode(catalog.embeddingTexts(), 2, Progress.silent());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(direct[i], m.row(i));
    }
  }

  @Test
  void builderRejectsBadSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MiniLmEncoder.builder().optMaxLength(1000).build());
    assertTrue(e.getMessage().contains("maxLength=1000"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> encoder.encode(List.of("a"), 0, Progress.silent()));
    assertEquals(0, encoder.encode(List.of()).length);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }
}
