package genrec.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.GeneratorChannel;
import genrec.generator.decode.BeamResult;
import genrec.quantizer.catalog.Item;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ITEM_FIELDS = Set.of("id", "title", "text", "categories");
  private static final Set<String> ITEMS_FIELDS = Set.of("items");
  private static final Set<String> RELOAD_FIELDS = Set.of("run");
  private static final String ITEMS_SHAPE = "{\"items\": [{\"id\", \"title\", \"text\", "
      + "\"categories\"}, ...]} or one such item";
  private static final String INTERNAL = "internal error; the server log has the details";

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ServerConfig config;
  private final ModelHolder models;
  private final Function<Path, ServingModel> loader;
  private final Metrics metrics = new Metrics();
  private final InferencePool pool;
  private final WorkerExecutor admin;
  private final WorkerExecutor cascadeWorkers;
  private final ExposureStore exposure;
  private long saveTimer = -1;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean stopping;
  private HttpServer server;

  private GenrecServer(Vertx vertx, boolean ownsVertx, ServerConfig config, ModelHolder models,
      Function<Path, ServingModel> loader) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.models = models;
    this.loader = loader;
    this.pool = new InferencePool(config.workers(), config.queueCapacity(), config.maxBatch(),
        metrics);
    this.admin = vertx.createSharedWorkerExecutor("genrec-admin", 1, 30, TimeUnit.MINUTES);
    this.cascadeWorkers = vertx.createSharedWorkerExecutor("genrec-cascade", config.workers(),
        1, TimeUnit.MINUTES);
    PipelineConfig pc = config.pipeline();
    this.exposure = ExposureStore.open(pc.exposureDir(), pc.shown(), java.time.Clock.systemUTC());
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
      s.server = vertx.createHttpServer(opts).requestHandler(s::handle)
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

  /** Tests: the inference pool (to hold its workers). */
  InferencePool pool() {
    return pool;
  }

  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (up to the
   * configured grace period), drains the inference queue, then releases the model.
   */
  public CompletableFuture<Void> stop() {
    stopping = true;
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

  // ---- routing ----

  private void handle(HttpServerRequest req) {
    long t0 = System.nanoTime();
    String path = req.path();
    HttpMethod m = req.method();
    try {
      if (path.equals("/v1/recommend")) {
        if (method(req, t0, "recommend", m, HttpMethod.POST)) {
          body(req, t0, "recommend", b -> recommend(req, t0, b));
        }
      } else if (path.equals("/v1/items")) {
        if (method(req, t0, "items_add", m, HttpMethod.POST) && authorized(req, t0, "items_add")) {
          body(req, t0, "items_add", b -> addItems(req, t0, b));
        }
      } else if (path.startsWith("/v1/items/")) {
        if (method(req, t0, "items_get", m, HttpMethod.GET)) {
          getItem(req, t0, path.substring("/v1/items/".length()));
        }
      } else if (path.equals("/health")) {
        if (method(req, t0, "health", m, HttpMethod.GET)) {
          send(req, t0, "health", 200, JSON.createObjectNode().put("status", "ok"));
        }
      } else if (path.equals("/ready")) {
        if (method(req, t0, "ready", m, HttpMethod.GET)) {
          ready(req, t0);
        }
      } else if (path.equals("/metrics")) {
        if (method(req, t0, "metrics", m, HttpMethod.GET)) {
          metrics.request("metrics", 200, System.nanoTime() - t0);
          req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
              .end(metrics.render());
        }
      } else if (path.equals("/admin/reload")) {
        if (method(req, t0, "admin_reload", m, HttpMethod.POST)
            && authorized(req, t0, "admin_reload")) {
          body(req, t0, "admin_reload", b -> reload(req, t0, b));
        }
      } else {
        error(req, t0, "not_found", new BadRequest(404, null, "no route " + m + " "
            + JsonBody.shown(path)));
      }
    } catch (BadRequest e) {
      error(req, t0, "error", e);
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", m, path, e);
      error(req, t0, "error", new BadRequest(500, null, INTERNAL));
    }
  }

  private boolean method(HttpServerRequest req, long t0, String endpoint, HttpMethod actual,
      HttpMethod allowed) {
    if (actual.equals(allowed)) {
      return true;
    }
    req.response().putHeader("Allow", allowed.name());
    error(req, t0, endpoint, new BadRequest(405, null,
        actual + " is not allowed on " + req.path() + " (use " + allowed + ")"));
    return false;
  }

  /** Admin routes: the configured token as a bearer token (constant-time comparison). */
  private boolean authorized(HttpServerRequest req, long t0, String endpoint) {
    String token = config.adminToken();
    if (token == null) {
      error(req, t0, endpoint, new BadRequest(403, null, req.path() + " is an admin route and "
          + "this server has no admin token, so admin routes are closed"));
      return false;
    }
    if (!AdminToken.matches(req.getHeader("Authorization"), token)) {
      req.response().putHeader("WWW-Authenticate", "Bearer");
      error(req, t0, endpoint, new BadRequest(401, "Authorization", req.path() + " is an admin "
          + "route: it needs the header 'Authorization: Bearer <admin token>' (genrec serve "
          + "prints where the token is)"));
      return false;
    }
    return true;
  }

  /** Reads the whole body, refusing more than {@code maxBodyBytes} with 413. */
  private void body(HttpServerRequest req, long t0, String endpoint,
      java.util.function.Consumer<Buffer> then) {
    int max = config.maxBodyBytes();
    String encoding = req.getHeader("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
      req.response().putHeader("Connection", "close");
      error(req, t0, endpoint, new BadRequest(415, "Content-Encoding", "Content-Encoding '"
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
        error(req, t0, endpoint, new BadRequest(413, null,
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
        error(req, t0, endpoint, new BadRequest(413, null,
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
          error(req, t0, endpoint, e);
        } catch (RuntimeException e) {
          LOG.error("{} failed", endpoint, e);
          error(req, t0, endpoint, new BadRequest(500, null, INTERNAL));
        }
      }
    });
  }

  private static ObjectNode parseJson(HttpServerRequest req, Buffer body, boolean emptyIsObject,
      String shape) {
    return JsonBody.object(body.getBytes(), emptyIsObject, req.getHeader("Content-Type"), shape);
  }

  // ---- /v1/recommend ----

  private void recommend(HttpServerRequest req, long t0, Buffer body) {
    ObjectNode json = parseJson(req, body, false, RecommendRequest.SHAPE);
    ServingModel model = models.acquire();
    if (model == null) {
      req.response().putHeader("Retry-After", "5");
      error(req, t0, "recommend", new BadRequest(503, null, "no model loaded yet"));
      return;
    }
    RecommendRequest r;
    try {
      r = RecommendRequest.parse(json, model, config);
    } catch (RuntimeException e) {
      model.release();
      throw e;
    }
    if (r.pipeline() != null || r.recordExposure() || config.pipeline().byDefault()) {
      PipelineRequest p;
      try {
        p = PipelineRequest.parse(r.pipeline(), config.pipeline(), model, config);
      } catch (RuntimeException e) {
        model.release();
        throw e;
      }
      cascade(req, t0, model, r, p);
      return;
    }
    if (r.history().length == 0) {
      try {
        int[] items = model.popular(r.k());
        long parsed = System.nanoTime();
        ObjectNode out = response(model, r, "popularity", items, null);
        timing(out, t0, parsed, 0, 0);
        send(req, t0, "recommend", 200, out);
      } finally {
        model.release();
      }
      return;
    }
    long parsed = System.nanoTime();
    metrics.stage("parse", parsed - t0);
    InferencePool.Job job = new InferencePool.Job(model, r.history(), r.k(), r.beam(),
        r.excludeHistory());
    Context ctx = vertx.getOrCreateContext();
    AtomicBoolean answered = new AtomicBoolean();
    inFlight.incrementAndGet();
    long timer = vertx.setTimer(config.timeoutMillis(), id -> {
      if (answered.compareAndSet(false, true)) {
        metrics.timeout();
        if (job.cancel()) {
          job.result().cancel(false); // never started: the worker will skip it
        }
        error(req, t0, "recommend", new BadRequest(504, null,
            "no result within the " + config.timeoutMillis() + " ms request timeout"));
      }
    });
    job.result().whenComplete((res, err) -> {
      model.release();
      inFlight.decrementAndGet();
      ctx.runOnContext(v -> {
        vertx.cancelTimer(timer);
        if (!answered.compareAndSet(false, true)) {
          return;
        }
        if (err != null) {
          Throwable cause = err instanceof CompletionException && err.getCause() != null
              ? err.getCause() : err;
          LOG.error("beam search failed", cause);
          error(req, t0, "recommend", new BadRequest(500, null,
              "beam search failed; the server log has the details"));
          return;
        }
        metrics.stage("queue", res.queueNanos());
        metrics.stage("generate", res.generateNanos());
        BeamResult b = res.beam();
        ObjectNode out = response(model, r, "generator", b.items(), b.scores());
        out.put("batch_users", res.batchUsers());
        timing(out, t0, parsed, res.queueNanos(), res.generateNanos());
        metrics.stage("total", System.nanoTime() - t0);
        send(req, t0, "recommend", 200, out);
      });
    });
    if (stopping || !pool.submit(job)) {
      answered.set(true);
      vertx.cancelTimer(timer);
      job.cancel();
      job.result().cancel(false);
      metrics.rejected();
      req.response().putHeader("Retry-After", "1");
      error(req, t0, "recommend", new BadRequest(503, null, stopping
          ? "the server is shutting down"
          : "overloaded: " + config.queueCapacity() + " requests already waiting; retry later"));
    }
  }

  /**
   * The cascade: the generator's list from the pool (when it has a quota and the history is not
   * empty), then the other stages on a {@code genrec-cascade} worker (the model's {@link
   * genrec.cascade.pipeline.Pipeline}, which the evaluation calls too), under the same request
   * timeout.
   */
  private void cascade(HttpServerRequest req, long t0, ServingModel model, RecommendRequest r,
      PipelineRequest p) {
    long parsed = System.nanoTime();
    metrics.stage("parse", parsed - t0);
    // the library's request: it names the generator's search (twice its quota, the request's
    // beam), which runs batched on the pool
    genrec.cascade.pipeline.CascadeRequest request;
    try {
      request = p.toRequest(r, config.maxBeam());
    } catch (RuntimeException e) {
      model.release();
      throw e;
    }
    InferencePool.Job job = null;
    if (request.generatorLength() != null && r.history().length > 0) {
      job = new InferencePool.Job(model, r.history(), request.generatorLength(), request.beam(),
          true);
    }
    InferencePool.Job j = job;
    Context ctx = vertx.getOrCreateContext();
    AtomicBoolean answered = new AtomicBoolean();
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        model.release();
        inFlight.decrementAndGet();
      }
    };
    inFlight.incrementAndGet();
    long timer = vertx.setTimer(config.timeoutMillis(), id -> {
      if (answered.compareAndSet(false, true)) {
        metrics.timeout();
        if (j != null && j.cancel()) {
          j.result().cancel(false);
          release.run();
        }
        error(req, t0, "recommend", new BadRequest(504, null,
            "no result within the " + config.timeoutMillis() + " ms request timeout"));
      }
    });
    CompletableFuture<InferencePool.Result> generated =
        j == null ? CompletableFuture.completedFuture(null) : j.result();
    generated.whenComplete((res, err) -> ctx.runOnContext(v -> {
      if (err != null || answered.get()) {
        release.run();
        vertx.cancelTimer(timer);
        if (err != null && answered.compareAndSet(false, true)) {
          Throwable cause = err instanceof CompletionException && err.getCause() != null
              ? err.getCause() : err;
          if (!(cause instanceof java.util.concurrent.CancellationException)) {
            LOG.error("beam search failed", cause);
          }
          error(req, t0, "recommend", new BadRequest(500, null,
              "beam search failed; the server log has the details"));
        }
        return;
      }
      if (res != null) {
        metrics.stage("queue", res.queueNanos());
        metrics.stage("generate", res.generateNanos());
      }
      cascadeWorkers.executeBlocking(() -> {
        try {
          genrec.cascade.pipeline.CascadeResult c = model.pipeline().recommend(
              request, res == null ? null : res.beam(), exposure);
          return cascadeResponse(model, r, p, c, res, t0, parsed);
        } finally {
          release.run();
        }
      }, false).onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (!answered.compareAndSet(false, true)) {
          return;
        }
        if (ar.failed()) {
          LOG.error("the cascade failed", ar.cause());
          error(req, t0, "recommend", new BadRequest(500, null,
              "the recommendation pipeline failed; the server log has the details"));
          return;
        }
        ObjectNode out = ar.result();
        ((ObjectNode) out.get("timing_ms")).put("total", ms(System.nanoTime() - t0));
        metrics.stage("total", System.nanoTime() - t0);
        send(req, t0, "recommend", 200, out);
      });
    }));
    if (j != null && (stopping || !pool.submit(j))) {
      answered.set(true);
      vertx.cancelTimer(timer);
      j.cancel();
      j.result().cancel(false);
      metrics.rejected();
      req.response().putHeader("Retry-After", "1");
      error(req, t0, "recommend", new BadRequest(503, null, stopping
          ? "the server is shutting down"
          : "overloaded: " + config.queueCapacity() + " requests already waiting; retry later"));
    }
  }

  private ObjectNode cascadeResponse(ServingModel model, RecommendRequest r, PipelineRequest p,
      genrec.cascade.pipeline.CascadeResult c, InferencePool.Result gen, long t0, long parsed) {
    ObjectNode out = JSON.createObjectNode();
    if (r.userId() != null) {
      out.put("user_id", r.userId());
    }
    out.put("source", "cascade");
    ArrayNode arr = out.putArray("items");
    for (genrec.cascade.pipeline.CascadeResult.Slot s : c.slots()) {
      ObjectNode it = itemJson(model, s.item(), false);
      it.put("channel", s.channel());
      it.put("score", s.rerank());
      ObjectNode sc = it.putObject("scores");
      sc.put("recall", s.recall());
      if (!Float.isNaN(s.rank())) {
        sc.put("rank", s.rank());
      }
      sc.put("rerank", s.rerank());
      if (s.fresh()) {
        it.put("new", true);
      }
      arr.add(it);
    }
    out.put("history_used", r.history().length);
    ArrayNode notes = out.putArray("notes");
    r.notes().stream().filter(n -> !n.startsWith("empty history")).forEach(notes::add);
    if (!r.excludeHistory()) {
      notes.add("the pipeline always leaves the history out (exclude_history=false is ignored)");
    }
    p.notes().forEach(notes::add);
    c.notes().forEach(notes::add);
    ObjectNode pl = out.putObject("pipeline");
    ObjectNode ch = pl.putObject("recall");
    p.quotas().forEach(ch::put);
    pl.put("rank", c.stageNanos().containsKey("rank"));
    pl.put("rerank", c.reranker());
    pl.put("similarity", p.rerank().equals("none") ? null : p.similarity());
    ArrayNode rules = pl.putArray("rules");
    p.rules().forEach(rule -> rules.add(rule.describe()));
    pl.put("candidates", c.candidates());
    pl.put("exposure_filtered", c.filtered());
    pl.put("recorded", r.recordExposure() && !c.slots().isEmpty());
    if (gen != null) {
      out.put("batch_users", gen.batchUsers());
    }
    ObjectNode t = out.putObject("timing_ms");
    t.put("parse", ms(parsed - t0));
    t.put("queue", ms(gen == null ? 0 : gen.queueNanos()));
    t.put("generate", ms(gen == null ? 0 : gen.generateNanos()));
    c.stageNanos().forEach((stage, nanos) -> {
      metrics.stage(stage, nanos);
      t.put(stage, ms(nanos));
    });
    return out;
  }

  private ObjectNode response(ServingModel model, RecommendRequest r, String source, int[] items,
      float[] scores) {
    ObjectNode out = JSON.createObjectNode();
    if (r.userId() != null) {
      out.put("user_id", r.userId());
    }
    out.put("source", source);
    ArrayNode arr = out.putArray("items");
    for (int i = 0; i < items.length; i++) {
      if (items[i] < 0) {
        continue;
      }
      ObjectNode it = itemJson(model, items[i], false);
      if (scores != null) {
        it.put("score", scores[i]);
      }
      arr.add(it);
    }
    out.put("history_used", r.history().length);
    ArrayNode notes = out.putArray("notes");
    r.notes().forEach(notes::add);
    return out;
  }

  private static void timing(ObjectNode out, long t0, long parsed, long queue, long generate) {
    ObjectNode t = out.putObject("timing_ms");
    t.put("parse", ms(parsed - t0));
    t.put("queue", ms(queue));
    t.put("generate", ms(generate));
    t.put("total", ms(System.nanoTime() - t0));
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  private static ObjectNode itemJson(ServingModel model, int index, boolean full) {
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

  // ---- /v1/items ----

  private void getItem(HttpServerRequest req, long t0, String rawId) {
    String id;
    try {
      id = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      error(req, t0, "items_get", new BadRequest(400, "id", "the item id in the path has a "
          + "malformed %-escape"));
      return;
    }
    ServingModel model = models.acquire();
    if (model == null) {
      error(req, t0, "items_get", new BadRequest(503, null, "no model loaded yet"));
      return;
    }
    try {
      int i = model.indexOf(id);
      if (i < 0) {
        error(req, t0, "items_get", new BadRequest(404, "id", "unknown item id '"
            + JsonBody.shown(id) + "'"));
        return;
      }
      ObjectNode it = itemJson(model, i, true);
      it.put("added", i >= model.numItems() - model.addedItems());
      send(req, t0, "items_get", 200, it);
    } finally {
      model.release();
    }
  }

  private void addItems(HttpServerRequest req, long t0, Buffer body) {
    List<Item> items = parseItems(parseJson(req, body, false, ITEMS_SHAPE));
    // additions and reloads run one at a time, in arrival order, on the admin thread, and each
    // takes the model there: an addition queued behind a reload goes to the reloaded model, and
    // a reload queued behind an addition reads the files the addition wrote
    admin.executeBlocking(() -> {
      ServingModel model = models.acquire();
      if (model == null) {
        throw new BadRequest(503, null, "no model loaded yet");
      }
      try {
        int[] added;
        try {
          added = model.addItems(items);
        } catch (ServingModel.ItemExists e) {
          throw new BadRequest(409, "items", e.getMessage());
        } catch (ServingModel.NoRoom e) {
          throw new BadRequest(422, "items", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("items");
        for (int i : added) {
          arr.add(itemJson(model, i, false));
        }
        out.put("total_items", model.numItems());
        return out;
      } finally {
        model.release();
      }
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof BadRequest e) {
          error(req, t0, "items_add", e);
        } else {
          LOG.error("adding items failed", ar.cause());
          error(req, t0, "items_add", new BadRequest(500, null,
              "adding items failed; the server log has the details"));
        }
        return;
      }
      send(req, t0, "items_add", 201, ar.result());
    });
  }

  /**
   * The items of a {@code POST /v1/items} body: {@code {"items": [...]}} (fields named {@code
   * items[i].name}) or one item (fields named by their names).
   */
  private List<Item> parseItems(ObjectNode body) {
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
    if (arr.size() > config.maxNewItems()) {
      throw new BadRequest(400, "items", arr.size() + " items in one request; the limit is "
          + config.maxNewItems());
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

  // ---- /ready, /admin/reload ----

  private void ready(HttpServerRequest req, long t0) {
    ServingModel m = models.acquire();
    if (m == null || stopping) {
      if (m != null) {
        m.release();
      }
      send(req, t0, "ready", 503, JSON.createObjectNode()
          .put("status", stopping ? "stopping" : "loading"));
      return;
    }
    try {
      ObjectNode out = JSON.createObjectNode().put("status", "ready")
          .put("run", m.runDir().toString()).put("dataset", m.datasetName())
          .put("items", m.numItems()).put("added_items", m.addedItems());
      ArrayNode generators = out.putArray("generators"); // the run's, then a mixture's others
      m.memberRuns().forEach(dir -> generators.add(dir.toString()));
      send(req, t0, "ready", 200, out);
    } finally {
      m.release();
    }
  }

  private void reload(HttpServerRequest req, long t0, Buffer body) {
    ObjectNode json = parseJson(req, body, true, "{\"run\": \"DIR\"} (or {} for the current run)");
    JsonBody.onlyFields(json, RELOAD_FIELDS, "");
    JsonNode run = json.get("run");
    boolean named = run != null && !run.isNull();
    Path dir;
    if (!named) {
      ServingModel cur = models.acquire();
      if (cur == null) {
        throw new BadRequest(400, "run", "no model loaded: name the run folder in 'run'");
      }
      dir = cur.runDir();
      cur.release();
    } else if (!run.isTextual() || run.asText().isBlank()) {
      throw new BadRequest(400, "run", "run must be a folder path (a string), got "
          + (run.isTextual() ? "a blank string" : JsonBody.kind(run)));
    } else {
      try {
        if (run.asText().chars().anyMatch(Character::isISOControl)) {
          throw new InvalidPathException(run.asText(), "control character");
        }
        dir = Path.of(run.asText());
      } catch (InvalidPathException e) {
        throw new BadRequest(400, "run", "run is not a valid folder path");
      }
    }
    long start = System.nanoTime();
    admin.executeBlocking(() -> {
      ServingModel loaded = loader.apply(dir);
      models.swap(loaded); // before the admin thread takes the next addition
      return loaded;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        LOG.warn("reload of {} failed: {}", dir, e.toString());
        // our own messages (a missing or mismatched artifact) help the admin; anything else is
        // the server's problem and stays in its log
        boolean input = e instanceof IllegalArgumentException
            || e instanceof genrec.quantizer.io.DataFormatException;
        error(req, t0, "admin_reload", new BadRequest(input ? 400 : 500, "run",
            // the folder is not echoed, even as the admin named it: it is a server path
            "reload of " + (named ? "the requested run (RUN)" : "the current run (RUN)")
                + " failed, still serving the previous "
                + "model: " + (input ? withoutServerPaths(e.getMessage(), dir)
                    : "the server log has the details")));
        return;
      }
      ServingModel next = ar.result();
      metrics.reloaded();
      LOG.info("reloaded {} ({} items) in {} ms", dir, next.numItems(),
          (System.nanoTime() - start) / 1_000_000);
      ObjectNode out = JSON.createObjectNode().put("status", "reloaded");
      if (named) { // the folder as the admin named it; the current one is not repeated
        out.put("run", dir.toString());
      }
      send(req, t0, "admin_reload", 200, out.put("items", next.numItems())
          .put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0));
    });
  }

  // ---- responses ----

  private void error(HttpServerRequest req, long t0, String endpoint, BadRequest e) {
    ObjectNode out = JSON.createObjectNode().put("error", e.getMessage());
    if (e.field() != null) {
      out.put("field", e.field());
    }
    if (!e.unknownItems().isEmpty()) {
      ArrayNode u = out.putArray("unknown_items");
      e.unknownItems().forEach(u::add);
    }
    send(req, t0, endpoint, e.status(), out);
  }

  private void send(HttpServerRequest req, long t0, String endpoint, int status, JsonNode body) {
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

  /**
   * A loader's message with the folder the admin named as {@code RUN} and any other absolute
   * path cut to {@code .../FILE}, so a response names what is missing but not the server's
   * folders.
   */
  static String withoutServerPaths(String message, Path runDir) {
    if (message == null) {
      return "unknown reason";
    }
    String m = message;
    for (String p : new String[] {runDir.toAbsolutePath().normalize().toString(),
        runDir.toString()}) {
      if (!p.isEmpty() && !p.equals("/")) { // only where it stands as a path, not in words
        m = java.util.regex.Pattern.compile("(?<![^\\s'\"(])" + java.util.regex.Pattern.quote(p)
            + "(?=[/\\s'\":),;]|$)").matcher(m).replaceAll("RUN");
      }
    }
    return java.util.regex.Pattern.compile("(?<![\\w.])/(?:[^\\s/'\"():,;]+/)+([^\\s/'\"():,;]+)")
        .matcher(m).replaceAll(".../$1");
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
