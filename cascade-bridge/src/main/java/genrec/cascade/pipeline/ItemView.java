package genrec.cascade.pipeline;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The items a pipeline names: the dataset's catalogue, then (in a server) the items added live.
 * Implementations are thread-safe.
 */
public interface ItemView {
  /** Items that can be recommended. */
  int numItems();

  Item item(int index);

  /** The item's index, or -1 if unknown. */
  int indexOf(String id);

  /** The item's semantic ID (c1, c2, c3, dedup), or null when the run has none. */
  int[] codes(int index);

  /** When the item was added live, or null for a dataset item. */
  Instant addedAt(String id);

  /** A fixed catalogue with its semantic IDs ({@code codes} may be null): what offline runs see. */
  static ItemView of(Catalog catalog, int[][] codes) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < catalog.size(); i++) {
      index.put(catalog.get(i).id(), i);
    }
    return new ItemView() {
      @Override
      public int numItems() {
        return catalog.size();
      }

      @Override
      public Item item(int i) {
        return catalog.get(i);
      }

      @Override
      public int indexOf(String id) {
        return index.getOrDefault(id, -1);
      }

      @Override
      public int[] codes(int i) {
        return codes == null ? null : codes[i];
      }

      @Override
      public Instant addedAt(String id) {
        return null;
      }
    };
  }
}
