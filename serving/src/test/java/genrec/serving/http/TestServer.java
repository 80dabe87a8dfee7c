package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@link GenrecServer} on port 0 with its own Vert.x (an event loop blocked for longer than
 * {@link EventLoopWatch#MAX_BLOCK_MS} fails the test at {@link #close})
 * and a client that sends raw bytes, for the hostile-input tests.
 */
final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Vertx vertx;
  final GenrecServer server;
  private final EventLoopWatch watch;
  private final HttpClient client;

  private TestServer(EventLoopWatch watch, GenrecServer server) {
    this.watch = watch;
    this.vertx = watch.vertx();
    this.server = server;
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.port())
        .setDefaultHost("127.0.0.1"));
  }

  /** Serves {@code run} (loaded with the tiny run's dataset) with {@code config}. */
  static TestServer start(ServerConfig config, Path run) {
    Function<Path, ServingModel> loader = p -> ServingModel.load(TinyRun.get().dataset(), p, 20);
    EventLoopWatch watch = new EventLoopWatch();
    Vertx vertx = watch.vertx();
    ModelHolder holder = new ModelHolder();
    holder.swap(loader.apply(run));
    return new TestServer(watch, GenrecServer.start(vertx, config, holder, loader::apply));
  }

  /** Serves {@code model} (already loaded; reloads use the tiny run's dataset) with {@code config}. */
  static TestServer start(ServerConfig config, ServingModel model) {
    Function<Path, ServingModel> loader = p -> ServingModel.load(TinyRun.get().dataset(), p, 20);
    EventLoopWatch watch = new EventLoopWatch();
    Vertx vertx = watch.vertx();
    ModelHolder holder = new ModelHolder();
    holder.swap(model);
    return new TestServer(watch, GenrecServer.start(vertx, config, holder, loader::apply));
  }

  /** A server with no model loaded yet (reloads use the tiny run's dataset). */
  static TestServer startEmpty(ServerConfig config) {
    Function<Path, ServingModel> loader = p -> ServingModel.load(TinyRun.get().dataset(), p, 20);
    EventLoopWatch watch = new EventLoopWatch();
    return new TestServer(watch, GenrecServer.start(watch.vertx(), config, new ModelHolder(),
        loader::apply));
  }

  /** A response: status, headers (lower-case names) and body. */
  record Resp(int status, Map<String, String> headers, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  Resp send(HttpMethod m, String path, String body, Map<String, String> headers)
      throws Exception {
    return send(m, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
  }

  Resp send(HttpMethod m, String path, byte[] body, Map<String, String> headers)
      throws Exception {
    return sendAsync(m, path, body, headers).get(60, TimeUnit.SECONDS);
  }

  /** Sends without waiting for the answer. */
  java.util.concurrent.CompletableFuture<Resp> sendAsync(HttpMethod m, String path, byte[] body,
      Map<String, String> headers) {
    return client.request(new RequestOptions().setMethod(m).setURI(path)).compose(req -> {
      headers.forEach(req::putHeader);
      io.vertx.core.Future<HttpClientResponse> f =
          body == null ? req.send() : req.send(Buffer.buffer(body));
      return f.compose(resp -> resp.body().map(b -> {
        Map<String, String> h = new HashMap<>();
        resp.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
        return new Resp(resp.statusCode(), h, b.toString(StandardCharsets.UTF_8));
      }));
    }).toCompletionStage().toCompletableFuture();
  }

  @Override
  public void close() throws Exception {
    server.stop().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    watch.assertNoneBlocked();
  }
}
