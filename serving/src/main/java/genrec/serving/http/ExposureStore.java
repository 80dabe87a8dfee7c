package genrec.serving.http;

import genrec.cascade.exposure.ItemExposureCounts;
import genrec.cascade.exposure.ShownItems;
import genrec.cascade.exposure.ShownItemsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cascade remembers across requests: per user, the items already shown ({@link
 * ShownItems}: Bloom filters expiring by age, bounded in memory) and, per new item, its showings
 * for the cold-start cap ({@link ItemExposureCounts}). Saved atomically (temporary file, then
 * rename: a crash mid-write leaves the previous file) to {@code DIR/}{@value ShownItems#FILE}
 * and {@code DIR/}{@value ItemExposureCounts#FILE} by {@link #saveIfChanged}, which the server
 * calls periodically and at shutdown; loaded by {@link #open}. Thread-safe.
 */
final class ExposureStore implements genrec.cascade.pipeline.ExposureLog {
  private static final Logger LOG = LoggerFactory.getLogger(ExposureStore.class);

  private final Path dir;
  private final ShownItems shown;
  private final ItemExposureCounts counts;
  private final AtomicBoolean changed = new AtomicBoolean();

  private ExposureStore(Path dir, ShownItems shown, ItemExposureCounts counts) {
    this.dir = dir;
    this.shown = shown;
    this.counts = counts;
  }

  /**
   * The store saved in {@code dir}, or a new empty one when there is none (or {@code dir} is
   * null: memory only). A damaged file is logged and replaced at the next save. A saved store
   * keeps the sizing it was saved with.
   */
  static ExposureStore open(Path dir, ShownItemsConfig config, Clock clock) {
    ShownItems shown = null;
    ItemExposureCounts counts = null;
    if (dir != null) {
      if (Files.isRegularFile(dir.resolve(ShownItems.FILE))) {
        try {
          shown = ShownItems.load(dir, clock);
          if (!shown.config().equals(config)) {
            LOG.info("{}: keeps the sizing it was saved with ({}), not the configured {}",
                dir.resolve(ShownItems.FILE), shown.config(), config);
          }
        } catch (RuntimeException e) {
          LOG.warn("{} is unreadable ({}); starting with no items shown",
              dir.resolve(ShownItems.FILE), e.getMessage());
        }
      }
      if (Files.isRegularFile(dir.resolve(ItemExposureCounts.FILE))) {
        try {
          counts = ItemExposureCounts.load(dir, ItemExposureCounts.DEFAULT_MAX_ITEMS);
        } catch (RuntimeException e) {
          LOG.warn("{} is unreadable ({}); starting with no new-item showings counted",
              dir.resolve(ItemExposureCounts.FILE), e.getMessage());
        }
      }
    }
    return new ExposureStore(dir, shown != null ? shown : new ShownItems(config, clock),
        counts != null ? counts : new ItemExposureCounts());
  }

  @Override
  public boolean seen(String user, String item) {
    return shown.seen(user, item);
  }

  @Override
  public void record(String user, Collection<String> items) {
    shown.record(user, items);
    changed.set(true);
  }

  @Override
  public ItemExposureCounts counts() {
    return counts;
  }

  /** Marks the new-item counts changed (the cold-start stage counted showings). */
  @Override
  public void countsChanged() {
    changed.set(true);
  }

  int users() {
    return shown.users();
  }

  long memoryBytes() {
    return shown.memoryBytes();
  }

  /** Saves both files when something changed since the last save (memory only: nothing). */
  void saveIfChanged() {
    if (dir == null || !changed.getAndSet(false)) {
      return;
    }
    try {
      shown.save(dir);
      counts.save(dir);
    } catch (RuntimeException e) {
      changed.set(true); // try again next time
      LOG.warn("saving the exposure store in {} failed: {}", dir, e.toString());
    }
  }
}
