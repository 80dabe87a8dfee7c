package genrec.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * How every route answers: a JSON body with its status, counted in {@link Metrics} under the
 * route's endpoint name; an error is {@code {"error": message, "field"?: name,
 * "unknown_items"?: [ids]}} ({@link BadRequest}). A response already ended (a timeout answered
 * first) or a closed connection is left alone.
 */
final class Replies {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The message of a 500: what went wrong stays in the server log. */
  static final String INTERNAL = "internal error; the server log has the details";

  private final Metrics metrics;

  Replies(Metrics metrics) {
    this.metrics = metrics;
  }

  /** Answers {@code e}'s status with the JSON error body. */
  void error(HttpServerRequest req, long t0, String endpoint, BadRequest e) {
    send(req, t0, endpoint, e.status(), errorBody(e));
  }

  /** The JSON error body of {@code e}. */
  static ObjectNode errorBody(BadRequest e) {
    ObjectNode out = JSON.createObjectNode().put("error", e.getMessage());
    if (e.field() != null) {
      out.put("field", e.field());
    }
    if (!e.unknownItems().isEmpty()) {
      ArrayNode u = out.putArray("unknown_items");
      e.unknownItems().forEach(u::add);
    }
    return out;
  }

  /** Answers {@code status} with {@code body} as JSON. */
  void send(HttpServerRequest req, long t0, String endpoint, int status, JsonNode body) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    metrics.request(endpoint, status, System.nanoTime() - t0);
    resp.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(bytes));
  }

  /** Nanoseconds as milliseconds with two decimals, for {@code timing_ms}. */
  static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }
}
