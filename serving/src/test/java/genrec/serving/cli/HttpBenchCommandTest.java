package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import genrec.serving.http.RecommendRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpBenchCommandTest {

  @Test
  void nearestRankPercentiles() {
    long[] ms = new long[100];
    for (int i = 0; i < 100; i++) {
      ms[i] = (i + 1) * 1_000_000L; // 1..100 ms
    }
    assertEquals(50.0, HttpBenchCommand.percentileMs(ms, 50), 1e-9);
    assertEquals(90.0, HttpBenchCommand.percentileMs(ms, 90), 1e-9);
    assertEquals(99.0, HttpBenchCommand.percentileMs(ms, 99), 1e-9);
    assertEquals(100.0, HttpBenchCommand.percentileMs(ms, 100), 1e-9);
    assertEquals(7.0, HttpBenchCommand.percentileMs(new long[] {7_000_000L}, 99), 1e-9);
    assertTrue(Double.isNaN(HttpBenchCommand.percentileMs(new long[0], 50)));
    // 3 samples: p50 is the 2nd (ceil(1.5)), p90 and p99 the 3rd
    long[] three = {1_000_000L, 2_000_000L, 3_000_000L};
    assertEquals(2.0, HttpBenchCommand.percentileMs(three, 50), 1e-9);
    assertEquals(3.0, HttpBenchCommand.percentileMs(three, 90), 1e-9);
  }

  @Test
  void readsPrometheusSamples() {
    String text = """
        # HELP process_resident_memory_bytes Resident memory size in bytes.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes_max 9
        process_resident_memory_bytes 1.2345678E9
        genrec_requests_total{status="200"} 17 1700000000000
        """;
    assertEquals(1.2345678e9, HttpBenchCommand.metricValue(text, "process_resident_memory_bytes"), 1e-3);
    assertEquals(9, HttpBenchCommand.metricValue(text, "process_resident_memory_bytes_max"), 0);
    assertEquals(17, HttpBenchCommand.metricValue(text, "genrec_requests_total"), 0);
    assertTrue(Double.isNaN(HttpBenchCommand.metricValue(text, "absent")));
    assertTrue(Double.isNaN(HttpBenchCommand.metricValue("x oops\n", "x")));
    assertEquals(Double.POSITIVE_INFINITY, HttpBenchCommand.metricValue("x{le=\"+Inf\"} +Inf\n", "x"), 0);
  }

  @Test
  void requestBodyIsEscapedJson() {
    assertEquals("{\"history\":[\"B00A\",\"a\\\"b\\\\c\\n\\u0001\"],\"k\":10,\"beam\":20,\"exclude_history\":true}",
        RecommendRequest.body(List.of("B00A", "a\"b\\c\n\u0001"), 10, 20));
  }

  @Test
  void pipelineOptionGoesIntoEveryBody(@TempDir Path dir) throws IOException {
    assertEquals("{\"history\":[\"B00A\"],\"k\":5,\"beam\":20,\"exclude_history\":true,"
        + "\"pipeline\":{\"rerank\":{\"method\":\"dpp\"}}}",
        RecommendRequest.body(List.of("B00A"), 5, 20, "{\"rerank\": {\"method\": \"dpp\"}}"));
    HttpBenchCommand c = new HttpBenchCommand();
    assertEquals(null, c.pipelineJson());
    c.pipeline = "[1]";
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, c::pipelineJson);
    assertTrue(e.getMessage().contains("--pipeline: the pipeline must be a JSON object"),
        e.getMessage());
    c.pipeline = "{oops";
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        c::pipelineJson);
    assertTrue(e.getMessage().startsWith("--pipeline: the pipeline is not valid JSON"),
        e.getMessage());
    c.pipeline = null;
    c.pipelineFile = Files.writeString(dir.resolve("p.json"), "{\"recall\": {\"generator\": 10}}");
    assertEquals("{\"recall\": {\"generator\": 10}}", c.pipelineJson());
    c.pipeline = "{}";
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        c::pipelineJson);
  }

  @Test
  void retryAfterAndFailureText() {
    assertEquals(1000, HttpBenchCommand.retryAfterMs("1"));
    assertEquals(1000, HttpBenchCommand.retryAfterMs("30"));
    assertEquals(100, HttpBenchCommand.retryAfterMs(null));
    assertEquals(100, HttpBenchCommand.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals("none", HttpBenchCommand.failureText(Map.of()));
    assertEquals("503:2 io-ConnectException:1",
        HttpBenchCommand.failureText(new TreeMap<>(Map.of("503", 2L, "io-ConnectException", 1L))));
  }

  /** A stand-in server with the contract of 'genrec serve': every 10th request is a 503. */
  private static HttpServer fakeServer(AtomicInteger recommends, int failStatus) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    server.setExecutor(pool);
    server.createContext("/ready", ex -> reply(ex, 200, "{\"ready\":true}"));
    server.createContext("/metrics", ex -> reply(ex, 200,
        "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 104857600\n"));
    server.createContext("/v1/recommend", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int n = recommends.incrementAndGet();
      if (!body.startsWith("{\"history\":[\"") || !body.contains("\"k\":5")) {
        reply(ex, 400, "{\"error\":\"bad\",\"field\":\"history\"}");
      } else if (failStatus != 0 && n % 10 == 1) { // the first request fails: no timing dependence
        ex.getResponseHeaders().add("Retry-After", "0.01");
        reply(ex, failStatus, "{\"error\":\"busy\"}");
      } else {
        reply(ex, 200, "{\"items\":[{\"id\":\"1\",\"title\":\"t\",\"sid\":[1,2,3,0],\"score\":-1.0}]}");
      }
    });
    server.start();
    return server;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void closedLoopLevelsAgainstAFakeServer(@TempDir Path dir) throws IOException {
    AtomicInteger n = new AtomicInteger();
    HttpServer server = fakeServer(n, 503);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      Path csv = dir.resolve("http.csv");
      CliRun r = CliRun.of("bench", "http", "--data", "synthetic", "--preset", "tiny", "--url", url,
          "--k", "5", "--concurrency", "1,4", "--seconds", "0.6", "--warmup-seconds", "0.2",
          "--csv", csv.toString());
      assertEquals(0, r.code(), r.out() + r.err()); // 503s alone do not fail the run
      assertTrue(r.out().contains("conc  requests"), r.out());
      assertTrue(r.out().contains("503:"), r.out());
      String[] lines = Files.readString(csv).split("\n");
      assertEquals(3, lines.length);
      assertTrue(lines[0].startsWith("concurrency,requests,ok,seconds,throughput_rps"), lines[0]);
      assertTrue(lines[2].startsWith("4,"), lines[2]);
      assertTrue(n.get() > 10, "requests sent: " + n.get());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void failuresOtherThan503ExitOne() throws IOException {
    HttpServer server = fakeServer(new AtomicInteger(), 504);
    try {
      CliRun r = CliRun.of("bench", "http", "--data", "synthetic", "--preset", "tiny", "--url",
          "http://127.0.0.1:" + server.getAddress().getPort(), "--k", "5", "--concurrency", "2",
          "--seconds", "0.5", "--warmup-seconds", "0");
      assertEquals(1, r.code(), r.out() + r.err());
      assertTrue(r.out().contains("FAILED: requests failed other than with 503: 504:"), r.out());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void openLoopSoakScrapesRss(@TempDir Path dir) throws IOException {
    AtomicInteger n = new AtomicInteger();
    HttpServer server = fakeServer(n, 0);
    try {
      Path csv = dir.resolve("soak.csv");
      CliRun r = CliRun.of("bench", "http", "--data", "synthetic", "--preset", "tiny", "--url",
          "http://127.0.0.1:" + server.getAddress().getPort(), "--k", "5", "--rate", "40",
          "--seconds", "1", "--warmup-seconds", "0.25", "--report-every", "0.5", "--csv", csv.toString());
      assertEquals(0, r.code(), r.out() + r.err());
      assertTrue(r.out().contains("soak warm-up done: server RSS 100.0 MB"), r.out());
      assertTrue(r.out().contains("soak t=+"), r.out());
      assertTrue(r.out().contains("end / warm-up 1.000"), r.out());
      assertTrue(n.get() >= 45 && n.get() <= 52, "requests sent: " + n.get()); // 1.25 s at 40/s
      assertTrue(Files.readString(csv).startsWith("rate,seconds,requests,achieved_rps"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void serverThatNeverComesUpIsAClearError() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    CliRun r = CliRun.of("bench", "http", "--data", "synthetic", "--preset", "tiny", "--url",
        "http://127.0.0.1:" + port, "--ready-timeout", "1");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not ready after 1 s"), r.err());
  }
}
