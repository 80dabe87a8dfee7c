package genrec.generator.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trie over the items' semantic IDs: only codes that continue the code path of at least one
 * real item are allowed, and a full path maps back to its item. Mutable: {@link #add} appends a
 * new item at run time (no retraining); readers and the writer are synchronised by a
 * read-write lock, so beam searches may run while items are added. Item indices are dense: the
 * i-th item added is item i.
 */
public final class PrefixTrie implements DecodeConstraint {
  private static final int[] NONE = new int[0];

  private final int levels;
  private final int codebookSize;
  private final Node root = new Node();
  private final List<int[]> itemCodes = new ArrayList<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  /** One trie node: sorted child codes with their nodes, or an item at a leaf. */
  private static final class Node {
    int[] codes = NONE;
    Node[] children = new Node[0];
    int item = -1;

    Node child(int code) {
      int i = Arrays.binarySearch(codes, code);
      return i >= 0 ? children[i] : null;
    }

    Node addChild(int code) {
      int i = Arrays.binarySearch(codes, code);
      if (i >= 0) {
        return children[i];
      }
      int at = -i - 1;
      int[] c = new int[codes.length + 1];
      Node[] n = new Node[children.length + 1];
      System.arraycopy(codes, 0, c, 0, at);
      System.arraycopy(children, 0, n, 0, at);
      c[at] = code;
      n[at] = new Node();
      System.arraycopy(codes, at, c, at + 1, codes.length - at);
      System.arraycopy(children, at, n, at + 1, children.length - at);
      codes = c;
      children = n;
      return n[at];
    }
  }

  public PrefixTrie(int levels, int codebookSize) {
    if (levels < 1) {
      throw new IllegalArgumentException("levels=" + levels + " must be >= 1");
    }
    if (codebookSize < 1) {
      throw new IllegalArgumentException("codebookSize=" + codebookSize + " must be >= 1");
    }
    this.levels = levels;
    this.codebookSize = codebookSize;
  }

  /** A trie of {@code codes} (item index → its codes); all rows must have the same length. */
  public static PrefixTrie of(int[][] codes, int codebookSize) {
    if (codes.length == 0) {
      throw new IllegalArgumentException("no items");
    }
    PrefixTrie t = new PrefixTrie(codes[0].length, codebookSize);
    for (int[] c : codes) {
      t.add(c);
    }
    return t;
  }

  /**
   * Adds an item.
   *
   * @return its index (the number of items before the call)
   * @throws IllegalArgumentException for a wrong length, a code out of range, or a path that
   *     already names another item
   */
  public int add(int[] codes) {
    if (codes.length != levels) {
      throw new IllegalArgumentException(
          "item has " + codes.length + " codes, expected levels=" + levels);
    }
    for (int l = 0; l < levels; l++) {
      if (codes[l] < 0 || codes[l] >= codebookSize) {
        throw new IllegalArgumentException("code " + codes[l] + " at level " + l
            + " is outside [0, " + codebookSize + ")");
      }
    }
    lock.writeLock().lock();
    try {
      int existing = find(codes);
      if (existing >= 0) {
        throw new IllegalArgumentException(
            "codes " + Arrays.toString(codes) + " already name item " + existing);
      }
      Node n = root;
      for (int c : codes) {
        n = n.addChild(c);
      }
      n.item = itemCodes.size();
      itemCodes.add(codes.clone());
      return n.item;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** A copy of the codes of {@code item}. */
  public int[] codesOf(int item) {
    lock.readLock().lock();
    try {
      if (item < 0 || item >= itemCodes.size()) {
        throw new IllegalArgumentException(
            "item " + item + " is outside [0, " + itemCodes.size() + ")");
      }
      return itemCodes.get(item).clone();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int levels() {
    return levels;
  }

  @Override
  public int codebookSize() {
    return codebookSize;
  }

  @Override
  public int numItems() {
    lock.readLock().lock();
    try {
      return itemCodes.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int[] allowedNext(int[] prefix) {
    if (prefix.length >= levels) {
      throw new IllegalArgumentException(
          "prefix of length " + prefix.length + " has no next level (levels=" + levels + ")");
    }
    lock.readLock().lock();
    try {
      Node n = root;
      for (int c : prefix) {
        n = n.child(c);
        if (n == null) {
          return NONE;
        }
      }
      return n.codes.clone();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int itemOf(int[] path) {
    if (path.length != levels) {
      return -1;
    }
    lock.readLock().lock();
    try {
      return find(path);
    } finally {
      lock.readLock().unlock();
    }
  }

  private int find(int[] path) {
    Node n = root;
    for (int c : path) {
      n = n.child(c);
      if (n == null) {
        return -1;
      }
    }
    return n.item;
  }
}
