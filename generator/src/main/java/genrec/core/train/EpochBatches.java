package genrec.core.train;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The batches of a run as a function of the step: step s belongs to epoch {@code s / B} (B =
 * batches per epoch) and is batch {@code s % B} of it; an epoch's order is {@link
 * Seeds#permutation(int, long, long) seeded by (seed, epoch + epochOffset)}, optionally regrouped
 * by {@link #lengthBucketed length buckets}; the last batch of an epoch may be short. Nothing
 * depends on earlier steps, so a resumed run sees the same batches.
 */
public final class EpochBatches {
  private final int n;
  private final int batchSize;
  private final long seed;
  private final long epochOffset;
  private final int[] lengths;
  private final int poolBatches;
  private int[] order;
  private long orderEpoch = -1;

  /**
   * @param n samples per epoch, >= 1
   * @param batchSize samples per batch, >= 1
   * @param seed the run's seed
   * @param epochOffset added to the 0-based epoch in the shuffle's seed (the ranker counts
   *     epochs from 1)
   * @param lengths sample → length, for length buckets; null for plain shuffling
   * @param poolBatches batches per length pool ({@link #lengthBucketed}); ignored without lengths
   */
  public EpochBatches(int n, int batchSize, long seed, long epochOffset, int[] lengths,
      int poolBatches) {
    if (n < 1) {
      throw new IllegalArgumentException("n=" + n + " must be >= 1 (no training samples)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize=" + batchSize + " must be >= 1");
    }
    if (lengths != null && lengths.length != n) {
      throw new IllegalArgumentException("lengths has " + lengths.length + " entries, n=" + n);
    }
    if (lengths != null && poolBatches < 1) {
      throw new IllegalArgumentException("poolBatches=" + poolBatches + " must be >= 1");
    }
    this.n = n;
    this.batchSize = batchSize;
    this.seed = seed;
    this.epochOffset = epochOffset;
    this.lengths = lengths;
    this.poolBatches = poolBatches;
  }

  /** Plain shuffled batches, epochs seeded from 0. */
  public EpochBatches(int n, int batchSize, long seed) {
    this(n, batchSize, seed, 0, null, 0);
  }

  public int samples() {
    return n;
  }

  public long batchesPerEpoch() {
    return (n + batchSize - 1) / batchSize;
  }

  /** The 0-based epoch that step {@code step} (0-based) belongs to. */
  public long epochOf(long step) {
    return step / batchesPerEpoch();
  }

  /** The sample indices of step {@code step} (0-based), in batch order. */
  public int[] batch(long step) {
    long bpe = batchesPerEpoch();
    long epoch = step / bpe;
    if (epoch != orderEpoch) {
      int[] perm = Seeds.permutation(n, seed, epoch + epochOffset);
      order = lengths == null ? perm
          : lengthBucketed(perm, lengths, batchSize, poolBatches, seed, epoch + epochOffset);
      orderEpoch = epoch;
    }
    int from = (int) (step % bpe) * batchSize;
    return Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
  }

  /**
   * Reorders an epoch's shuffled samples so that each batch holds samples of similar length: the
   * order is cut into pools of {@code poolBatches × batchSize}, each pool is sorted by length
   * (stably, so ties keep the shuffled order) and cut into batches, and the pool's full batches
   * are shuffled by a {@link java.util.Random} seeded by (seed, epoch, pool). A partial last
   * batch stays last. Deterministic in its arguments, so a resumed run sees the same batches.
   *
   * @param order the epoch's permutation of sample indices
   * @param lengths sample index → its length
   * @return the new order, of the same indices
   */
  public static int[] lengthBucketed(int[] order, int[] lengths, int batchSize, int poolBatches,
      long seed, long epoch) {
    int n = order.length;
    int[] out = new int[n];
    int poolSize = (int) Math.min(n, (long) poolBatches * batchSize);
    for (int from = 0, pool = 0; from < n; from += poolSize, pool++) {
      int to = Math.min(n, from + poolSize);
      Integer[] members = new Integer[to - from];
      for (int i = from; i < to; i++) {
        members[i - from] = order[i];
      }
      Arrays.sort(members, Comparator.comparingInt(i -> lengths[i])); // stable
      int full = members.length / batchSize;
      int[] batches = Seeds.permutation(full, seed ^ 0x2545F4914F6CDD1DL,
          epoch * 1_000_003L + pool);
      int at = from;
      for (int b : batches) {
        for (int k = 0; k < batchSize; k++) {
          out[at++] = members[b * batchSize + k];
        }
      }
      for (int k = full * batchSize; k < members.length; k++) {
        out[at++] = members[k];
      }
    }
    return out;
  }
}
