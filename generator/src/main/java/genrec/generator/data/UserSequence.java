package genrec.generator.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One user's interactions in time order.
 *
 * @param user the external user id
 * @param items dense item indices (into the dataset's catalogue), oldest first
 * @param times timestamps (seconds or any monotone unit); the position when the source has none
 * @param values per-interaction value, e.g. a star rating; NaN where the source has none
 * @param events per-interaction event name, e.g. "rating", "rating+tag", "click"; null entries
 *     where the source has none
 */
public record UserSequence(String user, int[] items, long[] times, float[] values, String[] events) {

  public UserSequence {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(items, "items");
    if (times == null) {
      times = new long[items.length];
      for (int i = 0; i < times.length; i++) {
        times[i] = i;
      }
    }
    if (values == null) {
      values = new float[items.length];
      Arrays.fill(values, Float.NaN);
    }
    if (events == null) {
      events = new String[items.length];
    }
    if (times.length != items.length || values.length != items.length
        || events.length != items.length) {
      throw new IllegalArgumentException("user " + user + ": per-interaction arrays differ in length");
    }
  }

  /** A sequence of items only (no timestamps, values or events). */
  public static UserSequence ofItems(String user, int... items) {
    return new UserSequence(user, items, null, null, null);
  }

  public int length() {
    return items.length;
  }
}
