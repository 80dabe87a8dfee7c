package genrec.cascade.rerank;

/**
 * Item {@code id} in slot {@code position} (0-based): that slot admits only this item, and no other
 * slot admits it. When the item is not among the candidates, or the slate is shorter than the
 * position, the rule does nothing (the result's notes say so).
 */
public final class PinnedSlot implements Rule {
  private final String id;
  private final int position;

  private PinnedSlot(String id, int position) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("pinned item id is empty");
    }
    if (position < 0) {
      throw new IllegalArgumentException("position=" + position + " must be >= 0");
    }
    this.id = id;
    this.position = position;
  }

  public static PinnedSlot of(String id, int position) {
    return new PinnedSlot(id, position);
  }

  @Override
  public boolean allows(Slate slate, int candidate) {
    int pinned = slate.candidates().indexOf(id);
    if (pinned < 0 || position >= slate.target()) {
      return true;
    }
    return slate.size() == position ? candidate == pinned : candidate != pinned;
  }

  @Override
  public String check(Candidates candidates, int k) {
    if (candidates.indexOf(id) < 0) {
      return "pinned item '" + id + "' is not among the candidates; slot " + position + " is not pinned";
    }
    return position >= k ? "pinned slot " + position + " is beyond the slate of " + k + "; not pinned" : null;
  }

  @Override
  public String describe() {
    return "item '" + id + "' in slot " + position;
  }
}
