package genrec.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /v1/recommend} body against one model: {@code {"user_id"?: ...,
 * "history": [item ids, oldest first], "k": 10, "beam": 20, "exclude_history": true,
 * "pipeline"?: {...}, "record_exposure"?: false}}. With {@code pipeline} (or {@code
 * record_exposure}, or a server whose preset runs the cascade by default) the request runs the
 * cascade ({@link PipelineRequest}, {@link Cascade}); without, the generator's list.
 *
 * @param userId the caller's user id, echoed back (the generator does not use it), or null
 * @param history item indices, the most recent {@code historyWindow} items
 * @param k items to return
 * @param beam beam width
 * @param excludeHistory leave the history's items out of the results
 * @param notes what the service changed about the request (truncation, fallback)
 * @param pipeline the request's {@code pipeline} object, or null when it has none (validated by
 *     {@link PipelineRequest#parse})
 * @param recordExposure record the returned items as shown to {@code userId}
 */
public record RecommendRequest(
    String userId, int[] history, int k, int beam, boolean excludeHistory, List<String> notes,
    JsonNode pipeline, boolean recordExposure) {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> FIELDS = Set.of("user_id", "history", "k", "beam", "exclude_history",
      "pipeline", "record_exposure");
  static final int DEFAULT_K = 10;
  static final int DEFAULT_BEAM = 20;
  static final boolean DEFAULT_EXCLUDE_HISTORY = true;
  static final boolean DEFAULT_RECORD_EXPOSURE = false;
  /**
   * Longest {@code user_id} in characters: the id is a key of the exposure store, kept in memory
   * and saved with every user's filters, so one caller must not be able to make it huge.
   */
  public static final int MAX_USER_ID_CHARS = 256;
  /** The body's shape, for error messages. */
  static final String SHAPE = "{\"history\": [item ids], \"k\"?, \"beam\"?, "
      + "\"exclude_history\"?, \"user_id\"?, \"pipeline\"?, \"record_exposure\"?}";

  /**
   * Validates {@code body}.
   *
   * @throws BadRequest naming the field: not an object, unknown field, wrong type, k or beam out
   *     of range, unknown item ids (all of them listed)
   */
  public static RecommendRequest parse(JsonNode body, ServingModel model, ServerConfig config) {
    if (body == null || !body.isObject()) {
      throw new BadRequest(400, null, "the body must be a JSON object " + SHAPE);
    }
    JsonBody.onlyFields(body, FIELDS, "");
    String userId = null;
    JsonNode u = body.get("user_id");
    if (u != null && !u.isNull()) {
      if (!u.isTextual() && !u.isIntegralNumber()) {
        throw new BadRequest(400, "user_id", "user_id must be a string or an integer, got "
            + JsonBody.kind(u));
      }
      userId = u.asText();
      if (userId.length() > MAX_USER_ID_CHARS) {
        throw new BadRequest(400, "user_id", "user_id has " + userId.length() + " characters; the "
            + "limit is " + MAX_USER_ID_CHARS);
      }
    }
    int maxK = Math.min(config.maxK(), model.numItems());
    int k = intField(body, "k", DEFAULT_K, 1, maxK);
    int beam = intField(body, "beam", DEFAULT_BEAM, 1, config.maxBeam());
    if (beam < k) {
      throw new BadRequest(400, "beam", "beam=" + beam + " must be >= k=" + k);
    }
    boolean exclude = DEFAULT_EXCLUDE_HISTORY;
    JsonNode ex = body.get("exclude_history");
    if (ex != null && !ex.isNull()) {
      if (!ex.isBoolean()) {
        throw new BadRequest(400, "exclude_history", "exclude_history must be true or false, got "
            + JsonBody.kind(ex));
      }
      exclude = ex.booleanValue();
    }
    boolean record = DEFAULT_RECORD_EXPOSURE;
    JsonNode rec = body.get("record_exposure");
    if (rec != null && !rec.isNull()) {
      if (!rec.isBoolean()) {
        throw new BadRequest(400, "record_exposure", "record_exposure must be true or false, got "
            + JsonBody.kind(rec));
      }
      record = rec.booleanValue();
      if (record && userId == null) {
        throw new BadRequest(400, "record_exposure", "record_exposure needs a user_id: the "
            + "items are recorded as shown to that user");
      }
    }
    JsonNode pipeline = body.get("pipeline");
    if (pipeline != null && pipeline.isNull()) {
      pipeline = null;
    }
    JsonNode h = body.get("history");
    if (h == null || h.isNull()) {
      throw new BadRequest(400, "history", "history is required: the user's item ids, oldest "
          + "first (an empty list gets popular items)");
    }
    if (!h.isArray()) {
      throw new BadRequest(400, "history", "history must be an array of item ids, got "
          + JsonBody.kind(h));
    }
    int[] items = new int[h.size()];
    Set<String> unknown = new LinkedHashSet<>();
    for (int i = 0; i < items.length; i++) {
      JsonNode e = h.get(i);
      if (!e.isTextual() && !e.isIntegralNumber()) {
        throw new BadRequest(400, "history[" + i + "]",
            "history[" + i + "] must be an item id (string or integer), got "
                + JsonBody.kind(e));
      }
      String id = e.asText();
      items[i] = model.indexOf(id);
      if (items[i] < 0) {
        unknown.add(id);
      }
    }
    if (!unknown.isEmpty()) {
      List<String> ids = new ArrayList<>(unknown);
      String shown = String.join(", ",
          ids.subList(0, Math.min(10, ids.size())).stream().map(JsonBody::shown).toList());
      throw new BadRequest(400, "history", ids.size() + " unknown item id"
          + (ids.size() == 1 ? "" : "s") + ": " + shown + (ids.size() > 10 ? ", ..." : ""), ids);
    }
    List<String> notes = new ArrayList<>();
    int window = model.historyWindow();
    if (items.length > window) {
      notes.add("history has " + items.length + " items; the model reads the last " + window);
      items = Arrays.copyOfRange(items, items.length - window, items.length);
    }
    if (items.length == 0) {
      notes.add("empty history: popular items instead of generated ones");
    }
    return new RecommendRequest(userId, items, k, beam, exclude, List.copyOf(notes), pipeline,
        record);
  }

  /** The JSON body of a request: {@code {"history": ids, "k": k, "beam": beam, "exclude_history": true}}. */
  public static String body(List<String> history, int k, int beam) {
    ObjectNode n = JSON.createObjectNode();
    history.forEach(n.putArray("history")::add);
    n.put("k", k).put("beam", beam).put("exclude_history", true);
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JSON body of a request with a {@code pipeline} object (JSON text, or null for none).
   *
   * @throws IllegalArgumentException if {@code pipelineJson} is not a JSON object
   */
  public static String body(List<String> history, int k, int beam, String pipelineJson) {
    if (pipelineJson == null) {
      return body(history, k, beam);
    }
    ObjectNode n = JSON.createObjectNode();
    history.forEach(n.putArray("history")::add);
    n.put("k", k).put("beam", beam).put("exclude_history", true);
    try {
      JsonNode p = JSON.readTree(pipelineJson);
      if (p == null || !p.isObject()) {
        throw new IllegalArgumentException("the pipeline must be a JSON object {...}");
      }
      n.set("pipeline", p);
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the pipeline is not valid JSON: "
          + e.getOriginalMessage());
    }
  }

  private static int intField(JsonNode body, String name, int dflt, int min, int max) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return Math.min(dflt, max);
    }
    if (!n.isIntegralNumber()) {
      throw new BadRequest(400, name, name + " must be an integer, got " + JsonBody.kind(n));
    }
    if (!n.canConvertToInt()) {
      throw new BadRequest(400, name, name + "=" + JsonBody.shown(n.asText())
          + " is out of range [" + min + ", " + max + "]");
    }
    int v = n.intValue();
    if (v < min || v > max) {
      throw new BadRequest(400, name, name + "=" + v + " is out of range [" + min + ", " + max + "]");
    }
    return v;
  }
}
