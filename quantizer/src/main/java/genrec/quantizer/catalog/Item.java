package genrec.quantizer.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One catalogue item.
 *
 * @param id the external id, as it appears in the user's data (never empty)
 * @param title the display title (may be empty)
 * @param text free description text (may be empty)
 * @param categories category / genre / brand names, most general first (may be empty)
 * @param attributes opaque attribute tokens, e.g. Amazon's attribute ids (may be empty)
 */
public record Item(
    String id, String title, String text, List<String> categories, List<String> attributes) {

  public Item {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("item id is empty");
    }
    String bad = controlCharacterIn(id);
    if (bad != null) {
      throw new IllegalArgumentException("item id " + bad);
    }
    title = title == null ? "" : title;
    text = text == null ? "" : text;
    categories = categories == null ? List.of() : List.copyOf(categories);
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
  }

  /**
   * Why {@code id} cannot be an item id because it holds a tab, line break or other control
   * character (ids are a field of the tab-separated {@code sid.tsv}), with those characters
   * shown as {@code ?}; null if it holds none.
   */
  public static String controlCharacterIn(String id) {
    return id.chars().anyMatch(Character::isISOControl)
        ? "'" + id.replaceAll("\\p{Cntrl}", "?") + "' holds a tab, line break or other control "
            + "character"
        : null;
  }

  public static Item of(String id, String title) {
    return new Item(id, title, "", List.of(), List.of());
  }

  /**
   * The text a sentence encoder reads: the title, then the categories, then the description, from
   * the fields that exist. Truncation to the encoder's token limit happens in the tokenizer.
   */
  public String embeddingText() {
    StringBuilder sb = new StringBuilder(title.strip());
    if (!categories.isEmpty()) {
      if (sb.length() > 0) {
        sb.append(". ");
      }
      sb.append(String.join(", ", categories));
    }
    if (!text.isBlank()) {
      if (sb.length() > 0) {
        sb.append(". ");
      }
      sb.append(text.strip());
    }
    return sb.length() == 0 ? "item " + id : sb.toString();
  }
}
