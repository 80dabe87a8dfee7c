package genrec.serving.http;

import java.util.List;

/**
 * A request the service refuses: answered with {@code status} and a JSON body {@code {"error":
 * message, "field": field}} (plus {@code "unknown_items"} when ids were not found).
 */
public final class BadRequest extends RuntimeException {
  private final int status;
  private final String field;
  private final List<String> unknownItems;

  public BadRequest(int status, String field, String message) {
    this(status, field, message, List.of());
  }

  public BadRequest(int status, String field, String message, List<String> unknownItems) {
    super(message);
    this.status = status;
    this.field = field;
    this.unknownItems = List.copyOf(unknownItems);
  }

  public int status() {
    return status;
  }

  /** The offending field, or null when the body as a whole is wrong. */
  public String field() {
    return field;
  }

  public List<String> unknownItems() {
    return unknownItems;
  }
}
