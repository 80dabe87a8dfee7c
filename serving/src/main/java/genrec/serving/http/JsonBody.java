package genrec.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Request bodies, read and checked the same way on every JSON route: the body must be one JSON
 * object (UTF-8), nested at most {@value #MAX_DEPTH} levels, with numbers of at most {@value
 * #MAX_NUMBER_LENGTH} characters, no key twice and nothing after it; fields a route does not know
 * are refused by name. Every refusal is a {@link BadRequest} 400 whose message says what is wrong
 * (and where, for a syntax error) in words, never with the parser's exception text.
 */
final class JsonBody {
  /** Deepest nesting of arrays and objects a body may have. */
  static final int MAX_DEPTH = 32;
  /** Longest number literal, in characters. */
  static final int MAX_NUMBER_LENGTH = 100;
  /** How much of a caller's field name or value an error message repeats. */
  private static final int SHOWN_CHARS = 60;

  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
              .maxNumberLength(MAX_NUMBER_LENGTH).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonBody() {}

  /**
   * The body as a JSON object.
   *
   * @param emptyIsObject whether an empty (or blank) body means {@code {}}
   * @param contentType the request's Content-Type header, or null (named in the error when the
   *     body is not JSON and was not sent as JSON)
   * @param shape the expected body, for the error when the root is not an object
   * @throws BadRequest 400 for an empty body, invalid JSON, a body beyond the limits, or a root
   *     that is not an object
   */
  static ObjectNode object(byte[] body, boolean emptyIsObject, String contentType, String shape) {
    if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB
        && body[2] == (byte) 0xBF) { // a UTF-8 byte-order mark, which JSON text may start with
      body = java.util.Arrays.copyOfRange(body, 3, body.length);
    }
    if (isBlank(body)) {
      if (emptyIsObject) {
        return JSON.createObjectNode();
      }
      throw new BadRequest(400, null, "the body is empty; expected a JSON object " + shape);
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      throw new BadRequest(400, null, beyondLimits(e));
    } catch (MismatchedInputException e) {
      String m = String.valueOf(e.getOriginalMessage());
      throw new BadRequest(400, null, "malformed JSON: " + (m.startsWith("Trailing token")
          ? "more content after the JSON value" + at(e.getLocation()) + " (send one JSON object)"
          : m.startsWith("No content") ? "no JSON value in the body" : describe(e)
              + at(e.getLocation())) + sentAs(contentType));
    } catch (JsonProcessingException e) {
      throw new BadRequest(400, null, "malformed JSON: " + describe(e) + at(e.getLocation())
          + sentAs(contentType));
    } catch (IOException | RuntimeException e) {
      // e.g. bytes that are no Unicode encoding at all
      throw new BadRequest(400, null, "malformed JSON: the body is not JSON text in UTF-8"
          + sentAs(contentType));
    }
    if (n == null || n.isMissingNode()) {
      throw new BadRequest(400, null, "the body holds no JSON value; expected a JSON object "
          + shape);
    }
    if (!n.isObject()) {
      throw new BadRequest(400, null, "the body must be a JSON object " + shape + ", got "
          + kind(n));
    }
    return (ObjectNode) n;
  }

  /**
   * Refuses a field of {@code obj} that is not in {@code allowed}: 400 naming it ({@code at}
   * followed by the name, e.g. {@code items[2].colour}).
   *
   * @param at the object's path with a trailing dot, or "" for the body itself
   */
  static void onlyFields(JsonNode obj, Set<String> allowed, String at) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new BadRequest(400, at + shown(f), "unknown field '" + at + shown(f)
            + "' (expected " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }

  /** A JSON value's kind in words, for "must be ..., got ..." messages. */
  static String kind(JsonNode n) {
    if (n.isIntegralNumber()) {
      return "an integer";
    }
    if (n.isNumber()) {
      return "a number with a fraction or exponent";
    }
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case BOOLEAN -> n.booleanValue() ? "true" : "false";
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * A caller's text as an error message may repeat it: control characters as {@code ?}, cut
   * after {@value #SHOWN_CHARS} characters.
   */
  static String shown(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= SHOWN_CHARS ? clean : clean.substring(0, SHOWN_CHARS) + "...";
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String beyondLimits(StreamConstraintsException e) {
    String m = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("nesting depth")) {
      return "the JSON is nested more than " + MAX_DEPTH + " levels deep";
    }
    if (m.contains("number")) {
      return "a number in the JSON is longer than " + MAX_NUMBER_LENGTH + " characters";
    }
    if (m.contains("name")) {
      return "a field name in the JSON is too long";
    }
    return "the JSON is beyond the service's limits (string length or document size)";
  }

  /**
   * The parser's description of a syntax error in words: its first line, without the location
   * (added separately) and without anything that names the parser's own classes or settings.
   */
  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null || msg.isBlank()) {
      return "not valid JSON";
    }
    if (msg.startsWith("Non-standard token '")) { // NaN, Infinity
      int end = msg.indexOf('\'', "Non-standard token '".length());
      String token = end > 0 ? msg.substring("Non-standard token '".length(), end) : "NaN";
      return "'" + shown(token) + "' is not a JSON value (JSON has no NaN or Infinity)";
    }
    int cut = msg.indexOf(" (start marker");
    msg = (cut > 0 ? msg.substring(0, cut) : msg).lines().findFirst().orElse(msg);
    if (msg.contains("`") || msg.contains("com.fasterxml") || msg.contains("java.")
        || msg.contains("Exception")) {
      return "not valid JSON";
    }
    return msg.length() <= 200 ? msg : msg.substring(0, 200) + "...";
  }

  private static String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String sentAs(String contentType) {
    if (contentType == null) {
      return "";
    }
    String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.isEmpty() || media.equals("application/json") || media.endsWith("+json")
        || media.equals("application/x-www-form-urlencoded")) { // what curl -d sends
      return "";
    }
    return "; it was sent as Content-Type " + shown(media) + ", the API reads application/json";
  }
}
