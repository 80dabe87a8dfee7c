package genrec.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * The operations routes: {@code GET /health} (the process answers), {@code GET /ready} (a model
 * is loaded and the server is not stopping) and {@code GET /metrics} (Prometheus text).
 */
final class HealthRoutes {
  private static final ObjectMapper JSON = Replies.JSON;

  private final ModelHolder models;
  private final Metrics metrics;
  private final BooleanSupplier stopping;
  private final Replies replies;

  HealthRoutes(ModelHolder models, Metrics metrics, BooleanSupplier stopping, Replies replies) {
    this.models = models;
    this.metrics = metrics;
    this.stopping = stopping;
    this.replies = replies;
  }

  /** {@code GET /health}: {@code {"status": "ok"}}. */
  void health(HttpServerRequest req, long t0) {
    replies.send(req, t0, "health", 200, JSON.createObjectNode().put("status", "ok"));
  }

  /** {@code GET /ready}: 200 with the served run, or 503 while loading or stopping. */
  void ready(HttpServerRequest req, long t0) {
    ServingModel m = models.acquire();
    boolean stopping = this.stopping.getAsBoolean();
    if (m == null || stopping) {
      if (m != null) {
        m.release();
      }
      replies.send(req, t0, "ready", 503, JSON.createObjectNode()
          .put("status", stopping ? "stopping" : "loading"));
      return;
    }
    try {
      ObjectNode out = JSON.createObjectNode().put("status", "ready")
          .put("run", m.runDir().toString()).put("dataset", m.datasetName())
          .put("items", m.numItems()).put("added_items", m.addedItems());
      ArrayNode generators = out.putArray("generators"); // the run's, then a mixture's others
      m.memberRuns().forEach(dir -> generators.add(dir.toString()));
      replies.send(req, t0, "ready", 200, out);
    } finally {
      m.release();
    }
  }

  /** {@code GET /metrics}: the Prometheus text format. */
  void metrics(HttpServerRequest req, long t0) {
    metrics.request("metrics", 200, System.nanoTime() - t0);
    req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.render());
  }
}
