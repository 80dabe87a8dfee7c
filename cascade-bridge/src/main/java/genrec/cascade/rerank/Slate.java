package genrec.cascade.rerank;

import java.util.Arrays;

/**
 * The slots of a slate filled so far, as rules see them while the next slot is being chosen.
 * Read-only for rules; the re-rankers fill it.
 */
public final class Slate {
  private final Candidates candidates;
  private final int target;
  private final int[] picks;
  private final boolean[] placed;
  private int size;

  Slate(Candidates candidates, int target) {
    this.candidates = candidates;
    this.target = target;
    this.picks = new int[target];
    this.placed = new boolean[candidates.size()];
  }

  public Candidates candidates() {
    return candidates;
  }

  /** The slate's final length (the slot being chosen is {@link #size()}). */
  public int target() {
    return target;
  }

  /** Slots filled so far; also the index of the slot being chosen. */
  public int size() {
    return size;
  }

  /** The candidate in slot {@code slot < size()}. */
  public int at(int slot) {
    if (slot < 0 || slot >= size) {
      throw new IndexOutOfBoundsException("slot " + slot + " of " + size);
    }
    return picks[slot];
  }

  /** Whether candidate {@code i} already has a slot. */
  public boolean contains(int i) {
    return placed[i];
  }

  void add(int candidate) {
    picks[size++] = candidate;
    placed[candidate] = true;
  }

  int[] picks() {
    return Arrays.copyOf(picks, size);
  }
}
