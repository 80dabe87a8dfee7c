package genrec.serving.http;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP front of genrec (Vert.x core). Routes:
 *
 * <ul>
 *   <li>{@code POST /v1/recommend}: generated items for a history ({@link RecommendRequest}),
 *       or with a {@code pipeline} object the whole cascade ({@link PipelineRequest}, {@link
 *       Cascade}: recall channels, ranker hook, re-rank, rules, cold start, exposure filter);
 *   <li>{@code GET /v1/items/{id}}: an item with its semantic ID;
 *   <li>{@code POST /v1/items}: add new items (cold start, live, persisted; an admin route);
 *   <li>{@code GET /health}, {@code GET /ready}, {@code GET /metrics} (Prometheus);
 *   <li>{@code POST /admin/reload}: swap to a (new) run folder atomically (a mixture keeps its
 *       other runs: the loader decides).
 * </ul>
 *
 * <p>The admin routes ({@code POST /admin/reload} and {@code POST /v1/items}: they change what
 * every caller gets and write the run folder) need {@code Authorization: Bearer TOKEN} with the
 * configured {@link ServerConfig#adminToken()} (401 without it; 403 when the server has none).
 *
 * <p>This class wires the parts and owns the life cycle (start, graceful stop); the {@link
 * Router} holds the route table, and one class per route group answers: {@link RecommendRoutes},
 * {@link ItemRoutes} (items parsed and written by {@link ItemJson}), {@link AdminRoutes}, {@link
 * HealthRoutes}; {@link Replies} writes every response.
 *
 * <p>The event loop only parses, validates and writes JSON: beam search runs on the {@link
 * InferencePool}, the cascade's other stages on {@code genrec-cascade} workers (which also save
 * the exposure store, {@link ExposureStore}, periodically and at shutdown), item additions and
 * reloads on a one-thread {@code genrec-admin} executor (so
 * they are serialised). Every body is read by {@link JsonBody} (one JSON object, bounded depth,
 * no duplicate or unknown fields). Every error is JSON {@code {"error", "field"}} with a 4xx/5xx
 * status whose message names the problem and never carries an exception's text; no input crashes
 * the server.
 */
public final class GenrecServer {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ServerConfig config;
  private final ModelHolder models;
  private final Metrics metrics = new Metrics();
  private final Replies replies = new Replies(metrics);
  private final RecommendRoutes recommend;
  private final Router router;
  private final InferencePool pool;
  private final WorkerExecutor admin;
  private final WorkerExecutor cascadeWorkers;
  private final ExposureStore exposure;
  private long saveTimer = -1;
  private final AtomicInteger inFlight = new AtomicInteger();
  private HttpServer server;

