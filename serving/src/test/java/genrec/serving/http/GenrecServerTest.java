package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genrec.generator.data.Dataset;
import genrec.serving.cli.GenrecCli;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP service end to end on a tiny trained run (synthetic data, residual k-means semantic
 * IDs, a 20-step generator): every endpoint, the bad-input cases, reload under load, 503 when
 * saturated, 504 on timeout, an item added and then recommended, and persistence across restart.
 * The server listens on port 0; an event loop blocked for longer than {@link
 * EventLoopWatch#MAX_BLOCK_MS} fails the test.
 */
@ExtendWith(VertxExtension.class)
class GenrecServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The admin token of the servers these tests start, and the header that carries it. */
  static final String TOKEN = "test-admin-token";
  static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TOKEN);

  static Path data;
  static Path run;
  static Dataset dataset;

  private EventLoopWatch watch;
  private Vertx vertx;
  private GenrecServer server;
  private HttpClient client;

  @BeforeAll
  static void trainTinyRun() {
    TinyRun tiny = TinyRun.get();
    data = tiny.data();
    run = tiny.run();
    dataset = tiny.dataset();
  }

  private void start(Consumer<ServerConfig.Builder> settings) {
    start(settings, run);
  }

  private void start(Consumer<ServerConfig.Builder> settings, Path runDir) {
    start(settings, runDir, p -> ServingModel.load(dataset, p, 20));
  }

  private void start(Consumer<ServerConfig.Builder> settings, Path runDir,
      java.util.function.Function<Path, ServingModel> loader) {
    watch = new EventLoopWatch();
    vertx = watch.vertx();
    ServerConfig.Builder b = ServerConfig.builder().optPort(0).optWorkers(1).optAdminToken(TOKEN);
    settings.accept(b);
    ModelHolder holder = new ModelHolder();
    holder.swap(ServingModel.load(dataset, runDir, 20));
    server = GenrecServer.start(vertx, b.build(), holder, loader::apply);
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.port())
        .setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop().get(30, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (watch != null) {
      watch.assertNoneBlocked();
    }
  }

  record Resp(int status, Map<String, String> headers, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private Future<Resp> sendAsync(HttpMethod m, String path, String body, Map<String, String> headers) {
    return client.request(new RequestOptions().setMethod(m).setURI(path)).compose(req -> {
      headers.forEach(req::putHeader);
      Future<io.vertx.core.http.HttpClientResponse> f =
          body == null ? req.send() : req.send(Buffer.buffer(body));
      return f.compose(resp -> resp.body().map(b -> {
        Map<String, String> h = new java.util.HashMap<>();
        resp.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
        return new Resp(resp.statusCode(), h, b.toString());
      }));
    });
  }

  private Resp send(HttpMethod m, String path, String body) throws Exception {
    return send(m, path, body, Map.of());
  }

  private Resp send(HttpMethod m, String path, String body, Map<String, String> headers)
      throws Exception {
    return sendAsync(m, path, body, headers).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  private String historyOf(int user, int n) {
    int[] items = dataset.users().get(user).items();
    StringBuilder sb = new StringBuilder("[");
    for (int i = Math.max(0, items.length - n); i < items.length; i++) {
      sb.append(sb.length() > 1 ? "," : "").append('"')
          .append(dataset.catalog().get(items[i]).id()).append('"');
    }
    return sb.append(']').toString();
  }

  @Test
  void recommendReturnsRealItemsWithSemanticIdsAndTimings() throws Exception {
    start(b -> {});
    Resp r = send(HttpMethod.POST, "/v1/recommend",
        "{\"user_id\": \"u7\", \"history\": " + historyOf(0, 5) + ", \"k\": 5, \"beam\": 10}");
    assertEquals(200, r.status(), r.body());
    assertEquals("application/json", r.headers().get("content-type"));
    JsonNode j = r.json();
    assertEquals("generator", j.get("source").asText());
    assertEquals("u7", j.get("user_id").asText());
    assertEquals(5, j.get("items").size(), r.body());
    double last = Double.POSITIVE_INFINITY;
    for (JsonNode it : j.get("items")) {
      String id = it.get("id").asText();
      int idx = dataset.catalog().indexOf(id);
      assertTrue(idx >= 0, "not a catalogue item: " + id);
      assertEquals(dataset.catalog().get(idx).title(), it.get("title").asText());
      assertEquals(4, it.get("sid").size());
      double s = it.get("score").asDouble();
      assertTrue(s <= last + 1e-6, "scores not descending: " + r.body());
      last = s;
    }
    for (String stage : new String[] {"parse", "queue", "generate", "total"}) {
      assertTrue(j.get("timing_ms").has(stage), r.body());
    }
    // history items are excluded by default
    String hist = historyOf(0, 5);
    for (JsonNode it : j.get("items")) {
      assertFalse(hist.contains("\"" + it.get("id").asText() + "\""), r.body());
    }
  }

  @Test
  void badInputGets400NamingTheField() throws Exception {
    start(b -> b.optMaxBodyBytes(2000));
    String h = historyOf(1, 3);
    Object[][] cases = {
      {"{\"history\": [", null, "malformed JSON"},
      {"[1, 2]", null, "JSON object"},
      {"", null, "empty"},
      {"{\"k\": 5}", "history", "required"},
      {"{\"history\": \"i1\"}", "history", "array"},
      {"{\"history\": [true]}", "history[0]", "item id"},
      {"{\"history\": " + h + ", \"k\": \"5\"}", "k", "integer"},
      {"{\"history\": " + h + ", \"k\": 0}", "k", "out of range"},
      {"{\"history\": " + h + ", \"k\": 5000}", "k", "out of range"},
      {"{\"history\": " + h + ", \"beam\": 1000}", "beam", "out of range"},
      {"{\"history\": " + h + ", \"k\": 30, \"beam\": 20}", "beam", "must be >= k"},
      {"{\"history\": " + h + ", \"exclude_history\": 1}", "exclude_history", "true or false"},
      {"{\"history\": " + h + ", \"bean\": 20}", "bean", "unknown field"},
      {"{\"history\": " + h + ", \"user_id\": [1]}", "user_id", "string"},
    };
    for (Object[] c : cases) {
      Resp r = send(HttpMethod.POST, "/v1/recommend", (String) c[0]);
      assertEquals(400, r.status(), c[0] + " -> " + r.body());
      JsonNode j = r.json();
      assertTrue(j.get("error").asText().contains((String) c[2]), c[0] + " -> " + r.body());
      if (c[1] != null) {
        assertEquals(c[1], j.get("field").asText(), c[0] + " -> " + r.body());
      }
    }
    Resp unknown = send(HttpMethod.POST, "/v1/recommend",
        "{\"history\": [\"nope-1\", \"" + dataset.catalog().get(0).id() + "\", \"nope-2\"]}");
    assertEquals(400, unknown.status());
    assertEquals("[\"nope-1\",\"nope-2\"]", unknown.json().get("unknown_items").toString());
    assertEquals("history", unknown.json().get("field").asText());

    Resp big = send(HttpMethod.POST, "/v1/recommend", "{\"history\": [\"" + "x".repeat(3000)
        + "\"]}");
    assertEquals(413, big.status(), big.body());
    Resp wrongMethod = send(HttpMethod.GET, "/v1/recommend", null);
    assertEquals(405, wrongMethod.status());
    assertEquals("POST", wrongMethod.headers().get("allow"));
    assertEquals(404, send(HttpMethod.GET, "/nothing", null).status());
    // the server is still fine
    assertEquals(200, send(HttpMethod.GET, "/health", null).status());
    assertEquals(1, server.metrics().count("recommend", 413));
  }

  @Test
  void longHistoryIsTruncatedAndEmptyHistoryFallsBackToPopularity() throws Exception {
    start(b -> {});
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 30; i++) {
      sb.append(i > 0 ? "," : "").append('"').append(dataset.catalog().get(i).id()).append('"');
    }
    Resp r = send(HttpMethod.POST, "/v1/recommend", "{\"history\": " + sb + "], \"k\": 3}");
    assertEquals(200, r.status(), r.body());
    assertEquals(20, r.json().get("history_used").asInt());
    assertTrue(r.json().get("notes").get(0).asText().contains("the model reads the last 20"),
        r.body());

    Resp e = send(HttpMethod.POST, "/v1/recommend", "{\"history\": [], \"k\": 4}");
    assertEquals(200, e.status(), e.body());
    JsonNode j = e.json();
    assertEquals("popularity", j.get("source").asText());
    assertEquals(4, j.get("items").size());
    assertTrue(j.get("notes").get(0).asText().contains("popular"), e.body());
  }

  @Test
  void itemsHealthReadyAndMetrics() throws Exception {
    start(b -> {});
    String id = dataset.catalog().get(3).id();
    Resp item = send(HttpMethod.GET, "/v1/items/" + id, null);
    assertEquals(200, item.status(), item.body());
    assertEquals(id, item.json().get("id").asText());
    assertEquals(4, item.json().get("sid").size());
    assertFalse(item.json().get("added").asBoolean());
    Resp missing = send(HttpMethod.GET, "/v1/items/no-such-item", null);
    assertEquals(404, missing.status());
    assertEquals("id", missing.json().get("field").asText());

    assertEquals("ok", send(HttpMethod.GET, "/health", null).json().get("status").asText());
    Resp ready = send(HttpMethod.GET, "/ready", null);
    assertEquals(200, ready.status());
    assertEquals(dataset.catalog().size(), ready.json().get("items").asInt());

    send(HttpMethod.POST, "/v1/recommend", "{\"history\": " + historyOf(2, 4) + "}");
    Resp m = send(HttpMethod.GET, "/metrics", null);
    assertEquals(200, m.status());
    assertTrue(m.headers().get("content-type").startsWith("text/plain; version=0.0.4"));
    String text = m.body();
    assertTrue(text.contains("genrec_http_requests_total{endpoint=\"recommend\",status=\"200\"} 1"),
        text);
    assertTrue(text.contains("genrec_http_request_duration_seconds_bucket{endpoint=\"recommend\","
        + "le=\"+Inf\"} 1"), text);
    assertTrue(text.contains("genrec_stage_duration_seconds_count{stage=\"generate\"} 1"), text);
    assertTrue(text.contains("genrec_queue_depth 0"), text);
    assertTrue(text.matches("(?s).*\nprocess_resident_memory_bytes [1-9][0-9]*\n.*"), text);
  }

  @Test
  void readyIs503UntilAModelIsLoaded() throws Exception {
    watch = new EventLoopWatch();
    vertx = watch.vertx();
    ModelHolder empty = new ModelHolder();
    server = GenrecServer.start(vertx, ServerConfig.builder().optPort(0).build(), empty,
        p -> ServingModel.load(dataset, p, 20));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.port()));
    assertEquals(200, send(HttpMethod.GET, "/health", null).status());
    assertEquals(503, send(HttpMethod.GET, "/ready", null).status());
    assertEquals(503, send(HttpMethod.POST, "/v1/recommend", "{\"history\": []}").status());
    empty.swap(ServingModel.load(dataset, run, 20));
    assertEquals(200, send(HttpMethod.GET, "/ready", null).status());
  }

  @Test
  void newItemIsRecommendableAtOnceAndSurvivesARestart(@TempDir Path tmp) throws Exception {
    Path own = tmp.resolve("run");
    copy(run, own);
    start(b -> b.optMaxK(1000).optMaxBeam(1000), own);
    Resp add = send(HttpMethod.POST, "/v1/items", "{\"items\": [{\"id\": \"cold-1\", \"title\": "
        + "\"Argan Oil Repair Hair Mask\", \"text\": \"Deep conditioning mask with argan oil\", "
        + "\"categories\": [\"Hair Care\"]}]}", ADMIN);
    assertEquals(201, add.status(), add.body());
    JsonNode sid = add.json().get("items").get(0).get("sid");
    assertEquals(4, sid.size());
    assertEquals(dataset.catalog().size() + 1, add.json().get("total_items").asInt());

    Resp again = send(HttpMethod.POST, "/v1/items", "{\"id\": \"cold-1\", \"title\": \"x\"}", ADMIN);
    assertEquals(409, again.status(), again.body());
    Resp bad = send(HttpMethod.POST, "/v1/items", "{\"items\": [{\"id\": \"\", \"title\": \"x\"}]}",
        ADMIN);
    assertEquals(400, bad.status());
    assertEquals("items[0].id", bad.json().get("field").asText());
    // a tab or line break in an id would break the tab-separated sid.tsv: refused, nothing written
    String tableBefore = Files.readString(own.resolve("quantizer/sid.tsv"));
    Resp tab = send(HttpMethod.POST, "/v1/items", "{\"items\": [{\"id\": \"a\\tb\", \"title\": \"x\"}]}",
        ADMIN);
    assertEquals(400, tab.status(), tab.body());
    assertEquals("items[0].id", tab.json().get("field").asText());
    assertTrue(tab.body().contains("control characters"), tab.body());
    Resp twice = send(HttpMethod.POST, "/v1/items", "{\"items\": [{\"id\": \"d\", \"title\": \"x\"}, "
        + "{\"id\": \"d\", \"title\": \"y\"}]}", ADMIN);
    assertEquals(400, twice.status(), twice.body());
    assertEquals("items[1].id", twice.json().get("field").asText());
    assertEquals(tableBefore, Files.readString(own.resolve("quantizer/sid.tsv")));

    Resp item = send(HttpMethod.GET, "/v1/items/cold-1", null);
    assertEquals(200, item.status());
    assertTrue(item.json().get("added").asBoolean());
    assertEquals(sid, item.json().get("sid"));

    // the new item can be in a history, and the trie generates it: with beam = k = every item,
    // beam search keeps every valid path, so all items come back, the new one included
    int all = dataset.catalog().size() + 1;
    Resp rec = send(HttpMethod.POST, "/v1/recommend", "{\"history\": [\"cold-1\"], \"k\": " + all
        + ", \"beam\": " + all + ", \"exclude_history\": false}");
    assertEquals(200, rec.status(), rec.body());
    assertEquals(all, rec.json().get("items").size(), rec.body());
    boolean found = false;
    for (JsonNode it : rec.json().get("items")) {
      found |= it.get("id").asText().equals("cold-1");
    }
    assertTrue(found, "cold-1 not generated: " + rec.body());
    assertTrue(Files.readString(own.resolve("quantizer/added-items.jsonl")).contains("cold-1"));

    // restart: the item is still there with the same semantic ID
    stop();
    start(b -> {}, own);
    Resp after = send(HttpMethod.GET, "/v1/items/cold-1", null);
    assertEquals(200, after.status(), after.body());
    assertEquals(sid, after.json().get("sid"));
  }

  @Test
  void saturationGets503WithRetryAfterAndTimeoutGets504() throws Exception {
    start(b -> b.optQueueCapacity(2).optMaxBatch(1).optTimeoutMillis(1500));
    CountDownLatch gate = new CountDownLatch(1);
    server.pool().holdWorkers(gate);
    String body = "{\"history\": " + historyOf(3, 3) + "}";
    List<Future<Resp>> inFlight = new ArrayList<>();
    inFlight.add(sendAsync(HttpMethod.POST, "/v1/recommend", body, Map.of())); // taken, held
    waitFor(() -> server.pool().busyWorkers() == 1);
    inFlight.add(sendAsync(HttpMethod.POST, "/v1/recommend", body, Map.of())); // queued
    inFlight.add(sendAsync(HttpMethod.POST, "/v1/recommend", body, Map.of())); // queued
    waitFor(() -> server.pool().queueDepth() == 2);
    Resp rejected = send(HttpMethod.POST, "/v1/recommend", body);
    assertEquals(503, rejected.status(), rejected.body());
    assertEquals("1", rejected.headers().get("retry-after"));
    assertTrue(rejected.json().get("error").asText().contains("overloaded"));
    // the held requests pass their deadline: 504, and the server keeps working afterwards
    for (Future<Resp> f : inFlight) {
      Resp r = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(504, r.status(), r.body());
    }
    gate.countDown();
    server.pool().holdWorkers(null);
    // the timed-out requests still sit in the queue until the released worker drains it
    waitFor(() -> server.pool().queueDepth() == 0 && server.pool().busyWorkers() == 0);
    assertEquals(200, send(HttpMethod.POST, "/v1/recommend", body).status());
    assertTrue(server.metrics().render().contains("genrec_timeouts_total 3"));
  }

  @Test
  void reloadUnderConcurrentRequestsLosesNoRequest() throws Exception {
    start(b -> b.optWorkers(2).optAdminToken("s3cret").optQueueCapacity(256));
    Resp noToken = send(HttpMethod.POST, "/admin/reload", "{}");
    assertEquals(401, noToken.status());
    Resp wrong = send(HttpMethod.POST, "/admin/reload", "{}", Map.of("Authorization", "Bearer x"));
    assertEquals(401, wrong.status());
    Resp missing = send(HttpMethod.POST, "/admin/reload", "{\"run\": \"/no/such/run\"}",
        Map.of("Authorization", "Bearer s3cret"));
    assertEquals(400, missing.status(), missing.body());
    assertTrue(missing.json().get("error").asText().contains("still serving"));

    List<Future<Resp>> load = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      load.add(sendAsync(HttpMethod.POST, "/v1/recommend",
          "{\"history\": " + historyOf(i % dataset.users().size(), 5) + ", \"k\": 5}", Map.of()));
      if (i == 20 || i == 40) {
        Resp ok = send(HttpMethod.POST, "/admin/reload", "", Map.of("Authorization", "Bearer s3cret"));
        assertEquals(200, ok.status(), ok.body());
      }
    }
    for (Future<Resp> f : load) {
      Resp r = f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals(200, r.status(), r.body());
      assertEquals(5, r.json().get("items").size());
    }
    assertTrue(server.metrics().render().contains("genrec_model_reloads_total 2"));
  }

  @Test
  void gracefulShutdownFinishesInFlightRequests() throws Exception {
    start(b -> b.optMaxBatch(1));
    CountDownLatch gate = new CountDownLatch(1);
    server.pool().holdWorkers(gate);
    Future<Resp> pending = sendAsync(HttpMethod.POST, "/v1/recommend",
        "{\"history\": " + historyOf(4, 3) + "}", Map.of());
    waitFor(() -> server.pool().busyWorkers() == 1);
    var stopped = server.stop();
    Thread.sleep(200);
    assertFalse(stopped.isDone(), "stopped while a request was in flight");
    gate.countDown();
    Resp r = pending.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(200, r.status(), r.body());
    stopped.get(30, TimeUnit.SECONDS);
    server = null;
  }

  /**
   * A mixture of two runs with different semantic-ID tables: it serves exactly the merge of the
   * members' own results, reports its members on /ready, serves an added item only once every
   * member's table has it, completes an addition that reached one table only, and adds items
   * live in every member.
   */
  @Test
  void mixtureServesTheMergedResultsOfItsMembers(@TempDir Path tmp) throws Exception {
    Path first = tmp.resolve("first");
    copy(run, first);
    Path second = tmp.resolve("second");
    String d = data.toString();
    assertEquals(0, GenrecCli.execute("quantize", "--data", d, "--preset", "tiny", "--run",
        second.toString(), "--method", "rqkmeans", "--seed", "9"));
    assertEquals(0, GenrecCli.execute("train", "--data", d, "--preset", "tiny", "--run",
        second.toString(), "--steps", "20", "--layout", "sequence", "--threads", "1", "--seed",
        "3"));
    assertTrue(!Files.readString(first.resolve("quantizer/sid.tsv"))
        .equals(Files.readString(second.resolve("quantizer/sid.tsv"))), "same tables");

    int[][] histories = {{0, 1, 2}, {5}};
    ServingModel mix = ServingModel.load(dataset, first, List.of(second), 20);
    ServingModel a = ServingModel.load(dataset, first, 20);
    ServingModel b = ServingModel.load(dataset, second, 20);
    try {
      assertEquals(List.of(first, second), mix.memberRuns());
      List<genrec.generator.decode.BeamResult> got = mix.recommend(histories, 4, 6, true);
      List<genrec.generator.decode.BeamResult> ra = a.recommend(histories, 6, 6, true);
      List<genrec.generator.decode.BeamResult> rb = b.recommend(histories, 6, 6, true);
      for (int h = 0; h < histories.length; h++) {
        genrec.generator.decode.BeamResult want = genrec.generator.decode.GeneratorMixture
            .combine(List.of(ra.get(h), rb.get(h)), 4, a::codes);
        assertEquals(4, got.get(h).size());
        assertTrue(java.util.Arrays.equals(want.items(), got.get(h).items()), "user " + h);
        assertTrue(java.util.Arrays.equals(want.scores(), got.get(h).scores()), "user " + h);
        assertTrue(java.util.Arrays.equals(a.codes(got.get(h).items()[0]),
            got.get(h).paths()[0]));
      }
    } finally {
      mix.release();
      a.release();
      b.release();
    }
    IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> ServingModel.load(dataset, first, List.of(first.resolve(".")), 20));
    assertTrue(twice.getMessage().contains("is the same folder as " + first), twice.getMessage());

    // an item added to the first run only (as an addition interrupted after writing that run)
    // is not served by the mixture; adding it to the mixture keeps its ID there, gives it one
    // in the second run, and serves it
    genrec.quantizer.catalog.Item cold = new genrec.quantizer.catalog.Item("cold-m", "Rose Lip Balm",
        "Tinted lip balm with rose oil", List.of("Lips"), List.of());
    ServingModel one = ServingModel.load(dataset, first, 20);
    try {
      one.addItems(List.of(cold));
    } finally {
      one.release();
    }
    String firstSid = sidLine(first, "cold-m");
    assertNotNull(firstSid);
    ServingModel partial = ServingModel.load(dataset, first, List.of(second), 20);
    try {
      assertEquals(0, partial.addedItems());
      assertEquals(-1, partial.indexOf("cold-m"));
      int idx = partial.addItems(List.of(cold))[0];
      assertEquals(partial.numItems() - 1, idx);
      assertEquals(1, partial.addedItems());
    } finally {
      partial.release();
    }
    assertEquals(firstSid, sidLine(first, "cold-m"));
    assertNotNull(sidLine(second, "cold-m"));
    for (Path member : new Path[] {first, second}) {
      long lines = Files.readAllLines(member.resolve("quantizer/added-items.jsonl")).stream()
          .filter(l -> l.contains("\"cold-m\"")).count();
      assertEquals(1, lines, member.toString());
    }
    ServingModel m = ServingModel.load(dataset, first, List.of(second), 20);
    try {
      // one index in every member's trie: a history holding it decodes, and with k = beam =
      // every item each member keeps every path, so the mixture returns the new item too
      int idx = m.indexOf("cold-m");
      assertEquals(m.numItems() - 1, idx);
      int all = m.numItems();
      genrec.generator.decode.BeamResult r =
          m.recommend(new int[][] {{idx}}, all, all, false).get(0);
      assertEquals(all, r.size());
      assertTrue(java.util.Arrays.stream(r.items()).anyMatch(i -> i == idx));
    } finally {
      m.release();
    }

    watch = new EventLoopWatch();
    vertx = watch.vertx();
    ModelHolder holder = new ModelHolder();
    holder.swap(ServingModel.load(dataset, first, List.of(second), 20));
    server = GenrecServer.start(vertx, ServerConfig.builder().optPort(0).optWorkers(1)
        .optMaxK(1000).optMaxBeam(1000).optAdminToken(TOKEN).build(),
        holder, p -> ServingModel.load(dataset, p, List.of(second), 20));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.port())
        .setDefaultHost("127.0.0.1"));
    Resp ready = send(HttpMethod.GET, "/ready", null);
    assertEquals(JSON.readTree("[\"" + first + "\", \"" + second + "\"]"),
        ready.json().get("generators"), ready.body());
    Resp rec = send(HttpMethod.POST, "/v1/recommend", "{\"history\": " + historyOf(0, 3)
        + ", \"k\": 3, \"beam\": 5}");
    assertEquals(200, rec.status(), rec.body());
    assertEquals(3, rec.json().get("items").size(), rec.body());
    Resp add = send(HttpMethod.POST, "/v1/items", "{\"items\": [{\"id\": \"cold-2\", "
        + "\"title\": \"Mint Foot Cream\"}]}", ADMIN);
    assertEquals(201, add.status(), add.body());
    assertNotNull(sidLine(first, "cold-2"));
    assertNotNull(sidLine(second, "cold-2"));
    int total = add.json().get("total_items").asInt();
    Resp live = send(HttpMethod.POST, "/v1/recommend", "{\"history\": [\"cold-2\"], \"k\": "
        + total + ", \"beam\": " + total + ", \"exclude_history\": false}");
    assertEquals(200, live.status(), live.body());
    assertTrue(live.body().contains("\"cold-2\""), live.body());
    assertEquals(200, send(HttpMethod.POST, "/admin/reload", "{}", ADMIN).status());
    Resp kept = send(HttpMethod.GET, "/v1/items/cold-2", null);
    assertEquals(200, kept.status(), kept.body());
    assertEquals(add.json().get("items").get(0).get("sid"), kept.json().get("sid"));
  }

  /**
   * A single run after a crash between the two writes of an addition: the item is listed but has
   * no semantic ID, so it is not served; adding it again serves it and leaves one line for it.
   */
  @Test
  void anInterruptedAdditionIsCompletedByAddingAgain(@TempDir Path tmp) throws Exception {
    Path own = tmp.resolve("run");
    copy(run, own);
    Files.writeString(own.resolve("quantizer/added-items.jsonl"),
        "{\"id\": \"cold-x\", \"title\": \"Old Title\"}\n");
    ServingModel before = ServingModel.load(dataset, own, 20);
    try {
      assertEquals(-1, before.indexOf("cold-x"));
      before.addItems(List.of(new genrec.quantizer.catalog.Item("cold-x", "Lavender Body Wash",
          "", List.of(), List.of())));
    } finally {
      before.release();
    }
    List<String> lines = Files.readAllLines(own.resolve("quantizer/added-items.jsonl"));
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("Lavender Body Wash"), lines.get(0));
    ServingModel after = ServingModel.load(dataset, own, 20);
    try {
      assertEquals(after.numItems() - 1, after.indexOf("cold-x"));
      assertEquals("Lavender Body Wash", after.item(after.indexOf("cold-x")).title());
    } finally {
      after.release();
    }
  }

  /** The line of {@code id} in a run's {@code sid.tsv} (its codes), or null. */
  private static String sidLine(Path runDir, String id) throws Exception {
    return Files.readAllLines(runDir.resolve("quantizer/sid.tsv")).stream()
        .filter(l -> l.startsWith(id + "\t")).findFirst().orElse(null);
  }

  @Test
  void anAdditionQueuedBehindAReloadGoesToTheReloadedModel(@TempDir Path tmp) throws Exception {
    Path own = tmp.resolve("run");
    copy(run, own);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    start(b -> {}, own, p -> {
      loading.countDown();
      try {
        assertTrue(proceed.await(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return ServingModel.load(dataset, p, 20);
    });
    Future<Resp> reload = sendAsync(HttpMethod.POST, "/admin/reload", "{}", ADMIN);
    assertTrue(loading.await(30, TimeUnit.SECONDS));
    // posted while the reload reads the run folder (which does not have the item yet)
    Future<Resp> add = sendAsync(HttpMethod.POST, "/v1/items",
        "{\"id\": \"cold-r\", \"title\": \"Rose Water Toner\"}", ADMIN);
    Thread.sleep(300); // let the addition reach the server and queue behind the reload
    proceed.countDown();
    assertEquals(200, reload.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS)
        .status());
    Resp added = add.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(201, added.status(), added.body());
    // the model now serving has it: the addition was not made to the model the reload replaced
    Resp item = send(HttpMethod.GET, "/v1/items/cold-r", null);
    assertEquals(200, item.status(), item.body());
    assertEquals(added.json().get("items").get(0).get("sid"), item.json().get("sid"));
    // and a later addition keeps it in the table
    assertEquals(201, send(HttpMethod.POST, "/v1/items",
        "{\"id\": \"cold-s\", \"title\": \"Shea Butter\"}", ADMIN).status());
    assertNotNull(sidLine(own, "cold-r"));
    assertNotNull(sidLine(own, "cold-s"));
  }

  private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (!c.getAsBoolean() && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    assertTrue(c.getAsBoolean(), "condition not reached in 10 s");
  }

  private static void copy(Path from, Path to) {
    TinyRun.copy(from, to);
  }

}
