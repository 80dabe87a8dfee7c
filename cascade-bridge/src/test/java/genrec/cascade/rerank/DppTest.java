package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DppTest {
  static float[][] unitVectors(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] v = new float[n][dim];
    for (float[] x : v) {
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        x[d] = (float) rnd.nextGaussian();
        norm += x[d] * x[d];
      }
      for (int d = 0; d < dim; d++) {
        x[d] /= (float) Math.sqrt(norm);
      }
    }
    return v;
  }

  static Candidates randomCase(int n, int dim, long seed) {
    Random rnd = new Random(seed + 1);
    double[] scores = IntStream.range(0, n).mapToDouble(i -> rnd.nextGaussian()).toArray();
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
    return Candidates.builder().setIds(ids).setScores(scores)
        .optSimilarity(MatrixSimilarity.copyOf(TextVectorSimilarity.of(unitVectors(n, dim, seed)))).build();
  }

  /** Determinant by Gaussian elimination with partial pivoting: the slow reference. */
  static double det(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double det = 1;
    for (int col = 0; col < n; col++) {
      int p = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[p][col])) {
          p = r;
        }
      }
      if (p != col) {
        double[] t = m[p];
        m[p] = m[col];
        m[col] = t;
        det = -det;
      }
      if (m[col][col] == 0) {
        return 0;
      }
      det *= m[col][col];
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        for (int c = col; c < n; c++) {
          m[r][c] -= f * m[col][c];
        }
      }
    }
    return det;
  }

  /**
   * The slow greedy: every step, det of L over (the last {@code window} picks, or all) plus each
   * candidate, L = diag(q) S diag(q), q = exp(alpha * score); the argmax is the next pick.
   */
  static int[] slowGreedy(Candidates c, double theta, int window, int k) {
    int n = c.size();
    double alpha = theta / (2 * (1 - theta));
    double[][] s = new double[n][n];
    for (int j = 0; j < n; j++) {
      c.similarity().row(j, s[j]);
    }
    List<Integer> picks = new ArrayList<>();
    for (int step = 0; step < k; step++) {
      List<Integer> base = window == 0 ? picks : picks.subList(Math.max(0, picks.size() - window), picks.size());
      int best = -1;
      double bestLogDet = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (picks.contains(i)) {
          continue;
        }
        List<Integer> y = new ArrayList<>(base);
        y.add(i);
        double[][] l = new double[y.size()][y.size()];
        for (int a = 0; a < y.size(); a++) {
          for (int b = 0; b < y.size(); b++) {
            l[a][b] = Math.exp(alpha * c.score(y.get(a))) * s[y.get(a)][y.get(b)] * Math.exp(alpha * c.score(y.get(b)));
          }
        }
        double logDet = Math.log(det(l));
        if (logDet > bestLogDet) {
          bestLogDet = logDet;
          best = i;
        }
      }
      picks.add(best);
    }
    return picks.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void greedyEqualsBruteForceArgmaxOfLogDetAtEveryStep() {
    for (long seed = 1; seed <= 5; seed++) {
      Candidates c = randomCase(14, 10, seed);
      for (double theta : new double[] {0.0, 0.5, 0.8}) {
        Dpp dpp = Dpp.builder().optTheta(theta).build();
        RerankResult r = dpp.rerank(c, 8);
        assertArrayEquals(slowGreedy(c, theta, 0, 8), r.order(), "seed " + seed + " theta " + theta);
        assertTrue(r.notes().isEmpty(), r.notes().toString());
      }
    }
  }

  @Test
  void slidingWindowEqualsSlowReference() {
    for (long seed = 11; seed <= 15; seed++) {
      Candidates c = randomCase(20, 6, seed);
      for (int window : new int[] {1, 2, 3, 5}) {
        Dpp dpp = Dpp.builder().optTheta(0.6).optWindow(window).build();
        // K = 12 > dimension 6: without the window the kernel would run out of rank
        RerankResult r = dpp.rerank(c, 12);
        assertArrayEquals(slowGreedy(c, 0.6, window, 12), r.order(), "seed " + seed + " window " + window);
        assertTrue(r.notes().isEmpty(), r.notes().toString());
      }
    }
  }

  @Test
  void windowAtLeastKIsTheWholeSet() {
    Candidates c = randomCase(14, 10, 3);
    assertArrayEquals(Dpp.builder().build().rerank(c, 6).order(), Dpp.builder().optWindow(6).build().rerank(c, 6).order());
    assertArrayEquals(Dpp.builder().build().rerank(c, 6).order(), Dpp.builder().optWindow(60).build().rerank(c, 6).order());
  }

  @Test
  void firstPickIsTheTopScoreAndDuplicatesAreSpreadOut() {
    // a and a' are the same item twice; with b, c orthogonal, diversity puts b and c before a'
    float[][] v = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    Candidates c = Candidates.builder().setIds(List.of("a", "a'", "b", "c")).setScores(new double[] {3, 2.9, 1, 0.5})
        .optSimilarity(TextVectorSimilarity.of(v)).build();
    RerankResult r = Dpp.builder().optTheta(0.5).build().rerank(c, 4);
    assertEquals(List.of("a", "b", "c", "a'"), r.ids());
    // the last slot: a' adds nothing to the determinant, placed by score and noted
    assertEquals(1, r.notes().size());
    assertTrue(r.notes().get(0).startsWith("slot 3: DPP kernel exhausted"), r.notes().get(0));
  }

  @Test
  void kernelFromSemanticIdsAndRules() {
    // five items in two c1 groups; max 1 consecutive per group forces alternation
    int[][] codes = {{1, 1, 1, 0}, {1, 1, 2, 0}, {1, 2, 1, 0}, {2, 1, 1, 0}, {2, 1, 2, 0}};
    Candidates c = Candidates.builder().setIds(List.of("a", "b", "c", "d", "e")).setScores(new double[] {5, 4, 3, 2, 1})
        .optSimilarity(SemanticIdSimilarity.of(codes, 0.25, 0.5))
        .optLabel("c1", List.of("1", "1", "1", "2", "2")).build();
    RerankResult r = Dpp.builder().optTheta(0.9).build().rerank(c, 5, List.of(MaxConsecutive.of("c1", 1)));
    String groups = r.ids().stream().map(id -> "abc".contains(id) ? "1" : "2").reduce("", String::concat);
    assertEquals("12121", groups);
  }

  @Test
  void badParametersNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Dpp.builder().optTheta(1).build())
        .getMessage().contains("theta=1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Dpp.builder().optTheta(Double.NaN).build())
        .getMessage().contains("theta=NaN"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Dpp.builder().optWindow(-1).build())
        .getMessage().contains("window=-1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Dpp.builder().optEpsilon(0).build())
        .getMessage().contains("epsilon=0.0"));
    assertEquals(0.5, Dpp.builder().optTheta(0.5).build().alpha(), 1e-15);
  }
}
