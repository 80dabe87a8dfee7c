package genrec.generator.baseline;

import genrec.generator.eval.Recommender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Item-based collaborative filtering. Two items are similar when the same users interacted with
 * both: cosine similarity over user co-occurrence, {@code c(i,j) / sqrt(n(i) n(j))}, where n(i)
 * counts the users of i. Only each item's top {@code neighbours} are kept, in a sparse CSR index
 * built once. A history is scored by summing the neighbour lists of its last {@code lastN}
 * items; history items are excluded. The index ({@link #neighbours(int)}) doubles as an item-CF
 * candidate channel for the cascade.
 */
public final class ItemKnn implements Recommender {
  private final int numItems;
  private final int lastN;
  private final int[] offsets; // (numItems + 1)
  private final int[] nbrs; // neighbour item per entry
  private final float[] sims; // cosine per entry, descending within an item

  /**
   * Options.
   *
   * @param neighbours similar items kept per item (0 = all)
   * @param lastN how many of the most recent history items are scored
   * @param threads threads used to build the index
   */
  public record Options(int neighbours, int lastN, int threads) {
    public Options {
      if (neighbours < 0) {
        throw new IllegalArgumentException("neighbours=" + neighbours + " must be >= 0 (0 = all)");
      }
      if (lastN < 1) {
        throw new IllegalArgumentException("lastN=" + lastN + " must be >= 1");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
      }
    }

    /** All neighbours, last 3 items, all processors (the protocol of the published numbers). */
    public static Options defaults() {
      return new Options(0, 3, Runtime.getRuntime().availableProcessors());
    }
  }

  private ItemKnn(int numItems, int lastN, int[] offsets, int[] nbrs, float[] sims) {
    this.numItems = numItems;
    this.lastN = lastN;
    this.offsets = offsets;
    this.nbrs = nbrs;
    this.sims = sims;
  }

  /** Builds the neighbour index from training sequences (each user's items count once). */
  public static ItemKnn fit(List<int[]> train, int numItems, Options opt) {
    // user -> distinct items, and the inverted index item -> users
    int[][] userItems = new int[train.size()][];
    int[] userCount = new int[numItems];
    for (int u = 0; u < train.size(); u++) {
      int[] d = java.util.Arrays.stream(train.get(u)).distinct().toArray();
      for (int i : d) {
        if (i < 0 || i >= numItems) {
          throw new IllegalArgumentException("item index " + i + " outside catalogue of " + numItems);
        }
        userCount[i]++;
      }
      userItems[u] = d;
    }
    int[][] itemUsers = new int[numItems][];
    for (int i = 0; i < numItems; i++) {
      itemUsers[i] = new int[userCount[i]];
    }
    int[] fill = new int[numItems];
    for (int u = 0; u < userItems.length; u++) {
      for (int i : userItems[u]) {
        itemUsers[i][fill[i]++] = u;
      }
    }
    int[][] rowNbrs = new int[numItems][];
    float[][] rowSims = new float[numItems][];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(opt.threads());
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < opt.threads(); w++) {
        fs.add(pool.submit(() -> {
          int[] co = new int[numItems];
          int[] touched = new int[numItems];
          int i;
          while ((i = next.getAndIncrement()) < numItems) {
            int nt = 0;
            for (int u : itemUsers[i]) {
              for (int j : userItems[u]) {
                if (j != i && co[j]++ == 0) {
                  touched[nt++] = j;
                }
              }
            }
            float[] s = new float[nt];
            for (int t = 0; t < nt; t++) {
              int j = touched[t];
              s[t] = (float) (co[j] / Math.sqrt((double) userCount[i] * userCount[j]));
              co[j] = 0;
            }
            int keep = opt.neighbours() == 0 ? nt : Math.min(nt, opt.neighbours());
            int[] order = topByScore(touched, s, nt, keep);
            int[] rn = new int[keep];
            float[] rs = new float[keep];
            for (int t = 0; t < keep; t++) {
              rn[t] = touched[order[t]];
              rs[t] = s[order[t]];
            }
            rowNbrs[i] = rn;
            rowSims[i] = rs;
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("ItemKNN fit failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    int[] offsets = new int[numItems + 1];
    for (int i = 0; i < numItems; i++) {
      offsets[i + 1] = offsets[i] + rowNbrs[i].length;
    }
    int[] nbrs = new int[offsets[numItems]];
    float[] sims = new float[offsets[numItems]];
    for (int i = 0; i < numItems; i++) {
      System.arraycopy(rowNbrs[i], 0, nbrs, offsets[i], rowNbrs[i].length);
      System.arraycopy(rowSims[i], 0, sims, offsets[i], rowSims[i].length);
    }
    return new ItemKnn(numItems, opt.lastN(), offsets, nbrs, sims);
  }

  /** Positions 0..n-1 ordered by score descending, then item index ascending; first {@code keep}. */
  private static int[] topByScore(int[] items, float[] s, int n, int keep) {
    Integer[] idx = new Integer[n];
    for (int t = 0; t < n; t++) {
      idx[t] = t;
    }
    java.util.Arrays.sort(idx, (a, b) -> {
      int c = Float.compare(s[b], s[a]);
      return c != 0 ? c : Integer.compare(items[a], items[b]);
    });
    int[] out = new int[keep];
    for (int t = 0; t < keep; t++) {
      out[t] = idx[t];
    }
    return out;
  }

  @Override
  public String name() {
    return "ItemKNN";
  }

  @Override
  public int numItems() {
    return numItems;
  }

  /** Neighbours of {@code item}, most similar first. */
  public int[] neighbours(int item) {
    return java.util.Arrays.copyOfRange(nbrs, offsets[item], offsets[item + 1]);
  }

  /** Cosine similarities matching {@link #neighbours(int)}. */
  public float[] similarities(int item) {
    return java.util.Arrays.copyOfRange(sims, offsets[item], offsets[item + 1]);
  }

  /** Number of stored (item, neighbour) pairs. */
  public int indexSize() {
    return nbrs.length;
  }

  @Override
  public void score(int[] history, float[] scores) {
    java.util.Arrays.fill(scores, 0f);
    int from = Math.max(0, history.length - lastN);
    for (int h = from; h < history.length; h++) {
      int i = history[h];
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        scores[nbrs[e]] += sims[e];
      }
    }
    for (int i : history) {
      scores[i] = Float.NEGATIVE_INFINITY;
    }
  }
}
