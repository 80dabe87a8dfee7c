package genrec.serving.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the server: each path (or path prefix, for {@code /v1/items/{id}}) has one
 * method, an endpoint name (the {@code endpoint} label of the request metrics), whether it is an
 * admin route (a bearer token, {@link AdminToken}) and whether it reads a JSON body ({@link
 * BodyReader}). It answers what no route takes: 404 for an unknown path, 405 with {@code Allow}
 * for another method, 401/403 for an admin route without the token, and a request the HTTP
 * decoder refused (414 request line too long, 431 headers too large, 400 malformed) with the same
 * JSON error body as every other error. A {@link BadRequest} a handler throws is answered with
 * its status; any other exception is logged and answered 500 without its text.
 */
final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final String INTERNAL = Replies.INTERNAL;

  /** A route that needs no body: {@code rest} is the path after a prefix route's prefix. */
  interface Handler {
    void handle(HttpServerRequest req, long t0, String rest);
  }

  /** A route that reads the whole body first. */
  interface BodyHandler {
    void handle(HttpServerRequest req, long t0, Buffer body);
  }

  /**
   * One route.
   *
   * @param template the path as documented ({@code /v1/items/{id}} for a prefix route)
   * @param path the exact path, or the prefix of a prefix route
   */
  record Route(String template, String path, boolean prefix, HttpMethod method, String endpoint,
      boolean admin, Handler handler, BodyHandler bodyHandler) {}

  private final List<Route> routes = new ArrayList<>();
  private final String adminToken;
  private final BodyReader bodies;
  private final Replies replies;
  private final int maxHeaderBytes;
  private final int maxRequestLineChars;

  /**
   * @param adminToken the admin routes' bearer token, or null: admin routes closed (403)
   * @param maxHeaderBytes the HTTP server's header limit (named in a 431)
   * @param maxRequestLineChars the HTTP server's request-line limit (named in a 414)
   */
  Router(String adminToken, BodyReader bodies, Replies replies, int maxHeaderBytes,
      int maxRequestLineChars) {
    this.adminToken = adminToken;
    this.bodies = bodies;
    this.replies = replies;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxRequestLineChars = maxRequestLineChars;
  }

  /** {@code GET path}. */
  Router get(String path, String endpoint, Handler h) {
    routes.add(new Route(path, path, false, HttpMethod.GET, endpoint, false, h, null));
    return this;
  }

  /** {@code GET prefix{name}}: {@code rest} is the (still %-escaped) rest of the path. */
  Router getPrefix(String prefix, String name, String endpoint, Handler h) {
    routes.add(new Route(prefix + "{" + name + "}", prefix, true, HttpMethod.GET, endpoint, false,
        h, null));
    return this;
  }

  /** {@code POST path} with a body; {@code admin}: only with the admin token. */
  Router post(String path, String endpoint, boolean admin, BodyHandler h) {
    routes.add(new Route(path, path, false, HttpMethod.POST, endpoint, admin, null, h));
    return this;
  }

  /** The routes, in the order they were added. */
  List<Route> routes() {
    return List.copyOf(routes);
  }

  /** The route of {@code path}: an exact path first, then a prefix; null for none. */
  private Route find(String path) {
    for (Route r : routes) {
      if (!r.prefix() && r.path().equals(path)) {
        return r;
      }
    }
    for (Route r : routes) {
      if (r.prefix() && path.startsWith(r.path())) {
        return r;
      }
    }
    return null;
  }

  /** Answers {@code req} (the HTTP server's request handler). */
  void handle(HttpServerRequest req) {
    long t0 = System.nanoTime();
    String path = req.path();
    HttpMethod m = req.method();
    try {
      Route r = find(path);
      if (r == null) {
        replies.error(req, t0, "not_found", new BadRequest(404, null, "no route " + m + " "
            + JsonBody.shown(path)));
      } else if (method(req, t0, r.endpoint(), m, r.method())
          && (!r.admin() || authorized(req, t0, r.endpoint()))) {
        if (r.bodyHandler() != null) {
          bodies.read(req, t0, r.endpoint(), b -> r.bodyHandler().handle(req, t0, b));
        } else {
          r.handler().handle(req, t0, r.prefix() ? path.substring(r.path().length()) : path);
        }
      }
    } catch (BadRequest e) {
      replies.error(req, t0, "error", e);
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", m, path, e);
      replies.error(req, t0, "error", new BadRequest(500, null, INTERNAL));
    }
  }

  /**
   * Answers a request the HTTP decoder refused (the server's invalid-request handler), then
   * closes the connection, as Vert.x's own handler does, but with the JSON error body.
   */
  void invalid(HttpServerRequest req) {
    long t0 = System.nanoTime();
    Throwable cause = req.decoderResult().cause();
    BadRequest e;
    if (cause instanceof TooLongHttpLineException) {
      e = new BadRequest(414, null, "the request line is longer than the limit of "
          + maxRequestLineChars + " characters");
    } else if (cause instanceof TooLongHttpHeaderException) {
      e = new BadRequest(431, null, "the request headers are larger than the limit of "
          + maxHeaderBytes + " bytes");
    } else {
      e = new BadRequest(400, null, "malformed HTTP request");
    }
    req.response().putHeader("Connection", "close");
    replies.error(req, t0, "invalid_request", e);
    req.connection().close();
  }

  private boolean method(HttpServerRequest req, long t0, String endpoint, HttpMethod actual,
      HttpMethod allowed) {
    if (actual.equals(allowed)) {
      return true;
    }
    req.response().putHeader("Allow", allowed.name());
    replies.error(req, t0, endpoint, new BadRequest(405, null,
        actual + " is not allowed on " + req.path() + " (use " + allowed + ")"));
    return false;
  }

  /** Admin routes: the configured token as a bearer token (constant-time comparison). */
  private boolean authorized(HttpServerRequest req, long t0, String endpoint) {
    String token = adminToken;
    if (token == null) {
      replies.error(req, t0, endpoint, new BadRequest(403, null, req.path()
          + " is an admin route and this server has no admin token, so admin routes are closed"));
      return false;
    }
    if (!AdminToken.matches(req.getHeader("Authorization"), token)) {
      req.response().putHeader("WWW-Authenticate", "Bearer");
      replies.error(req, t0, endpoint, new BadRequest(401, "Authorization", req.path()
          + " is an admin route: it needs the header 'Authorization: Bearer <admin token>' "
          + "(genrec serve prints where the token is)"));
      return false;
    }
    return true;
  }
}
