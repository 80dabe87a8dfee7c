package genrec.quantizer.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, ordered item catalogue. Each item has a dense index {@code 0..size()-1} (its
 * position) that every model uses; external ids are mapped with {@link #indexOf(String)}. New
 * items are appended with {@link #withAdded(List)}: existing indices never change.
 */
public final class Catalog {
  private final List<Item> items;
  private final Map<String, Integer> index;

  public Catalog(List<Item> items) {
    this.items = List.copyOf(items);
    Map<String, Integer> m = new HashMap<>(items.size() * 2);
    for (int i = 0; i < this.items.size(); i++) {
      Integer prev = m.put(this.items.get(i).id(), i);
      if (prev != null) {
        throw new IllegalArgumentException(
            "duplicate item id '" + this.items.get(i).id() + "' at positions " + prev + " and " + i);
      }
    }
    this.index = Collections.unmodifiableMap(m);
  }

  public int size() {
    return items.size();
  }

  public Item get(int index) {
    return items.get(index);
  }

  public List<Item> items() {
    return items;
  }

  /** The dense index of an external id, or -1 when the id is not in the catalogue. */
  public int indexOf(String id) {
    Integer i = index.get(id);
    return i == null ? -1 : i;
  }

  public boolean contains(String id) {
    return index.containsKey(id);
  }

  /** A new catalogue with {@code added} appended; fails on an id that already exists. */
  public Catalog withAdded(List<Item> added) {
    List<Item> all = new ArrayList<>(items.size() + added.size());
    all.addAll(items);
    all.addAll(added);
    return new Catalog(all);
  }

  /** The embedding text of every item, in index order. */
  public List<String> embeddingTexts() {
    List<String> out = new ArrayList<>(items.size());
    for (Item it : items) {
      out.add(it.embeddingText());
    }
    return out;
  }
}
