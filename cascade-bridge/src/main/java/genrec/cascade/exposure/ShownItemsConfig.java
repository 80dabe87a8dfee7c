package genrec.cascade.exposure;

import java.time.Duration;

/**
 * Sizing of {@link ShownItems}.
 *
 * @param capacityPerUser distinct items per user per generation at which the false-positive rate
 *     is as configured (more still work, at a higher rate); default 1,000
 * @param falsePositiveRate the filters' false-positive rate at capacity; default 0.01
 * @param rotateEvery the generation length T: an item shown is remembered for at least T and at
 *     most 2T; default 1 day
 * @param maxUsers users kept at most; the least recently used user is dropped beyond; default
 *     20,000 (with the defaults, at most 2 x 1,216 bytes of bits per user: 49 MB)
 */
public record ShownItemsConfig(int capacityPerUser, double falsePositiveRate, Duration rotateEvery, int maxUsers) {
  public static final int DEFAULT_CAPACITY = 1_000;
  public static final double DEFAULT_FPP = 0.01;
  public static final Duration DEFAULT_ROTATE_EVERY = Duration.ofDays(1);
  public static final int DEFAULT_MAX_USERS = 20_000;

  public ShownItemsConfig {
    BloomFilter.check(capacityPerUser, falsePositiveRate);
    if (rotateEvery == null || rotateEvery.toMillis() < 1) {
      throw new IllegalArgumentException("rotateEvery=" + rotateEvery + " must be at least 1 ms");
    }
    if (maxUsers < 1) {
      throw new IllegalArgumentException("maxUsers=" + maxUsers + " must be >= 1");
    }
    BloomFilter.create(capacityPerUser, falsePositiveRate); // fails early when too large
  }

  public static ShownItemsConfig defaults() {
    return new ShownItemsConfig(DEFAULT_CAPACITY, DEFAULT_FPP, DEFAULT_ROTATE_EVERY, DEFAULT_MAX_USERS);
  }

  /** Bytes of bits one user holds at most (two generations). */
  public long bytesPerUser() {
    return 2 * BloomFilter.bitsFor(capacityPerUser, falsePositiveRate) / 8;
  }
}
