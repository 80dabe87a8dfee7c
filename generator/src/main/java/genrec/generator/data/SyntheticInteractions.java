package genrec.generator.data;

import genrec.core.io.ReadReport;
import genrec.quantizer.catalog.SyntheticCatalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic users over a {@link SyntheticCatalog}. Each user has one or two favourite
 * categories and a few favourite brands, and shops in routines: after a product type the next is
 * most often the following step of the same category (cleanser → moisturizer → serum ...), then
 * the same type again, another type of a favourite category, or now and then anything. Within a
 * type, items are drawn by a Zipf-like popularity, tilted towards the user's brands. So both the
 * item text (what semantic IDs see) and the order of items (what sequence models see) carry
 * signal. The same options always give the same dataset.
 */
public final class SyntheticInteractions {
  private SyntheticInteractions() {}

  /**
   * Generator options.
   *
   * @param users number of users
   * @param items catalogue size
   * @param minLength shortest sequence (at least 3, so every user can be split)
   * @param maxLength longest sequence
   * @param seed random seed (catalogue and users)
   */
  public record Options(int users, int items, int minLength, int maxLength, long seed) {
    public Options {
      if (users < 1 || items < 1) {
        throw new IllegalArgumentException("users=" + users + " and items=" + items + " must be >= 1");
      }
      if (minLength < 3 || maxLength < minLength) {
        throw new IllegalArgumentException(
            "need 3 <= minLength=" + minLength + " <= maxLength=" + maxLength);
      }
    }

    /** 3,000 users, 2,000 items, sequences of 5 to 40 items, seed 42. */
    public static Options defaults() {
      return new Options(3000, 2000, 5, 40, 42);
    }
  }

  public static Dataset generate(Options o) {
    SyntheticCatalog sc = SyntheticCatalog.generate(o.items(), o.seed());
    int nTypes = SyntheticCatalog.typeCount();
    int nCats = SyntheticCatalog.CATEGORIES.size();
    // items per type, with cumulative popularity for sampling
    List<List<Integer>> byType = new ArrayList<>();
    for (int t = 0; t < nTypes; t++) {
      byType.add(new ArrayList<>());
    }
    for (int i = 0; i < o.items(); i++) {
      byType.get(sc.productType()[i]).add(i);
    }
    List<List<Integer>> typesOfCat = new ArrayList<>();
    for (int c = 0; c < nCats; c++) {
      typesOfCat.add(new ArrayList<>());
    }
    for (int t = 0; t < nTypes; t++) {
      if (!byType.get(t).isEmpty()) {
        typesOfCat.get(SyntheticCatalog.categoryOfType(t)).add(t);
      }
    }
    int nBrands = Arrays.stream(sc.brand()).max().orElse(0) + 1;
    Random rnd = new Random(o.seed() * 31 + 7);
    List<UserSequence> users = new ArrayList<>(o.users());
    for (int u = 0; u < o.users(); u++) {
      int fav1 = pickNonEmptyCategory(rnd, typesOfCat);
      int fav2 = rnd.nextDouble() < 0.4 ? pickNonEmptyCategory(rnd, typesOfCat) : fav1;
      int[] favBrands = {rnd.nextInt(nBrands), rnd.nextInt(nBrands), rnd.nextInt(nBrands)};
      int span = o.maxLength() - o.minLength();
      // geometric-ish lengths: many short sequences, a few long ones
      int len = o.minLength() + (int) Math.min(span, Math.floor(-Math.log(1 - rnd.nextDouble()) * Math.max(1, span / 4.0)));
      int[] seq = new int[len];
      int type = randomType(rnd, typesOfCat.get(fav1));
      boolean[] seen = new boolean[o.items()];
      for (int k = 0; k < len; k++) {
        if (k > 0) {
          double r = rnd.nextDouble();
          int cat = SyntheticCatalog.categoryOfType(type);
          List<Integer> inCat = typesOfCat.get(cat);
          if (r < 0.5) {
            type = inCat.get((inCat.indexOf(type) + 1) % inCat.size()); // next routine step
          } else if (r < 0.65) {
            // same type again
          } else if (r < 0.9) {
            type = randomType(rnd, typesOfCat.get(rnd.nextBoolean() ? fav1 : fav2));
          } else {
            type = randomType(rnd, typesOfCat.get(pickNonEmptyCategory(rnd, typesOfCat)));
          }
        }
        seq[k] = pickItem(rnd, byType.get(type), sc, favBrands, seen);
        seen[seq[k]] = true;
      }
      users.add(UserSequence.ofItems("u" + u, seq));
    }
    return new Dataset("synthetic", sc.catalog(), users, ReadReport.strict());
  }

  private static int pickNonEmptyCategory(Random rnd, List<List<Integer>> typesOfCat) {
    int c;
    do {
      c = rnd.nextInt(typesOfCat.size());
    } while (typesOfCat.get(c).isEmpty());
    return c;
  }

  private static int randomType(Random rnd, List<Integer> types) {
    return types.get(rnd.nextInt(types.size()));
  }

  private static int pickItem(Random rnd, List<Integer> items, SyntheticCatalog sc, int[] favBrands,
      boolean[] seen) {
    double total = 0;
    double[] w = new double[items.size()];
    for (int j = 0; j < w.length; j++) {
      int i = items.get(j);
      double x = sc.popularity()[i];
      for (int b : favBrands) {
        if (sc.brand()[i] == b) {
          x *= 4;
        }
      }
      if (seen[i]) {
        x *= 0.05; // repeat purchases are rare
      }
      w[j] = x;
      total += x;
    }
    double r = rnd.nextDouble() * total;
    for (int j = 0; j < w.length; j++) {
      r -= w[j];
      if (r <= 0) {
        return items.get(j);
      }
    }
    return items.get(w.length - 1);
  }
}
