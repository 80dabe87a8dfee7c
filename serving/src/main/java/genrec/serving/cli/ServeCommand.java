package genrec.serving.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.data.Dataset;
import genrec.generator.data.UserSequence;
import genrec.serving.http.GenrecServer;
import genrec.serving.http.ModelHolder;
import genrec.serving.http.RecommendRequest;
import genrec.serving.http.ServerConfig;
import genrec.serving.http.ServingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec serve}: the HTTP service over a trained run. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a trained run over HTTP: POST /v1/recommend, GET /v1/items/{id}, "
        + "POST /v1/items (cold start), GET /health, /ready, /metrics, POST /admin/reload. "
        + "Needs RUN/quantizer (genrec quantize) and RUN/generator (genrec train). Ctrl-C or "
        + "SIGTERM shuts down gracefully (in-flight requests finish).")
final class ServeCommand implements Callable<Integer> {
  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Mixin Settings settings;

  @Option(names = "--ensemble", paramLabel = "DIR",
      description = "Another run folder trained on the same data (repeatable): serve the "
          + "equal-weight mixture of this run's generator and theirs, as 'genrec eval --ensemble' "
          + "measures it. Each request then runs every member's beam search; reported semantic "
          + "IDs are this run's; POST /v1/items (cold start) gives a new item an ID in every "
          + "member's table; /admin/reload swaps this run and keeps the others.")
  List<Path> ensemble = new ArrayList<>();

  /** Server options, shared with {@code genrec demo}. */
  static final class Settings {
    @Option(names = "--host", defaultValue = "127.0.0.1",
        description = "Interface to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 = any free one "
        + "(default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", description = "Inference threads (default: processors).")
    Integer workers;

    @Option(names = "--queue", defaultValue = "64",
        description = "Requests that may wait for a worker; more get 503 (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-batch", defaultValue = "16", description = "Requests decoded together "
        + "when they queue up (micro-batching; 1 = off; default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--timeout-ms", defaultValue = "10000",
        description = "Per-request timeout, answered 504 (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--max-body-bytes", defaultValue = "1048576",
        description = "Largest request body, larger ones get 413 (default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--admin-token-file", paramLabel = "FILE", description = "File holding the "
        + "bearer token that /admin routes require (or set GENREC_ADMIN_TOKEN). Without either, "
        + "admin routes are open: keep --host on localhost then.")
    Path adminTokenFile;

    @Option(names = "--torch-threads", defaultValue = "1", description = "libtorch threads per "
        + "beam search (default ${DEFAULT-VALUE}: the workers already use every core).")
    int torchThreads;

    ServerConfig config() {
      String token = System.getenv("GENREC_ADMIN_TOKEN");
      if (adminTokenFile != null) {
        try {
          token = Files.readString(adminTokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new UncheckedIOException("could not read --admin-token-file " + adminTokenFile, e);
        }
        if (token.isEmpty()) {
          throw new IllegalArgumentException("--admin-token-file " + adminTokenFile + " is empty");
        }
      }
      ServerConfig.Builder b = ServerConfig.builder().optHost(host).optPort(port)
          .optQueueCapacity(queue).optMaxBatch(maxBatch).optTimeoutMillis(timeoutMs)
          .optMaxBodyBytes(maxBodyBytes).optAdminToken(token);
      if (workers != null) {
        b.optWorkers(workers);
      }
      return b.build();
    }
  }

  @Override
  public Integer call() {
    Dataset d = data.load();
    return serve(d, run.dir(d), ensemble, settings, data.preset().data().historyWindow());
  }

  /**
   * Starts the server, loads the run (with {@code others}: the mixture of their generators),
   * prints a curl line, and blocks until shutdown.
   */
  static int serve(Dataset d, Path runDir, List<Path> others, Settings settings,
      int historyWindow) {
    ServerConfig config = settings.config();
    if (settings.torchThreads < 1) {
      throw new IllegalArgumentException("--torch-threads=" + settings.torchThreads + " must be >= 1");
    }
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(settings.torchThreads);
    ModelHolder holder = new ModelHolder();
    GenrecServer server = GenrecServer.start(config, holder,
        dir -> ServingModel.load(d, dir, others, historyWindow));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("genrec serve: shutting down (finishing in-flight requests)");
      try {
        server.stop().get(config.shutdownGraceMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        System.err.println("genrec serve: shutdown did not finish cleanly: " + e);
      }
      stopped.countDown();
    }, "genrec-shutdown"));
    String base = "http://" + config.host() + ":" + server.port();
    System.out.println("genrec serve: listening on " + base + " (" + GenrecServer.describe(config)
        + "); loading " + runDir + " ...");
    long t0 = System.nanoTime();
    ServingModel model;
    try {
      model = ServingModel.load(d, runDir, others, historyWindow);
    } catch (RuntimeException e) {
      server.stop().join();
      throw e;
    }
    holder.swap(model);
    System.out.printf(Locale.ROOT, "genrec serve: ready in %.1f s: %s, %,d items (%d added), "
        + "history window %d%s%n", (System.nanoTime() - t0) / 1e9, d.name(), model.numItems(),
        model.addedItems(), model.historyWindow(), others.isEmpty() ? ""
            : "; mixture of " + model.memberRuns().size() + " generators " + model.memberRuns());
    System.out.println("try:\n  curl -s " + base + "/v1/recommend -H 'Content-Type: application/json'"
        + " -d '" + exampleBody(d) + "'");
    System.out.println("  curl -s " + base + "/metrics | head");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** A request body with the last 3 items of the first user with 3 or more, quoted for a shell. */
  static String exampleBody(Dataset d) {
    List<String> ids = new ArrayList<>();
    for (UserSequence u : d.users()) {
      if (u.length() >= 3) {
        for (int i = u.length() - 3; i < u.length(); i++) {
          ids.add(d.catalog().get(u.items()[i]).id());
        }
        break;
      }
    }
    return RecommendRequest.body(ids, 5, 20).replace("'", "'\\''");
  }
}
