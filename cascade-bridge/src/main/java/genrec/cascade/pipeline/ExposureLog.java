package genrec.cascade.pipeline;

import genrec.cascade.exposure.ItemExposureCounts;
import java.util.Collection;

/**
 * What the pipeline remembers across requests: the items each user was shown (the exposure
 * filter, {@code record_exposure}) and each new item's showings (the cold-start cap). The server
 * backs it with its saved store; offline runs use {@link #none()}. Thread-safe.
 */
public interface ExposureLog {
  boolean seen(String user, String item);

  void record(String user, Collection<String> items);

  /** The new items' showings, which the cold-start stage reads and counts into. */
  ItemExposureCounts counts();

  /** Called after the cold-start stage counted showings into {@link #counts()}. */
  void countsChanged();

  /** Nothing shown, nothing recorded; showings counted into a fresh, unsaved counter. */
  static ExposureLog none() {
    ItemExposureCounts counts = new ItemExposureCounts();
    return new ExposureLog() {
      @Override
      public boolean seen(String user, String item) {
        return false;
      }

      @Override
      public void record(String user, Collection<String> items) {}

      @Override
      public ItemExposureCounts counts() {
        return counts;
      }

      @Override
      public void countsChanged() {}
    };
  }
}
