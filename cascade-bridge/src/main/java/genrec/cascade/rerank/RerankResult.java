package genrec.cascade.rerank;

import java.util.List;

/**
 * A re-ranked slate.
 *
 * @param order candidate indices, slot by slot (length {@code min(k, candidates)})
 * @param ids the same slate as item ids
 * @param notes what did not go as asked, in slot order: rules relaxed for a slot, rules that could
 *     not act, a DPP kernel that ran out of rank; empty when everything went as asked
 */
public record RerankResult(int[] order, List<String> ids, List<String> notes) {
  public RerankResult {
    order = order.clone();
    ids = List.copyOf(ids);
    notes = List.copyOf(notes);
  }

  @Override
  public int[] order() {
    return order.clone();
  }

  /** The slate's length. */
  public int size() {
    return order.length;
  }
}
