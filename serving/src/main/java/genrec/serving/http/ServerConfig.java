package genrec.serving.http;

/**
 * Settings of {@link GenrecServer}. Immutable; start from {@link #builder()}, whose defaults suit
 * a 2-core machine.
 *
 * @param host interface to bind (default 127.0.0.1)
 * @param port TCP port, 0 = any free port (default 8080)
 * @param workers inference threads (default: available processors)
 * @param queueCapacity recommend requests that may wait for a worker; more get 503 (default 64)
 * @param maxBatch requests decoded together at most (default 16; 1 = no micro-batching)
 * @param timeoutMillis per-request deadline; a request still waiting then gets 504 (default 10 s)
 * @param maxBodyBytes largest request body; larger ones get 413 (default 1 MiB)
 * @param maxK largest k a request may ask for (default 100)
 * @param maxBeam largest beam width a request may ask for (default 100)
 * @param maxNewItems items one {@code POST /v1/items} may add (default 1000)
 * @param adminToken bearer token the admin routes ({@code POST /admin/reload}, {@code POST
 *     /v1/items}) require; null = admin routes closed (403). {@code genrec serve} always sets one:
 *     the configured one, or one it generates ({@link AdminToken})
 * @param shutdownGraceMillis how long a graceful shutdown waits for in-flight requests (default 30 s)
 * @param pipeline the cascade's defaults and the exposure store (default {@link
 *     PipelineConfig#defaults()}: generator only without a {@code pipeline} object, store in memory)
 */
public record ServerConfig(
    String host,
    int port,
    int workers,
    int queueCapacity,
    int maxBatch,
    long timeoutMillis,
    int maxBodyBytes,
    int maxK,
    int maxBeam,
    int maxNewItems,
    String adminToken,
    long shutdownGraceMillis,
    PipelineConfig pipeline) {

  /** The same settings with other cascade defaults. */
  public ServerConfig withPipeline(PipelineConfig p) {
    if (p == null) {
      throw new IllegalArgumentException("pipeline is null");
    }
    return new ServerConfig(host, port, workers, queueCapacity, maxBatch, timeoutMillis,
        maxBodyBytes, maxK, maxBeam, maxNewItems, adminToken, shutdownGraceMillis, p);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: every field is optional ({@code opt*}); {@link #build()} validates. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private int workers = Runtime.getRuntime().availableProcessors();
    private int queueCapacity = 64;
    private int maxBatch = 16;
    private long timeoutMillis = 10_000;
    private int maxBodyBytes = 1 << 20;
    private int maxK = 100;
    private int maxBeam = 100;
    private int maxNewItems = 1000;
    private String adminToken;
    private long shutdownGraceMillis = 30_000;
    private PipelineConfig pipeline = PipelineConfig.defaults();

    public Builder optHost(String host) {
      this.host = host;
      return this;
    }

    public Builder optPort(int port) {
      this.port = port;
      return this;
    }

    public Builder optWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    public Builder optQueueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder optMaxBatch(int maxBatch) {
      this.maxBatch = maxBatch;
      return this;
    }

    public Builder optTimeoutMillis(long timeoutMillis) {
      this.timeoutMillis = timeoutMillis;
      return this;
    }

    public Builder optMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder optMaxK(int maxK) {
      this.maxK = maxK;
      return this;
    }

    public Builder optMaxBeam(int maxBeam) {
      this.maxBeam = maxBeam;
      return this;
    }

    public Builder optMaxNewItems(int maxNewItems) {
      this.maxNewItems = maxNewItems;
      return this;
    }

    /** Null or blank: no token, so the admin routes are closed (answered 403). */
    public Builder optAdminToken(String adminToken) {
      this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.strip();
      return this;
    }

    public Builder optShutdownGraceMillis(long shutdownGraceMillis) {
      this.shutdownGraceMillis = shutdownGraceMillis;
      return this;
    }

    public Builder optPipeline(PipelineConfig pipeline) {
      this.pipeline = pipeline;
      return this;
    }

    public ServerConfig build() {
      StringBuilder bad = new StringBuilder();
      if (port < 0 || port > 65535) {
        bad.append("port=").append(port).append(" must be in [0, 65535]; ");
      }
      check(bad, "workers", workers);
      check(bad, "queueCapacity", queueCapacity);
      check(bad, "maxBatch", maxBatch);
      check(bad, "timeoutMillis", timeoutMillis);
      check(bad, "maxBodyBytes", maxBodyBytes);
      check(bad, "maxK", maxK);
      check(bad, "maxBeam", maxBeam);
      check(bad, "maxNewItems", maxNewItems);
      if (shutdownGraceMillis < 0) {
        bad.append("shutdownGraceMillis=").append(shutdownGraceMillis).append(" must be >= 0; ");
      }
      if (pipeline == null) {
        bad.append("pipeline is null; ");
      }
      if (bad.length() > 0) {
        throw new IllegalArgumentException(bad.substring(0, bad.length() - 2));
      }
      return new ServerConfig(host, port, workers, queueCapacity, maxBatch, timeoutMillis,
          maxBodyBytes, maxK, maxBeam, maxNewItems, adminToken, shutdownGraceMillis, pipeline);
    }

    private static void check(StringBuilder bad, String name, long v) {
      if (v < 1) {
        bad.append(name).append('=').append(v).append(" must be >= 1; ");
      }
    }
  }
}
