package genrec.serving.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.data.Dataset;
import genrec.serving.config.Preset;
import genrec.serving.http.AdminToken;
import genrec.serving.http.CatalogSnapshot;
import genrec.serving.http.GenrecServer;
import genrec.serving.http.ModelHolder;
import genrec.serving.http.RecommendRequest;
import genrec.serving.http.ServerConfig;
import genrec.serving.http.ServingModel;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec serve}: the HTTP service over a trained run. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a trained run over HTTP: POST /v1/recommend, GET /v1/items/{id}, "
        + "POST /v1/items (cold start), GET /health, /ready, /metrics, POST /admin/reload. "
        + "Needs RUN/quantizer (genrec quantize) and RUN/generator (genrec train); the catalogue "
        + "comes from --data, or without it from RUN/catalog.jsonl (written by quantize and "
        + "train). The admin routes (POST /admin/reload, POST /v1/items) need 'Authorization: "
        + "Bearer TOKEN': without --admin-token-file or GENREC_ADMIN_TOKEN a new token is "
        + "generated at each start and written to RUN/admin-token (owner-only). Ctrl-C or "
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
        + "bearer token the admin routes (POST /admin/reload, POST /v1/items) require (or set "
        + "GENREC_ADMIN_TOKEN). Without either, a random token is generated at start and written "
        + "to RUN/admin-token, readable by its owner only.")
    Path adminTokenFile;

    @Option(names = "--torch-threads", defaultValue = "1", description = "libtorch threads per "
        + "beam search (default ${DEFAULT-VALUE}: the workers already use every core).")
    int torchThreads;

    /**
     * The server settings. The admin token is the one in {@code --admin-token-file}, else {@code
     * GENREC_ADMIN_TOKEN}, else a new random one written to {@code RUN/admin-token}.
     */
    Resolved config(Path runDir) {
      return config(runDir, System.getenv("GENREC_ADMIN_TOKEN"));
    }

    Resolved config(Path runDir, String envToken) {
      String token;
      String source;
      if (adminTokenFile != null) {
        try {
          token = AdminToken.read(adminTokenFile);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--admin-token-file " + adminTokenFile + " is empty");
        } catch (UncheckedIOException e) {
          throw new UncheckedIOException("could not read --admin-token-file " + adminTokenFile
              + ": " + e.getCause().getMessage(), e.getCause());
        }
        source = "the token in " + adminTokenFile;
      } else if (envToken != null && !envToken.isBlank()) {
        token = envToken.strip();
        source = "the token in GENREC_ADMIN_TOKEN";
      } else {
        token = AdminToken.generate();
        Path file = runDir.resolve(AdminToken.FILE);
        try {
          AdminToken.write(file, token);
        } catch (UncheckedIOException e) {
          throw new IllegalArgumentException("could not write the admin token to " + file + " ("
              + e.getCause().getMessage() + "): pass --admin-token-file FILE or set "
              + "GENREC_ADMIN_TOKEN", e);
        }
        source = "a new token, written to " + file + " (readable by its owner only)";
      }
      ServerConfig.Builder b = ServerConfig.builder().optHost(host).optPort(port)
          .optQueueCapacity(queue).optMaxBatch(maxBatch).optTimeoutMillis(timeoutMs)
          .optMaxBodyBytes(maxBodyBytes).optAdminToken(token);
      if (workers != null) {
        b.optWorkers(workers);
      }
      return new Resolved(b.build(), source, adminTokenFile != null ? adminTokenFile
          : envToken != null && !envToken.isBlank() ? null : runDir.resolve(AdminToken.FILE));
    }
  }

  /**
   * Settings with the admin token resolved.
   *
   * @param tokenSource where the token came from, for the start-up lines (never the token)
   * @param tokenFile the file holding it, or null when it came from the environment
   */
  record Resolved(ServerConfig config, String tokenSource, Path tokenFile) {}

  @Override
  public Integer call() {
    Dataset d = data.data != null ? data.load() : null;
    if (d == null && run.run == null) {
      throw new IllegalArgumentException("genrec serve needs --run RUN (the folder of 'genrec "
          + "quantize' and 'genrec train'), or --data DIR to find runs/<dataset>");
    }
    Path runDir = d != null ? run.dir(d) : run.run;
    return serve(d, runDir, ensemble, settings, data.preset());
  }

  /**
   * The catalogue to serve: {@code d}'s when given (then also written to the run folder if it
   * has no snapshot yet), else the run folder's {@link CatalogSnapshot}.
   *
   * @throws IllegalArgumentException if the run folder does not exist, or there is neither a
   *     dataset nor a snapshot
   */
  static CatalogSnapshot catalog(Dataset d, Path runDir) {
    if (!Files.isDirectory(runDir)) {
      throw new IllegalArgumentException("no run folder at " + runDir + ": make it with 'genrec "
          + "quantize' and 'genrec train' (--run " + runDir + ")");
    }
    if (d == null) {
      return CatalogSnapshot.read(runDir);
    }
    CatalogSnapshot snap = CatalogSnapshot.of(d);
    Path file = CatalogSnapshot.file(runDir);
    if (!Files.exists(file)) {
      snap.write(runDir);
      System.out.println("genrec serve: wrote " + file + " ('genrec serve --run " + runDir
          + "' works without --data from now on)");
    }
    return snap;
  }

  /**
   * Starts the server, loads the run (with {@code others}: the mixture of their generators),
   * prints a curl line, and blocks until shutdown.
   *
   * @param d the dataset, or null to serve the run folder's catalogue snapshot (then a reload
   *     reads the snapshot of the run it loads)
   */
  static int serve(Dataset d, Path runDir, List<Path> others, Settings settings,
      Preset preset) {
    int historyWindow = preset.data().historyWindow();
    if (settings.torchThreads < 1) {
      throw new IllegalArgumentException("--torch-threads=" + settings.torchThreads + " must be >= 1");
    }
    CatalogSnapshot snap = catalog(d, runDir);
    Resolved resolved = settings.config(runDir);
    // the exposure store (shown-items.bin, item-exposures.tsv) lives in the run folder
    ServerConfig config = resolved.config().withPipeline(preset.pipelineConfig(runDir));
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(settings.torchThreads);
    ModelHolder holder = new ModelHolder();
    // with the dataset: its training histories feed the ItemKNN channel and the ranker
    List<int[]> train = d == null ? null : genrec.generator.data.LeaveOneOutSplit.of(d).train();
    Function<Path, ServingModel> loader = d != null
        ? dir -> ServingModel.load(snap, train, dir, others, historyWindow)
        : dir -> ServingModel.load(CatalogSnapshot.read(dir), dir, others, historyWindow);
    GenrecServer server = GenrecServer.start(config, holder, loader);
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
        + "); loading " + runDir + (d == null ? " (catalogue: " + CatalogSnapshot.file(runDir)
            + ")" : "") + " ...");
    System.out.println("genrec serve: admin routes (POST /admin/reload, POST /v1/items) need "
        + "'Authorization: Bearer TOKEN' with " + resolved.tokenSource());
    long t0 = System.nanoTime();
    ServingModel model;
    try {
      model = loader.apply(runDir);
    } catch (RuntimeException e) {
      server.stop().join();
      throw e;
    }
    holder.swap(model);
    System.out.printf(Locale.ROOT, "genrec serve: ready in %.1f s: %s, %,d items (%d added), "
        + "history window %d%s%n", (System.nanoTime() - t0) / 1e9, snap.dataset(),
        model.numItems(), model.addedItems(), model.historyWindow(), others.isEmpty() ? ""
            : "; mixture of " + model.memberRuns().size() + " generators " + model.memberRuns());
    System.out.println("try:\n  curl -s " + base + "/v1/recommend -H 'Content-Type: application/json'"
        + " -d '" + exampleBody(snap) + "'");
    System.out.println("  curl -s " + base + "/metrics | head");
    String auth = resolved.tokenFile() != null
        ? "\"Authorization: Bearer $(cat " + resolved.tokenFile() + ")\""
        : "\"Authorization: Bearer $GENREC_ADMIN_TOKEN\"";
    System.out.println("  curl -s -XPOST " + base + "/admin/reload -H " + auth + " -d '{}'");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** A request body with the 3 most popular items as the history, quoted for a shell. */
  static String exampleBody(CatalogSnapshot snap) {
    List<String> ids = new ArrayList<>();
    for (int i : snap.popularityOrder()) {
      if (ids.size() == 3) {
        break;
      }
      ids.add(snap.catalog().get(i).id());
    }
    return RecommendRequest.body(ids, 5, 20).replace("'", "'\\''");
  }
}
