package genrec.cascade.rerank;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which items count as new: those registered with the time they were added (live catalogue
 * updates register {@code now}; a catalogue load may register known release dates), while younger
 * than {@code maxAge} ({@code null}: new until the cold-start exposure cap retires them).
 * Thread-safe.
 */
public final class FreshItems {
  private final Duration maxAge;
  private final ConcurrentHashMap<String, Instant> addedAt = new ConcurrentHashMap<>();

  /**
   * @param maxAge how long an item stays new after it was added, or null for no age limit
   * @throws IllegalArgumentException if {@code maxAge} is zero or negative
   */
  public FreshItems(Duration maxAge) {
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      throw new IllegalArgumentException("maxAge=" + maxAge + " must be positive (null: no age limit)");
    }
    this.maxAge = maxAge;
  }

  /** Registers item {@code id} as added at {@code at}. */
  public void added(String id, Instant at) {
    addedAt.put(id, at);
  }

  /** Whether {@code id} was registered and, with an age limit, is younger than it at {@code now}. */
  public boolean isNew(String id, Instant now) {
    Instant at = addedAt.get(id);
    return at != null && (maxAge == null || Duration.between(at, now).compareTo(maxAge) < 0);
  }

  /** Items registered (new or aged out). */
  public int size() {
    return addedAt.size();
  }
}
