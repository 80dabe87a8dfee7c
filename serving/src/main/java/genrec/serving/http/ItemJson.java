package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.quantizer.catalog.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Items in JSON, both ways: an item of the catalogue as a response object ({@link #itemJson}),
 * and the items of a {@code POST /v1/items} body, validated field by field ({@link #parseItems}).
 */
final class ItemJson {
  private static final ObjectMapper JSON = Replies.JSON;
  /** The fields of one item in a {@code POST /v1/items} body. */
  static final Set<String> ITEM_FIELDS = Set.of("id", "title", "text", "categories");
  /** The fields of a {@code POST /v1/items} body with an {@code items} array. */
  static final Set<String> ITEMS_FIELDS = Set.of("items");
  /** The body's shape, for error messages. */
  static final String ITEMS_SHAPE = "{\"items\": [{\"id\", \"title\", \"text\", "
      + "\"categories\"}, ...]} or one such item";

  private ItemJson() {}

  /**
   * An item as JSON: {@code {"id", "title", "sid": [codes]}}, with {@code full} also {@code
   * "text"} and {@code "categories"}.
   */
  static ObjectNode itemJson(ServingModel model, int index, boolean full) {
    Item item = model.item(index);
    ObjectNode it = JSON.createObjectNode();
    it.put("id", item.id());
    it.put("title", item.title());
    ArrayNode sid = it.putArray("sid");
    for (int c : model.codes(index)) {
      sid.add(c);
    }
    if (full) {
      it.put("text", item.text());
      ArrayNode cats = it.putArray("categories");
      item.categories().forEach(cats::add);
    }
    return it;
  }

  /**
   * The items of a {@code POST /v1/items} body: {@code {"items": [...]}} (fields named {@code
   * items[i].name}) or one item (fields named by their names).
   */
  static List<Item> parseItems(ObjectNode body, int maxNewItems) {
    JsonNode arr;
    boolean single = !body.has("items");
    if (single) {
      arr = JSON.createArrayNode().add(body);
    } else {
      JsonBody.onlyFields(body, ITEMS_FIELDS, "");
      arr = body.get("items");
      if (!arr.isArray()) {
        throw new BadRequest(400, "items", "items must be an array of {id, title, text}, got "
            + JsonBody.kind(arr));
      }
    }
    if (arr.isEmpty()) {
      throw new BadRequest(400, "items", "items is empty");
    }
    if (arr.size() > maxNewItems) {
      throw new BadRequest(400, "items", arr.size() + " items in one request; the limit is "
          + maxNewItems);
    }
    List<Item> out = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      JsonNode n = arr.get(i);
      String at = "items[" + i + "]";
      if (!n.isObject()) {
        throw new BadRequest(400, at, at + " must be an object {id, title, text}, got "
            + JsonBody.kind(n));
      }
      String p = single ? "" : at + "."; // the prefix of its field names
      JsonBody.onlyFields(n, ITEM_FIELDS, p);
      JsonNode id = n.get("id");
      if (id == null || id.isNull()) {
        throw new BadRequest(400, p + "id", p + "id is required: a non-empty string");
      }
      if (!(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
        throw new BadRequest(400, p + "id", p + "id must be a non-empty string, got "
            + (id.isTextual() ? "a blank string" : JsonBody.kind(id)));
      }
      String itemId = id.asText().strip();
      // the id is a field of the tab-separated sid.tsv: a tab, line break or other control
      // character would make the run's files unreadable
      if (Item.controlCharacterIn(itemId) != null) {
        throw new BadRequest(400, p + "id",
            p + "id must not contain tabs, line breaks or other control characters");
      }
      if (!ids.add(itemId)) {
        throw new BadRequest(400, p + "id", "item '" + JsonBody.shown(itemId)
            + "' appears twice in the request");
      }
      String title = text(n, "title", p);
      String text = text(n, "text", p);
      if (title.isBlank() && text.isBlank()) {
        throw new BadRequest(400, p + "title", (single ? "the item" : at)
            + " needs a title or a text: the semantic ID is computed from them");
      }
      List<String> cats = new ArrayList<>();
      JsonNode c = n.get("categories");
      if (c != null && !c.isNull()) {
        if (!c.isArray()) {
          throw new BadRequest(400, p + "categories", p + "categories must be an array of "
              + "strings, got " + JsonBody.kind(c));
        }
        for (int j = 0; j < c.size(); j++) {
          if (!c.get(j).isTextual()) {
            throw new BadRequest(400, p + "categories[" + j + "]", p + "categories[" + j
                + "] must be a string, got " + JsonBody.kind(c.get(j)));
          }
          cats.add(c.get(j).asText());
        }
      }
      out.add(new Item(itemId, title, text, cats, List.of()));
    }
    return out;
  }

  /** A string field of an item ({@code p}: the prefix of its name); absent or null is "". */
  private static String text(JsonNode n, String field, String p) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new BadRequest(400, p + field, p + field + " must be a string, got "
          + JsonBody.kind(v));
    }
    return v.asText();
  }
}
