package genrec.cascade.exposure;

import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many times each (new) item has been shown, for the cold-start exposure cap. Bounded: at most
 * {@code maxItems} items, the least recently counted dropped first (in practice the store holds
 * only the new items the cold-start stage counts). Saved atomically as {@value #FILE} in a folder,
 * one {@code id<TAB>count} line per item. Thread-safe.
 */
public final class ItemExposureCounts {
  public static final String FILE = "item-exposures.tsv";
  public static final int DEFAULT_MAX_ITEMS = 100_000;

  private final int maxItems;
  private final LinkedHashMap<String, Integer> counts;

  public ItemExposureCounts(int maxItems) {
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems=" + maxItems + " must be >= 1");
    }
    this.maxItems = maxItems;
    this.counts = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
        return size() > ItemExposureCounts.this.maxItems;
      }
    };
  }

  public ItemExposureCounts() {
    this(DEFAULT_MAX_ITEMS);
  }

  /** Times {@code id} was counted as shown (0 if never, or dropped). */
  public synchronized int count(String id) {
    Integer c = counts.get(id);
    return c == null ? 0 : c;
  }

  /** Counts one showing of each of {@code ids}. */
  public synchronized void add(Collection<String> ids) {
    for (String id : ids) {
      String bad = genrec.quantizer.catalog.Item.controlCharacterIn(id);
      if (bad != null) {
        throw new IllegalArgumentException("item id " + bad);
      }
    }
    for (String id : ids) {
      counts.merge(id, 1, Integer::sum);
    }
  }

  public synchronized int size() {
    return counts.size();
  }

  /** Writes the counts to {@code folder}/{@value #FILE}, atomically. */
  public void save(Path folder) {
    StringBuilder sb = new StringBuilder();
    synchronized (this) {
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        sb.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
      }
    }
    AtomicFiles.writeString(folder.resolve(FILE), sb.toString());
  }

  /**
   * Reads what {@link #save} wrote.
   *
   * @throws DataFormatException naming the line of a malformed entry
   */
  public static ItemExposureCounts load(Path folder, int maxItems) {
    Path file = folder.resolve(FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
    ItemExposureCounts c = new ItemExposureCounts(maxItems);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int tab = line.lastIndexOf('\t');
      if (tab <= 0) {
        throw new DataFormatException(file, i + 1, "id", "expected id<TAB>count");
      }
      int count;
      try {
        count = Integer.parseInt(line.substring(tab + 1));
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count < 1) {
        throw new DataFormatException(file, i + 1, "count", "'" + line.substring(tab + 1) + "' is not a count >= 1");
      }
      c.counts.put(line.substring(0, tab), count);
    }
    return c;
  }
}
