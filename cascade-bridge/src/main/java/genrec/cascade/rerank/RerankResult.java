package genrec.cascade.rerank;

import java.util.List;

/**
 * A re-ranked slate.
 *
 * @param order candidate indices, slot by slot (length {@code min(k, candidates)})
 * @param ids the same slate as item ids
 * @param notes what did not go as asked, in slot order: rules relaxed for a slot, rules that could
 *     not act, a DPP kernel that ran out of rank; empty when everything went as asked. For
 *     people: code counts {@link #relaxedRules()} instead of reading them
 * @param relaxedRules how many times a rule was relaxed because no candidate met every rule in
 *     force for a slot (one per slot and rule dropped; each also has a note)
 */
public record RerankResult(int[] order, List<String> ids, List<String> notes, int relaxedRules) {
  public RerankResult {
    order = order.clone();
    ids = List.copyOf(ids);
    notes = List.copyOf(notes);
    if (relaxedRules < 0) {
      throw new IllegalArgumentException("relaxedRules=" + relaxedRules + " must be >= 0");
    }
  }

  /** A slate for which no rule was relaxed. */
  public RerankResult(int[] order, List<String> ids, List<String> notes) {
    this(order, ids, notes, 0);
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
