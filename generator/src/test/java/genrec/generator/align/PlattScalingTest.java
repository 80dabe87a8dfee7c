package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.generator.data.LeaveOneOutSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlattScalingTest {
  @Test
  void aucOfAKnownCase() {
    // positives 0.35, 0.8; negatives 0.1, 0.4: 3 of 4 (pos, neg) pairs ordered right
    double[] s = {0.1, 0.4, 0.35, 0.8};
    boolean[] y = {false, false, true, true};
    assertEquals(0.75, PlattScaling.auc(s, y), 1e-12);
    // ties count one half: 0.5 vs 0.5 and 0.5 > 0.2
    assertEquals(0.75, PlattScaling.auc(new double[] {0.5, 0.5, 0.2},
        new boolean[] {true, false, false}), 1e-12);
    assertEquals(1.0, PlattScaling.auc(new double[] {0, 1}, new boolean[] {false, true}));
  }

  @Test
  void fitRecoversTheGeneratingLogistic() {
    Random r = new Random(1);
    int n = 20_000;
    double[] x = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
      y[i] = r.nextDouble() < PlattScaling.sigmoid(2 * x[i] - 1);
    }
    PlattScaling p = PlattScaling.fit(x, y);
    assertEquals(2, p.a(), 0.1);
    assertEquals(-1, p.b(), 0.1);
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = p.probability(x[i]);
    }
    double[] half = new double[n];
    java.util.Arrays.fill(half, 0.5);
    assertTrue(PlattScaling.logLoss(q, y) < PlattScaling.logLoss(half, y));
    assertEquals(Math.log(2), PlattScaling.logLoss(half, y), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> PlattScaling.fit(new double[] {1, 2}, new boolean[] {true, true}));
  }

  @Test
  void knnRewardIsCalibratedBetterThanChanceAndRoundTrips(@TempDir Path dir) {
    LeaveOneOutSplit split = AlignFixtures.split();
    KnnRewardModel m = KnnRewardModel.fit(split.train(), split.numItems(), split.validation(),
        KnnRewardModel.Settings.defaults(5), 1);
    KnnRewardModel.Calibration c = m.calibration();
    assertEquals(split.validation().size(), c.cases());
    assertEquals(5 * c.cases(), c.pairs());
    assertTrue(c.auc() > 0.6, c.summary()); // the synthetic data has item-to-item structure
    assertTrue(c.logLoss() < c.baseLogLoss(), c.summary());
    float[] p = m.score(split.train().get(0), new int[] {0, 1, 2, split.train().get(0)[0]});
    for (float v : p) {
      assertTrue(v > 0 && v < 1, "a probability: " + v);
    }
    Path f = dir.resolve("reward-model.json");
    m.save(f);
    KnnRewardModel back = KnnRewardModel.load(f, split.train(), split.numItems(), 1);
    assertEquals(m.platt(), back.platt());
    assertEquals(c, back.calibration());
    int[] items = {3, 7, 11};
    org.junit.jupiter.api.Assertions.assertArrayEquals(m.score(split.train().get(3), items),
        back.score(split.train().get(3), items));
    java.util.List<int[]> other = new java.util.ArrayList<>(split.train());
    other.set(0, new int[] {1, 2, 3});
    assertTrue(assertThrows(RuntimeException.class,
        () -> KnnRewardModel.load(f, other, split.numItems(), 1)).getMessage()
        .contains("fitted on other training data"));
    assertTrue(Files.exists(f));
  }
}
