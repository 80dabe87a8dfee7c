package genrec.quantizer.rqkmeans;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plain-Java k-means on row-major float matrices: k-means++ seeding, Lloyd iterations,
 * nearest-centroid and capacity-constrained (balanced) assignment. Used by {@link
 * ResidualKMeans} and by the RQ-VAE trainer to initialise codebooks.
 *
 * <p>Shape legend: N rows, D dimension, K centroids. Rows are split over {@code threads} workers;
 * each row is computed independently and sums are accumulated in row order, so results do not
 * depend on the thread count.
 */
public final class KMeans {
  private KMeans() {}

  /**
   * k-means++ seeding: the first centroid uniformly, then each next one with probability
   * proportional to its squared distance to the nearest chosen centroid. With fewer distinct rows
   * than {@code k}, remaining centroids repeat rows (they will then simply stay unused).
   *
   * @return {@code (K, D)} centroids, row-major
   */
  public static float[] plusPlus(float[] x, int n, int d, int k, Random rnd) {
    check(x, n, d, k);
    float[] c = new float[k * d]; // (K, D)
    double[] best = new double[n]; // (N) squared distance to the nearest chosen centroid
    int first = rnd.nextInt(n);
    System.arraycopy(x, first * d, c, 0, d);
    for (int i = 0; i < n; i++) {
      best[i] = dist2(x, i * d, c, 0, d);
    }
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += best[i];
      }
      int pick;
      if (total <= 0) {
        pick = rnd.nextInt(n);
      } else {
        double u = rnd.nextDouble() * total;
        pick = n - 1;
        double acc = 0;
        for (int i = 0; i < n; i++) {
          acc += best[i];
          if (acc >= u && best[i] > 0) {
            pick = i;
            break;
          }
        }
      }
      System.arraycopy(x, pick * d, c, j * d, d);
      int off = j * d;
      for (int i = 0; i < n; i++) {
        double dd = dist2(x, i * d, c, off, d);
        if (dd < best[i]) {
          best[i] = dd;
        }
      }
    }
    return c;
  }

  /**
   * Lloyd's algorithm from k-means++ seeds.
   *
   * @param balanced when true every iteration uses {@link #assignBalanced} (cluster sizes at most
   *     {@code ceil(N/K)}); otherwise nearest-centroid assignment
   * @param assign receives the final assignment {@code (N)}
   * @return {@code (K, D)} centroids
   */
  public static float[] fit(
      float[] x,
      int n,
      int d,
      int k,
      int iterations,
      boolean balanced,
      Random rnd,
      int threads,
      int[] assign) {
    float[] c = plusPlus(x, n, d, k, rnd); // (K, D)
    float[] dist = new float[n]; // (N)
    for (int it = 0; it < iterations; it++) {
      if (balanced) {
        assignBalanced(x, n, d, c, k, assign, threads);
      } else {
        assignNearest(x, n, d, c, k, assign, dist, threads);
      }
      if (!update(x, n, d, c, k, assign)) {
        break;
      }
    }
    if (balanced) {
      assignBalanced(x, n, d, c, k, assign, threads);
    } else {
      assignNearest(x, n, d, c, k, assign, null, threads);
    }
    return c;
  }

  /**
   * Recomputes centroids as means of their rows; an empty cluster takes the row farthest from its
   * centroid. Returns false when nothing moved.
   */
  static boolean update(float[] x, int n, int d, float[] c, int k, int[] assign) {
    double[] sum = new double[k * d]; // (K, D)
    int[] count = new int[k]; // (K)
    for (int i = 0; i < n; i++) {
      int a = assign[i];
      count[a]++;
      int xo = i * d;
      int so = a * d;
      for (int j = 0; j < d; j++) {
        sum[so + j] += x[xo + j];
      }
    }
    boolean moved = false;
    boolean[] taken = new boolean[n];
    for (int a = 0; a < k; a++) {
      int so = a * d;
      if (count[a] == 0) {
        int far = -1;
        double farD = -1;
        for (int i = 0; i < n; i++) {
          if (taken[i]) {
            continue;
          }
          double dd = dist2(x, i * d, c, assign[i] * d, d);
          if (dd > farD) {
            farD = dd;
            far = i;
          }
        }
        if (far >= 0 && farD > 0) {
          taken[far] = true;
          System.arraycopy(x, far * d, c, so, d);
          moved = true;
        }
        continue;
      }
      for (int j = 0; j < d; j++) {
        float v = (float) (sum[so + j] / count[a]);
        if (v != c[so + j]) {
          moved = true;
        }
        c[so + j] = v;
      }
    }
    return moved;
  }

  /** Index of the nearest centroid to row {@code row} of {@code x} (ties: lowest index). */
  public static int nearest(float[] x, int row, int d, float[] c, int k) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    int xo = row * d;
    for (int a = 0; a < k; a++) {
      double dd = dist2(x, xo, c, a * d, d);
      if (dd < bestD) {
        bestD = dd;
        best = a;
      }
    }
    return best;
  }

  /** Nearest-centroid assignment of every row; {@code dist} (optional) gets the squared distance. */
  public static void assignNearest(
      float[] x, int n, int d, float[] c, int k, int[] assign, float[] dist, int threads) {
    parallel(
        n,
        threads,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            int a = nearest(x, i, d, c, k);
            assign[i] = a;
            if (dist != null) {
              dist[i] = (float) dist2(x, i * d, c, a * d, d);
            }
          }
        });
  }

  /**
   * Capacity-constrained greedy assignment: every (row, centroid) pair is sorted by distance and
   * taken in that order when the row is still free and the centroid holds fewer than {@code
   * ceil(N/K)} rows. Every row is assigned (total capacity is at least N); cluster sizes differ by
   * at most {@code ceil(N/K) - floor(N/K)} apart from the last clusters to fill. Ties break by row,
   * then centroid index, so the result is deterministic.
   */
  public static void assignBalanced(
      float[] x, int n, int d, float[] c, int k, int[] assign, int threads) {
    long pairs = (long) n * k;
    if (pairs > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "balanced assignment supports N*K < 2^32 pairs, got N=" + n + " x K=" + k);
    }
    long[] keys = new long[(int) Math.min(Integer.MAX_VALUE - 8, pairs)];
    if (pairs > keys.length) {
      throw new IllegalArgumentException("N=" + n + " x K=" + k + " is too large to balance");
    }
    parallel(
        n,
        threads,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            for (int a = 0; a < k; a++) {
              float dd = (float) dist2(x, i * d, c, a * d, d);
              // non-negative floats sort like their bit patterns
              long bits = Float.floatToIntBits(Math.max(0f, dd));
              keys[(int) ((long) i * k + a)] = (bits << 32) | ((long) i * k + a);
            }
          }
        });
    Arrays.parallelSort(keys);
    int cap = (n + k - 1) / k;
    int[] size = new int[k];
    Arrays.fill(assign, 0, n, -1);
    int left = n;
    for (int p = 0; p < keys.length && left > 0; p++) {
      long idx = keys[p] & 0xFFFF_FFFFL;
      int i = (int) (idx / k);
      int a = (int) (idx % k);
      if (assign[i] < 0 && size[a] < cap) {
        assign[i] = a;
        size[a]++;
        left--;
      }
    }
  }

  /** Squared Euclidean distance between {@code a[ao..ao+d)} and {@code b[bo..bo+d)}. */
  public static double dist2(float[] a, int ao, float[] b, int bo, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = a[ao + j] - b[bo + j];
      s += t * t;
    }
    return s;
  }

  /** A range of rows {@code [from, to)}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int from, int to);
  }

  /** Runs {@code task} over {@code [0, n)} split into {@code threads} contiguous ranges. */
  static void parallel(int n, int threads, RangeTask task) {
    int t = Math.max(1, Math.min(threads, n / 256 + 1));
    if (t == 1) {
      task.run(0, n);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(t, r -> {
      Thread th = new Thread(r, "kmeans-worker");
      th.setDaemon(true);
      return th;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      int chunk = (n + t - 1) / t;
      for (int s = 0; s < n; s += chunk) {
        int from = s;
        int to = Math.min(n, s + chunk);
        fs.add(pool.submit(() -> task.run(from, to)));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void check(float[] x, int n, int d, int k) {
    if (n < 1 || d < 1 || k < 1) {
      throw new IllegalArgumentException("n=" + n + ", d=" + d + ", k=" + k + " must all be >= 1");
    }
    if ((long) n * d > x.length) {
      throw new IllegalArgumentException(
          "x has " + x.length + " floats, fewer than n=" + n + " x d=" + d);
    }
  }
}
