package genrec.serving.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The body of a request, read whole within a size limit before a route sees it. */
final class BodyReader {
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final String INTERNAL = Replies.INTERNAL;

  private final int maxBodyBytes;
  private final Replies replies;

  BodyReader(int maxBodyBytes, Replies replies) {
    this.maxBodyBytes = maxBodyBytes;
    this.replies = replies;
  }

  /**
   * Reads the whole body of {@code req}, then hands it to {@code then} (a {@link BadRequest} it
   * throws is answered; any other exception is a logged 500). Refuses a compressed body with 415
   * and more than {@code maxBodyBytes} with 413 (declared or sent), closing the connection.
   */
  void read(HttpServerRequest req, long t0, String endpoint, Consumer<Buffer> then) {
    int max = maxBodyBytes;
    String encoding = req.getHeader("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
      req.response().putHeader("Connection", "close");
      replies.error(req, t0, endpoint, new BadRequest(415, "Content-Encoding", "Content-Encoding '"
          + JsonBody.shown(encoding.strip()) + "' is not supported: send the JSON uncompressed"));
      return;
    }
    String cl = req.getHeader("Content-Length");
    if (cl != null) {
      long n;
      try {
        n = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n > max) {
        req.response().putHeader("Connection", "close");
        replies.error(req, t0, endpoint, new BadRequest(413, null,
            "body of " + n + " bytes is larger than the limit of " + max + " bytes"));
        return;
      }
    }
    Buffer body = Buffer.buffer();
    AtomicBoolean over = new AtomicBoolean();
    req.handler(chunk -> {
      if (over.get()) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        over.set(true);
        req.response().putHeader("Connection", "close");
        replies.error(req, t0, endpoint, new BadRequest(413, null,
            "body is larger than the limit of " + max + " bytes"));
      } else {
        body.appendBuffer(chunk);
      }
    });
    req.exceptionHandler(e -> LOG.debug("request body failed: {}", e.toString()));
    req.endHandler(v -> {
      if (!over.get()) {
        try {
          then.accept(body);
        } catch (BadRequest e) {
          replies.error(req, t0, endpoint, e);
        } catch (RuntimeException e) {
          LOG.error("{} failed", endpoint, e);
          replies.error(req, t0, endpoint, new BadRequest(500, null, INTERNAL));
        }
      }
    });
  }

  /** The body as one JSON object ({@link JsonBody#object}). */
  static ObjectNode json(HttpServerRequest req, Buffer body, boolean emptyIsObject,
      String shape) {
    return JsonBody.object(body.getBytes(), emptyIsObject, req.getHeader("Content-Type"), shape);
  }
}
