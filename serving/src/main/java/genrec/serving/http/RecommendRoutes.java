package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.generator.decode.BeamResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/recommend}: a {@link RecommendRequest} answered with the generator's list (beam
 * search on the {@link InferencePool}, under the request timeout), popular items for an empty
 * history, or with a {@code pipeline} the whole cascade ({@link PipelineRequest}, {@link
 * genrec.cascade.pipeline.Pipeline}) on {@code genrec-cascade} workers. Overload (a full queue)
 * is a 503 with {@code
 * Retry-After}, a missed deadline a 504; the event loop only parses and writes JSON.
 */
final class RecommendRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final ObjectMapper JSON = Replies.JSON;

  private final Vertx vertx;
  private final ServerConfig config;
  private final ModelHolder models;
  private final Metrics metrics;
  private final InferencePool pool;
  private final WorkerExecutor cascadeWorkers;
  private final ExposureStore exposure;
  private final AtomicInteger inFlight;
  private final Replies replies;
  private volatile boolean stopping;

  RecommendRoutes(Vertx vertx, ServerConfig config, ModelHolder models, Metrics metrics,
      InferencePool pool, WorkerExecutor cascadeWorkers, ExposureStore exposure,
      AtomicInteger inFlight, Replies replies) {
    this.vertx = vertx;
    this.config = config;
    this.models = models;
    this.metrics = metrics;
    this.pool = pool;
    this.cascadeWorkers = cascadeWorkers;
    this.exposure = exposure;
    this.inFlight = inFlight;
    this.replies = replies;
  }

  /** From now on new work is refused with 503 (the server is shutting down). */
  void stopAccepting() {
    stopping = true;
  }

  boolean stopping() {
    return stopping;
  }

  /** {@code POST /v1/recommend}: the generator's list, or the cascade. */
  void recommend(HttpServerRequest req, long t0, Buffer body) {
    ObjectNode json = BodyReader.json(req, body, false, RecommendRequest.SHAPE);
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
   * genrec.cascade.pipeline.Pipeline}, which the evaluation calls too), under
   * the same request timeout.
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

  private void error(HttpServerRequest req, long t0, String endpoint, BadRequest e) {
    replies.error(req, t0, endpoint, e);
  }

  private void send(HttpServerRequest req, long t0, String endpoint, int status, JsonNode body) {
    replies.send(req, t0, endpoint, status, body);
  }

  private static double ms(long nanos) {
    return Replies.ms(nanos);
  }

  private static ObjectNode itemJson(ServingModel model, int index, boolean full) {
    return ItemJson.itemJson(model, index, full);
  }
}
