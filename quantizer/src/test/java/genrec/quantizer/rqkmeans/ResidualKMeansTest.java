package genrec.quantizer.rqkmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.QuantizerFiles;
import genrec.quantizer.sid.TestEmbeddings;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidualKMeansTest {
  @TempDir Path tmp;

  private static final EmbeddingMatrix DATA = TestEmbeddings.clusters(1000, 12, 8, 21);

  private static ResidualKMeans.Result fit(ResidualKMeansConfig cfg, long seed) {
    return ResidualKMeans.builder().setConfig(cfg).setSeed(seed).build().fit(DATA);
  }

  @Test
  void findsClustersAndLevelsReduceError() {
    ResidualKMeansConfig one = ResidualKMeansConfig.tiny().toBuilder().setLevels(1).build();
    ResidualKMeans.Result r1 = fit(one, 1);
    ResidualKMeans.Result r3 = fit(ResidualKMeansConfig.tiny(), 1);
    double e1 = r1.model().reconstructionMse(DATA);
    double e3 = r3.model().reconstructionMse(DATA);
    // 8 clusters (unit-Gaussian centres, noise 0.3): one level must remove most of the variance
    double var = variance(DATA);
    assertTrue(e1 < 0.25 * var, "one level mse " + e1 + " vs variance " + var);
    assertTrue(e3 < e1 * 0.9, "three levels " + e3 + " vs one " + e1);
    // nearest-centroid model codes equal the training codes without balancing
    assertArrayEquals(r3.codes(), r3.model().encode(DATA));
  }

  @Test
  void sameSeedSameModelAndThreadCountDoesNotMatter() {
    ResidualKMeans.Result a = fit(ResidualKMeansConfig.tiny(), 7);
    ResidualKMeans.Result b =
        fit(ResidualKMeansConfig.tiny().toBuilder().optThreads(1).build(), 7);
    assertArrayEquals(a.codes(), b.codes());
    for (int l = 0; l < 3; l++) {
      assertArrayEquals(a.model().centroids(l), b.model().centroids(l), 0f);
    }
  }

  @Test
  void saveLoadRoundTrip() {
    ResidualKMeans.Result r = fit(ResidualKMeansConfig.tiny(), 3);
    Path dir = tmp.resolve("rqk");
    r.model().save(dir);
    assertEquals("rqkmeans", QuantizerFiles.kindOf(dir));
    ResidualKMeansModel back = ResidualKMeansModel.load(dir);
    assertEquals(r.model().config(), back.config());
    assertEquals(3, back.seed());
    assertEquals(r.model().dataFingerprint(), back.dataFingerprint());
    assertArrayEquals(r.model().encode(DATA), back.encode(DATA));
    assertArrayEquals(r.model().reconstruct(r.codes()), back.reconstruct(r.codes()), 0f);
    assertThrows(RuntimeException.class, () -> genrec.quantizer.rqvae.RqVaeModel.load(dir));
  }

  @Test
  void balancedModeGivesNearEqualClusters() {
    // very unequal natural clusters: 70% of rows in one blob
    Random rnd = new Random(5);
    int n = 800;
    int d = 6;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      boolean big = i < 560;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) ((big ? 0 : 5 + (i % 3)) + rnd.nextGaussian() * 0.5);
      }
    }
    EmbeddingMatrix m =
        new EmbeddingMatrix(java.util.stream.IntStream.range(0, n).mapToObj(i -> "r" + i)
            .toList(), d, x);
    ResidualKMeansConfig cfg = ResidualKMeansConfig.tiny().toBuilder().setLevels(2).build();
    ResidualKMeans.Result plain = ResidualKMeans.builder().setConfig(cfg).setSeed(1).build().fit(m);
    ResidualKMeans.Result bal = ResidualKMeans.builder()
        .setConfig(cfg.toBuilder().optBalanced(true).build()).setSeed(1).build().fit(m);
    for (int l = 0; l < 2; l++) {
      int[] sp = sizes(plain.codes(), l, 8);
      int[] sb = sizes(bal.codes(), l, 8);
      int maxB = java.util.Arrays.stream(sb).max().orElseThrow();
      int minB = java.util.Arrays.stream(sb).min().orElseThrow();
      assertTrue(maxB - minB <= 1, "balanced sizes " + java.util.Arrays.toString(sb));
      int maxP = java.util.Arrays.stream(sp).max().orElseThrow();
      int minP = java.util.Arrays.stream(sp).min().orElseThrow();
      if (l == 0) {
        assertTrue(maxP - minP > 20, "plain sizes should be unequal " + java.util.Arrays.toString(sp));
      }
    }
  }

  @Test
  void balancedAssignmentIsCapacityConstrained() {
    // 5 rows, 2 centroids, all rows nearest to centroid 0: capacity ceil(5/2) = 3
    float[] x = {0, 0.1f, 0.2f, 0.3f, 0.4f};
    float[] c = {0, 10};
    int[] a = new int[5];
    KMeans.assignBalanced(x, 5, 1, c, 2, a, 1);
    assertArrayEquals(new int[] {0, 0, 0, 1, 1}, a);
  }

  @Test
  void configValidates() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResidualKMeansConfig.builder().setLevels(0).optThreads(0).build());
    assertTrue(e.getMessage().contains("levels=0") && e.getMessage().contains("threads=0"));
    assertThrows(IllegalStateException.class,
        () -> ResidualKMeans.builder().setConfig(ResidualKMeansConfig.tiny()).build());
    float[] x = {0, 1, Float.NaN, 3};
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> ResidualKMeans.builder().setConfig(ResidualKMeansConfig.tiny()).setSeed(1).build()
            .fit(new EmbeddingMatrix(java.util.List.of("a", "b"), 2, x)));
    assertTrue(nan.getMessage().contains("item 'b'") && nan.getMessage().contains("column 0"),
        nan.getMessage());
  }

  private static double variance(EmbeddingMatrix m) {
    int d = m.dim();
    double[] mean = new double[d];
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += m.data()[i * d + j] / m.rows();
      }
    }
    double s = 0;
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < d; j++) {
        double t = m.data()[i * d + j] - mean[j];
        s += t * t;
      }
    }
    return s / m.data().length;
  }

  private static int[] sizes(int[][] codes, int level, int k) {
    int[] s = new int[k];
    for (int[] row : codes) {
      s[row[level]]++;
    }
    return s;
  }
}
