package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/reload} (an admin route): swaps the served model for the run folder named
 * in {@code run} (or the current one again), atomically, on the {@code genrec-admin} thread; a
 * failed load keeps the previous model and names what is missing without the server's paths.
 */
final class AdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final ObjectMapper JSON = Replies.JSON;
  static final Set<String> RELOAD_FIELDS = Set.of("run");

  private final ModelHolder models;
  private final Function<Path, ServingModel> loader;
  private final WorkerExecutor admin;
  private final Metrics metrics;
  private final Replies replies;

  AdminRoutes(ModelHolder models, Function<Path, ServingModel> loader, WorkerExecutor admin,
      Metrics metrics, Replies replies) {
    this.models = models;
    this.loader = loader;
    this.admin = admin;
    this.metrics = metrics;
    this.replies = replies;
  }

  /** {@code POST /admin/reload}: loads the run on the admin thread, then swaps it in. */
  void reload(HttpServerRequest req, long t0, Buffer body) {
    ObjectNode json = BodyReader.json(req, body, true,
        "{\"run\": \"DIR\"} (or {} for the current run)");
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
            || e instanceof genrec.core.io.DataFormatException;
        replies.error(req, t0, "admin_reload", new BadRequest(input ? 400 : 500, "run",
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
      replies.send(req, t0, "admin_reload", 200, out.put("items", next.numItems())
          .put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0));
    });
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
}
