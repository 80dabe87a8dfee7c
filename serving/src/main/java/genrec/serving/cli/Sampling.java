package genrec.serving.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The seeded user samples of the commands' {@code --users N --seed S} options. */
final class Sampling {
  private Sampling() {}

  /** A seeded random sample of {@code n} of {@code all} (all of them when n is null or too big). */
  static <T> List<T> sample(List<T> all, Integer n, long seed) {
    if (n == null || n >= all.size()) {
      return all;
    }
    List<T> s = new ArrayList<>(all);
    Collections.shuffle(s, new Random(seed));
    return List.copyOf(s.subList(0, n));
  }
}