  private GenrecServer(Vertx vertx, boolean ownsVertx, ServerConfig config, ModelHolder models,
      Function<Path, ServingModel> loader) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.models = models;
    this.pool = new InferencePool(config.workers(), config.queueCapacity(), config.maxBatch(),
        metrics);
    this.admin = vertx.createSharedWorkerExecutor("genrec-admin", 1, 30, TimeUnit.MINUTES);
    this.cascadeWorkers = vertx.createSharedWorkerExecutor("genrec-cascade", config.workers(),
        1, TimeUnit.MINUTES);
    PipelineConfig pc = config.pipeline();
    this.exposure = ExposureStore.open(pc.exposureDir(), pc.shown(), java.time.Clock.systemUTC());
    this.recommend = new RecommendRoutes(vertx, config, models, metrics, pool, cascadeWorkers,
        exposure, inFlight, replies);
    ItemRoutes items = new ItemRoutes(models, admin, config.maxNewItems(), replies);
    AdminRoutes adminRoutes = new AdminRoutes(models, loader, admin, metrics, replies);
    HealthRoutes health = new HealthRoutes(models, metrics, recommend::stopping, replies);
    this.router = new Router(config.adminToken(),
        new BodyReader(config.maxBodyBytes(), replies), replies,
        HttpServerOptions.DEFAULT_MAX_HEADER_SIZE,
        HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH)
        .post("/v1/recommend", "recommend", false, recommend::recommend)
        .post("/v1/items", "items_add", true, items::addItems)
        .getPrefix("/v1/items/", "id", "items_get", items::getItem)
        .get("/health", "health", (req, t0, path) -> health.health(req, t0))
        .get("/ready", "ready", (req, t0, path) -> health.ready(req, t0))
        .get("/metrics", "metrics", (req, t0, path) -> health.metrics(req, t0))
        .post("/admin/reload", "admin_reload", true, adminRoutes::reload);
    metrics.gauge("genrec_exposure_users", exposure::users);
    metrics.gauge("genrec_exposure_bytes", exposure::memoryBytes);
    metrics.gauge("genrec_queue_depth", pool::queueDepth);
    metrics.gauge("genrec_busy_workers", pool::busyWorkers);
    metrics.gauge("genrec_inflight_requests", inFlight::get);
    metrics.gauge("genrec_model_ready", () -> models.ready() ? 1 : 0);
    metrics.gauge("genrec_items", () -> {
      ServingModel m = models.acquire();
      if (m == null) {
        return 0;
      }
      try {
        return m.numItems();
      } finally {
        m.release();
      }
    });
  }

  /**
   * Starts a server on its own Vert.x instance and waits until it listens.
   *
   * @param models the model holder; it may still be empty ({@code /ready} says 503 until a model
   *     is installed)
   * @param loader loads a run folder (used by {@code /admin/reload})
   */
  public static GenrecServer start(ServerConfig config, ModelHolder models,
      Function<Path, ServingModel> loader) {
    return start(Vertx.vertx(), true, config, models, loader);
  }

  /** Starts a server on an existing Vert.x instance (tests); {@link #stop} leaves it open. */
  public static GenrecServer start(Vertx vertx, ServerConfig config, ModelHolder models,
      Function<Path, ServingModel> loader) {
    return start(vertx, false, config, models, loader);
  }

  private static GenrecServer start(Vertx vertx, boolean owns, ServerConfig config,
      ModelHolder models, Function<Path, ServingModel> loader) {
    GenrecServer s = new GenrecServer(vertx, owns, config, models, loader);
    HttpServerOptions opts = new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS);
    try {
      s.server = vertx.createHttpServer(opts).requestHandler(s.router::handle)
          .invalidRequestHandler(s.router::invalid)
          .listen().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      s.pool.shutdown(0);
      if (owns) {
        vertx.close();
      }
      throw new IllegalStateException("could not listen on " + config.host() + ":"
          + config.port() + ": " + rootMessage(e), e);
    }
    if (config.pipeline().exposureDir() != null) {
      s.saveTimer = vertx.setPeriodic(config.pipeline().saveEvery().toMillis(),
          id -> s.cascadeWorkers.executeBlocking(() -> {
            s.exposure.saveIfChanged();
            return null;
          }, false));
    }
    return s;
  }

  /** The port the server listens on (the real one when configured with port 0). */
  public int port() {
    return server.actualPort();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Tests: the route table. */
  Router router() {
    return router;
  }

  /** Tests: the inference pool (to hold its workers). */
  InferencePool pool() {
    return pool;
  }

  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (up to the
   * configured grace period), drains the inference queue, then releases the model.
   */
  public CompletableFuture<Void> stop() {
    recommend.stopAccepting();
    if (saveTimer >= 0) {
      vertx.cancelTimer(saveTimer);
    }
    Duration grace = Duration.ofMillis(config.shutdownGraceMillis());
    return server.shutdown(grace).toCompletionStage().toCompletableFuture()
        .handleAsync((v, e) -> { // off the event loop: waits for the workers
          pool.shutdown(config.shutdownGraceMillis());
          admin.close();
          cascadeWorkers.close();
          exposure.saveIfChanged();
          models.close();
          return (Void) null;
        }, r -> new Thread(r, "genrec-stop").start())
        .thenCompose(v -> ownsVertx
            ? vertx.close().toCompletionStage().toCompletableFuture()
            : CompletableFuture.completedFuture(null));
  }

  /**
   * A loader's message with the folder the admin named as {@code RUN} and any other absolute
   * path cut to {@code .../FILE}, so a response names what is missing but not the server's
   * folders.
   */
  static String withoutServerPaths(String message, Path runDir) {
    return AdminRoutes.withoutServerPaths(message, runDir);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** One line describing the settings, for the start-up log. */
  public static String describe(ServerConfig c) {
    return String.format(Locale.ROOT, "%s:%d, %d workers, queue %d, batch <= %d, timeout %d ms",
        c.host(), c.port(), c.workers(), c.queueCapacity(), c.maxBatch(), c.timeoutMillis());
  }

}
