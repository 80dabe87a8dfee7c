package genrec.cascade.rerank.bench;

import genrec.cascade.exposure.BloomFilter;
import genrec.cascade.exposure.ShownItems;
import genrec.cascade.exposure.ShownItemsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The Bloom filters' measured false-positive rate against the configured one, and memory per
 * user: a filter of capacity C gets C distinct seeded ids, then {@code probes} ids never put are
 * looked up; memory is the bit array of the two generations a {@link ShownItems} user holds at
 * most, and the heap a store of {@code users} users, each shown C items in one generation, takes
 * per user (one generation's bits plus map and object overhead; from the JVM's used heap after a
 * GC, so approximate); {@code seenNs} is the mean wall time of one {@link ShownItems#seen} call
 * (min(probes, 200,000) calls, half of them hits).
 */
public final class ExposureBenchmark {
  private ExposureBenchmark() {}

  /**
   * One measured configuration.
   *
   * @param measuredFpp false positives / probes at C items in
   * @param expectedFpp {@code (1 − e^(−kC/m))^k} for the filter's m and k
   * @param bitsBytesPerUser two generations' bit arrays
   * @param heapBytesPerUser used-heap growth per user of a full store, approximate
   */
  public record Row(int capacity, double configuredFpp, double measuredFpp, double expectedFpp, int bits,
      int hashes, int probes, long bitsBytesPerUser, double heapBytesPerUser, double seenNs) {}

  public static Row measure(int capacity, double fpp, int probes, int users, long seed) {
    BloomFilter f = BloomFilter.create(capacity, fpp);
    Random rnd = new Random(seed);
    for (int i = 0; i < capacity; i++) {
      f.put("item-" + rnd.nextInt(1 << 30) + "-" + i);
    }
    int fp = 0;
    for (int i = 0; i < probes; i++) {
      if (f.mightContain("probe-" + i)) {
        fp++;
      }
    }
    ShownItemsConfig config = new ShownItemsConfig(capacity, fpp, Duration.ofDays(1), Math.max(1, users));
    long before = usedHeap();
    ShownItems store = new ShownItems(config, Clock.systemUTC());
    List<String> shown = new ArrayList<>(capacity);
    for (int i = 0; i < capacity; i++) {
      shown.add("item-" + i);
    }
    for (int u = 0; u < users; u++) {
      store.record("user-" + u, shown);
    }
    long after = usedHeap();
    // lookups: half members, half not
    int lookups = Math.min(200_000, probes);
    long hits = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < lookups; i++) {
      if (store.seen("user-" + (i % Math.max(1, users)), (i & 1) == 0 ? "item-" + (i % capacity) : "x-" + i)) {
        hits++;
      }
    }
    double seenNs = (System.nanoTime() - t0) / (double) lookups;
    if (hits < 0 || store.users() != users) {
      throw new IllegalStateException("store lost users");
    }
    return new Row(capacity, fpp, (double) fp / probes, f.expectedFalsePositiveRate(capacity), f.bitCount(),
        f.hashCount(), probes, config.bytesPerUser(), users == 0 ? 0 : (double) (after - before) / users, seenNs);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static String header() {
    return String.format(Locale.ROOT, "%8s %9s %11s %11s %7s %3s %10s %14s %14s %9s",
        "capacity", "fpp", "measured", "expected", "bits", "k", "probes", "bits B/user", "heap B/user", "seen ns");
  }

  public static String format(Row r) {
    return String.format(Locale.ROOT, "%8d %9.4f %11.5f %11.5f %7d %3d %10d %14d %14.0f %9.0f", r.capacity(),
        r.configuredFpp(), r.measuredFpp(), r.expectedFpp(), r.bits(), r.hashes(), r.probes(), r.bitsBytesPerUser(),
        r.heapBytesPerUser(), r.seenNs());
  }

  public static String csvHeader() {
    return "capacity,configured_fpp,measured_fpp,expected_fpp,bits,hashes,probes,bits_bytes_per_user,heap_bytes_per_user,seen_ns";
  }

  public static String csv(Row r) {
    return String.format(Locale.ROOT, "%d,%s,%.6f,%.6f,%d,%d,%d,%d,%.0f,%.1f", r.capacity(), r.configuredFpp(),
        r.measuredFpp(), r.expectedFpp(), r.bits(), r.hashes(), r.probes(), r.bitsBytesPerUser(), r.heapBytesPerUser(),
        r.seenNs());
  }
}
