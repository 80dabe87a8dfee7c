package genrec.cascade.exposure;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * A Bloom filter of strings: {@link #mightContain} is true for every string {@link #put} (no false
 * negatives) and, for strings never put, true with probability about the configured
 * false-positive rate p while at most {@code capacity} strings are in.
 *
 * <p>Sizing (for n = capacity): {@code m = ceil(−n ln p / (ln 2)²)} bits, rounded up to a multiple
 * of 64, and {@code k = max(1, round(m / n · ln 2))} hash functions; at p = 1% that is 9.6 bits
 * (1.2 bytes) per item and k = 7. The k bit positions come from one 64-bit hash of the string's
 * UTF-16 units (splitmix64-style mixing) by double hashing, {@code h1 + i · h2 mod m}
 * (Kirsch and Mitzenmacher, 2006). Not thread-safe; {@link ShownItems} guards its filters.
 */
public final class BloomFilter {
  private final long[] bits;
  private final int m;
  private final int k;
  private final int capacity;
  private final double fpp;
  private int inserted;

  private BloomFilter(int capacity, double fpp, int m, int k, long[] bits, int inserted) {
    this.capacity = capacity;
    this.fpp = fpp;
    this.m = m;
    this.k = k;
    this.bits = bits;
    this.inserted = inserted;
  }

  /**
   * An empty filter for {@code capacity} strings at false-positive rate {@code fpp}.
   *
   * @throws IllegalArgumentException unless {@code capacity >= 1} and {@code 0 < fpp < 1}, or if the
   *     filter would need more than 2^31 bits
   */
  public static BloomFilter create(int capacity, double fpp) {
    check(capacity, fpp);
    long m = bitsFor(capacity, fpp);
    if (m > Integer.MAX_VALUE - 63) {
      throw new IllegalArgumentException("capacity=" + capacity + " at fpp=" + fpp + " needs " + m + " bits, more than 2^31");
    }
    int k = hashesFor(capacity, (int) m);
    return new BloomFilter(capacity, fpp, (int) m, k, new long[(int) (m / 64)], 0);
  }

  static void check(int capacity, double fpp) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity=" + capacity + " must be >= 1");
    }
    if (!(fpp > 0 && fpp < 1)) {
      throw new IllegalArgumentException("falsePositiveRate=" + fpp + " must be in (0, 1)");
    }
  }

  /** Bits for {@code capacity} strings at {@code fpp}, a multiple of 64. */
  public static long bitsFor(int capacity, double fpp) {
    double ln2 = Math.log(2);
    long m = (long) Math.ceil(-capacity * Math.log(fpp) / (ln2 * ln2));
    return Math.max(64, (m + 63) / 64 * 64);
  }

  static int hashesFor(int capacity, int m) {
    return Math.max(1, (int) Math.round((double) m / capacity * Math.log(2)));
  }

  /** Adds {@code s}. */
  public void put(String s) {
    probe(s, true);
    inserted++;
  }

  /** False only if {@code s} was never put. */
  public boolean mightContain(String s) {
    return probe(s, false);
  }

  /** Sets ({@code set}) or tests the k bits of {@code s}; true when all were set before. */
  private boolean probe(String s, boolean set) {
    long h1 = hash(s);
    long h2 = mix(h1 ^ 0x9E3779B97F4A7C15L) | 1L;
    boolean all = true;
    for (int i = 0; i < k; i++) {
      long idx = Long.remainderUnsigned(h1 + i * h2, m);
      long bit = 1L << idx;
      int word = (int) (idx >>> 6);
      if ((bits[word] & bit) == 0) {
        if (!set) {
          return false;
        }
        all = false;
        bits[word] |= bit;
      }
    }
    return all;
  }

  static long hash(String s) {
    long h = 0x243F6A8885A308D3L ^ s.length();
    int n = s.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      long w = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32 | (long) s.charAt(i + 3) << 48;
      h = mix(h ^ w);
    }
    long tail = 0;
    for (int shift = 0; i < n; i++, shift += 16) {
      tail |= (long) s.charAt(i) << shift;
    }
    return mix(h ^ tail ^ 0xA0761D6478BD642FL);
  }

  /** splitmix64's finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public int capacity() {
    return capacity;
  }

  public double falsePositiveRate() {
    return fpp;
  }

  /** The number of bits m. */
  public int bitCount() {
    return m;
  }

  /** The number of hash functions k. */
  public int hashCount() {
    return k;
  }

  /** How many times {@link #put} was called (repeats included). */
  public int inserted() {
    return inserted;
  }

  /** Bytes of the bit array. */
  public long sizeBytes() {
    return (long) bits.length * Long.BYTES;
  }

  /** The expected false-positive rate at {@code n} distinct strings: {@code (1 − e^(−k n / m))^k}. */
  public double expectedFalsePositiveRate(int n) {
    return Math.pow(1 - Math.exp(-(double) k * n / m), k);
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(capacity);
    out.writeDouble(fpp);
    out.writeInt(m);
    out.writeInt(k);
    out.writeInt(inserted);
    for (long b : bits) {
      out.writeLong(b);
    }
  }

  static BloomFilter readFrom(DataInputStream in) throws IOException {
    int capacity = in.readInt();
    double fpp = in.readDouble();
    int m = in.readInt();
    int k = in.readInt();
    int inserted = in.readInt();
    check(capacity, fpp);
    if (m != bitsFor(capacity, fpp) || k != hashesFor(capacity, m) || inserted < 0) {
      throw new IOException(String.format(Locale.ROOT, "filter header m=%d k=%d does not match capacity=%d fpp=%s", m, k, capacity, fpp));
    }
    long[] bits = new long[m / 64];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = in.readLong();
    }
    return new BloomFilter(capacity, fpp, m, k, bits, inserted);
  }
}
