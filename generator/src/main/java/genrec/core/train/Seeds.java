package genrec.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The seeded random draws of a training run, each a pure function of its arguments so that a
 * resumed run draws exactly what an uninterrupted one would: the shuffle of an epoch and the
 * seed of libtorch's generator (dropout) before every step.
 */
public final class Seeds {
  private Seeds() {}

  /** A permutation of [0, n) from {@link #random a Random seeded by (seed, epoch)}. */
  public static int[] permutation(int n, long seed, long epoch) {
    return permutation(n, random(seed, epoch));
  }

  /** The {@link Random} of (seed, epoch). */
  public static Random random(long seed, long epoch) {
    return new Random(seed * 0x9E3779B97F4A7C15L + epoch);
  }

  /**
   * {@code size} elements of {@code all} (all of them if fewer) drawn by a permutation from
   * {@code r}, in their order in {@code all}.
   */
  public static <T> List<T> sample(List<T> all, int size, Random r) {
    int m = Math.min(size, all.size());
    int[] pick = Arrays.copyOf(permutation(all.size(), r), m);
    Arrays.sort(pick);
    List<T> out = new ArrayList<>(m);
    for (int i : pick) {
      out.add(all.get(i));
    }
    return out;
  }

  /** A Fisher–Yates permutation of [0, n) drawn from {@code r}. */
  public static int[] permutation(int n, Random r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The seed of libtorch's generator before step {@code step} (0-based) of a run. */
  public static int stepSeed(long seed, long step) {
    long h = (seed + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L + step;
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (int) (h & 0x7FFFFFFF);
  }
}
