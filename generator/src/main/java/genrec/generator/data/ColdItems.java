package genrec.generator.data;

import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.quantizer.catalog.Catalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The item cold-start protocol: a seeded random share of the catalogue is held out as "new"
 * items. Every interaction with them leaves the training inputs (the quantizer's item-CF mix,
 * the generator, ItemKNN, MostPop), they get semantic IDs from their text only, and at
 * evaluation they are in the catalogue as live additions would be. Evaluation histories and
 * targets are not changed: a user's history may hold a new item, and a user whose target is a
 * new item is the case the protocol measures.
 *
 * <p>Saved as {@value #FILE} in the quantizer folder (one item id per line after a header that
 * records the fraction and the seed), so quantize, train and eval of a run share one draw.
 *
 * @param fraction the share of the catalogue held out, in (0, 1)
 * @param seed the draw's seed
 * @param cold per catalogue item, whether it is held out
 */
public record ColdItems(double fraction, long seed, boolean[] cold) {

  /** The file in the quantizer folder. */
  public static final String FILE = "cold-items.txt";

  private static final String HEADER = "# genrec cold items/1";

  public ColdItems {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("cold-items fraction=" + fraction + " must be in (0, 1)");
    }
    cold = cold.clone();
  }

  /**
   * Holds out {@code round(fraction × numItems)} items (at least 1), chosen uniformly at random
   * with {@code seed}: the same arguments always give the same items.
   */
  public static ColdItems draw(int numItems, double fraction, long seed) {
    if (numItems < 2) {
      throw new IllegalArgumentException("numItems=" + numItems + ": need at least 2 items");
    }
    int n = (int) Math.min(numItems - 1, Math.max(1, Math.round(fraction * numItems)));
    int[] order = new int[numItems];
    for (int i = 0; i < numItems; i++) {
      order[i] = i;
    }
    Random r = new Random(seed);
    boolean[] cold = new boolean[numItems];
    for (int i = 0; i < n; i++) { // partial Fisher-Yates: the first n of a seeded shuffle
      int j = i + r.nextInt(numItems - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      cold[order[i]] = true;
    }
    return new ColdItems(fraction, seed, cold);
  }

  /** Per catalogue item, whether it is held out (a copy). */
  @Override
  public boolean[] cold() {
    return cold.clone();
  }

  /** Whether {@code item} is held out. */
  public boolean isCold(int item) {
    return cold[item];
  }

  /** Items in the catalogue this draw was made for. */
  public int numItems() {
    return cold.length;
  }

  /** The held-out items, ascending. */
  public int[] items() {
    int[] out = new int[count()];
    int k = 0;
    for (int i = 0; i < cold.length; i++) {
      if (cold[i]) {
        out[k++] = i;
      }
    }
    return out;
  }

  /** How many items are held out. */
  public int count() {
    int n = 0;
    for (boolean c : cold) {
      n += c ? 1 : 0;
    }
    return n;
  }

  /** {@code seq} without the held-out items, order kept. */
  public int[] withoutCold(int[] seq) {
    return Arrays.stream(seq).filter(i -> !cold[i]).toArray();
  }

  /**
   * The split with every held-out item removed from the training sequences; validation and test
   * cases unchanged (their histories are what a model sees at serving time, new items included).
   * Everything trained on {@link LeaveOneOutSplit#train()} of the result has never seen an
   * interaction with a held-out item. Its {@link LeaveOneOutSplit#trainPlusValidation()} is NOT
   * filtered (it is built from the test histories): refit runs are not part of the protocol.
   */
  public LeaveOneOutSplit apply(LeaveOneOutSplit split) {
    if (split.numItems() != cold.length) {
      throw new IllegalArgumentException("cold items drawn for " + cold.length
          + " items, the split has " + split.numItems());
    }
    List<int[]> train = new ArrayList<>(split.train().size());
    split.train().forEach(s -> train.add(withoutCold(s)));
    return new LeaveOneOutSplit(split.numItems(), List.copyOf(train), split.validation(),
        split.test(), split.unsplitUsers());
  }

  /**
   * Writes the held-out item ids of {@code catalog} to {@code file} (atomically).
   *
   * @throws IllegalArgumentException if the catalogue is not the one the draw was made for
   */
  public void write(Path file, Catalog catalog) {
    if (catalog.size() != cold.length) {
      throw new IllegalArgumentException("cold items drawn for " + cold.length
          + " items, the catalogue has " + catalog.size());
    }
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append(String.format(Locale.ROOT, "# fraction %s seed %d items %d cold %d%n",
        Double.toString(fraction), seed, cold.length, count()));
    for (int i : items()) {
      sb.append(catalog.get(i).id()).append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(bytes));
  }

  /**
   * Reads a file written by {@link #write} for {@code catalog}.
   *
   * @return the draw, or null if {@code file} does not exist
   * @throws DataFormatException naming the file and line of a bad header or an unknown item
   */
  public static ColdItems read(Path file, Catalog catalog) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    if (lines.size() < 2 || !lines.get(0).equals(HEADER)) {
      throw new DataFormatException(file, 1, null, "not a cold-items file (expected '"
          + HEADER + "')");
    }
    String[] h = lines.get(1).split(" ");
    double fraction;
    long seed;
    try {
      if (h.length != 9 || !h[1].equals("fraction") || !h[3].equals("seed")) {
        throw new NumberFormatException();
      }
      fraction = Double.parseDouble(h[2]);
      seed = Long.parseLong(h[4]);
    } catch (NumberFormatException e) {
      throw new DataFormatException(file, 2, "fraction", "expected '# fraction F seed S items N "
          + "cold C'");
    }
    boolean[] cold = new boolean[catalog.size()];
    for (int l = 2; l < lines.size(); l++) {
      String id = lines.get(l);
      if (id.isEmpty()) {
        continue;
      }
      int i = catalog.indexOf(id);
      if (i < 0) {
        throw new DataFormatException(file, l + 1, "item_id", "item '" + id
            + "' is not in the catalogue (was the run quantized on other data?)");
      }
      cold[i] = true;
    }
    return new ColdItems(fraction, seed, cold);
  }
}
