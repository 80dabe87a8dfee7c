package genrec.generator.eval;

/**
 * Full-ranking metrics for one held-out target. The target's rank is the number of items that
 * score higher, plus the number that tie with it: ties are broken against the target, so a model
 * that gives most items the same score gains nothing from the tie. NaN scores count as
 * {@code -Infinity}.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** 0-based rank of {@code target} among all items, ties broken against the target. */
  public static int rank(float[] scores, int target) {
    float t = clean(scores[target]);
    int above = 0;
    for (int i = 0; i < scores.length; i++) {
      if (i != target && clean(scores[i]) >= t) {
        above++;
      }
    }
    return above;
  }

  private static float clean(float s) {
    return Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s;
  }

  /** 1 if the target is within the top K, else 0. */
  public static double recall(int rank, int k) {
    return rank < k ? 1.0 : 0.0;
  }

  /** 1/log2(rank + 2) if the target is within the top K, else 0 (one relevant item). */
  public static double ndcg(int rank, int k) {
    return rank < k ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0.0;
  }

  /**
   * The indices of the {@code k} highest finite-or-positive-infinity scores, best first, ties by
   * lower index; items scored {@code -Infinity} or NaN are never included.
   */
  public static int[] topK(float[] scores, int k) {
    int[] heap = new int[k]; // min-heap by (score asc, index desc): root is the worst kept
    int size = 0;
    for (int i = 0; i < scores.length; i++) {
      float s = clean(scores[i]);
      if (s == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (size < k) {
        heap[size] = i;
        siftUp(heap, size++, scores);
      } else if (better(i, heap[0], scores)) {
        heap[0] = i;
        siftDown(heap, size, scores);
      }
    }
    int[] out = new int[size];
    for (int j = size - 1; j >= 0; j--) {
      out[j] = heap[0];
      heap[0] = heap[j];
      siftDown(heap, j, scores);
    }
    return out;
  }

  private static boolean better(int a, int b, float[] s) {
    float sa = clean(s[a]);
    float sb = clean(s[b]);
    return sa > sb || (sa == sb && a < b);
  }

  private static void siftUp(int[] h, int pos, float[] s) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!better(h[parent], h[pos], s)) {
        break;
      }
      int t = h[parent];
      h[parent] = h[pos];
      h[pos] = t;
      pos = parent;
    }
  }

  private static void siftDown(int[] h, int size, float[] s) {
    int pos = 0;
    while (true) {
      int l = 2 * pos + 1;
      if (l >= size) {
        return;
      }
      int worst = l;
      int r = l + 1;
      if (r < size && better(h[l], h[r], s)) {
        worst = r;
      }
      if (!better(h[pos], h[worst], s)) {
        return;
      }
      int t = h[pos];
      h[pos] = h[worst];
      h[worst] = t;
      pos = worst;
    }
  }
}
