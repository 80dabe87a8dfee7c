package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.serving.http.TestServer.Resp;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service under hostile input, on the tiny run: every malformed body on every JSON route (bad
 * JSON, too deep, wrong types, huge numbers, non-object roots, empty, wrong content, compressed,
 * oversized) gets a 4xx naming the problem, no response carries an exception's text or a server
 * path, and the admin routes are closed without the bearer token.
 */
class HostileInputTest {
  static final String TOKEN = "hostile-test-token";
  static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TOKEN);
  /** What no response may carry: a Java exception's text or a stack frame. */
  private static final Pattern LEAK = Pattern.compile(
      "Exception|java\\.|javax\\.|com\\.fasterxml|at genrec\\.|\\bat [a-z]+\\.[a-z]+\\.|"
          + "\\.java:\\d+|/(tmp|home|work|usr|var|opt|root)/");

  private static TinyRun tiny;

  @BeforeAll
  static void trainTinyRun() {
    tiny = TinyRun.get();
  }

  /** Fails if {@code r}'s body names an exception, a stack frame or a server path. */
  static void assertClean(Resp r, String what) {
    assertClean(r.body(), what + " -> " + r.status() + " " + r.body());
  }

  /** Fails if {@code body} names an exception, a stack frame or a server path. */
  static void assertClean(String body, String what) {
    assertFalse(LEAK.matcher(body).find(), what);
  }

  private record Case(String path, byte[] body, Map<String, String> headers, int status,
      String phrase, String field) {}

  private static Case c(String path, String body, int status, String phrase, String field) {
    return new Case(path, body.getBytes(StandardCharsets.UTF_8), headersFor(path, null), status,
        phrase, field);
  }

  private static Map<String, String> headersFor(String path, Map<String, String> extra) {
    Map<String, String> h = new HashMap<>();
    if (!path.equals("/v1/recommend")) {
      h.putAll(ADMIN);
    }
    if (extra != null) {
      h.putAll(extra);
    }
    return h;
  }

  @Test
  void everyMalformedBodyGetsA4xxNamingTheProblem(@TempDir Path tmp) throws Exception {
    Path own = tiny.copyTo(tmp.resolve("run"));
    String sidBefore = Files.readString(own.resolve("quantizer/sid.tsv"));
    String id = tiny.dataset().catalog().get(0).id();
    String deep = "[".repeat(5000) + "]".repeat(5000);
    List<Case> cases = new ArrayList<>();
    for (String route : new String[] {"/v1/recommend", "/v1/items", "/admin/reload"}) {
      // the body of issue 24: a 500 with Jackson's NullPointerException before
      cases.add(c(route, deep, 400, "nested more than 32 levels deep", null));
      cases.add(c(route, "{\"a\": " + "[".repeat(40) + "]".repeat(40) + "}", 400,
          "nested more than 32 levels deep", null));
      cases.add(c(route, "{\"history\": [", 400, "malformed JSON", null));
      cases.add(c(route, "{\"a\": 1,}", 400, "(line 1, column", null));
      cases.add(c(route, "{} {}", 400, "more content after the JSON value", null));
      cases.add(c(route, "{\"a\": 1, \"a\": 2}", 400, "Duplicate field 'a'", null));
      cases.add(c(route, "{\"a\": NaN}", 400, "'NaN' is not a JSON value", null));
      cases.add(c(route, "{\"a\": -Infinity}", 400, "malformed JSON", null));
      cases.add(c(route, "{\"a\": " + "9".repeat(5000) + "}", 400,
          "longer than 100 characters", null));
      cases.add(c(route, "[1, 2]", 400, "must be a JSON object", null));
      cases.add(c(route, "\"text\"", 400, "got a string", null));
      cases.add(c(route, "null", 400, "got null", null));
      cases.add(c(route, "42", 400, "got an integer", null));
      cases.add(new Case(route, new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'},
          headersFor(route, null), 400, "malformed JSON", null));
      cases.add(new Case(route, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13},
          headersFor(route, null), 400, "malformed JSON", null));
      cases.add(new Case(route, "<run>x</run>".getBytes(StandardCharsets.UTF_8),
          headersFor(route, Map.of("Content-Type", "application/xml")), 400,
          "sent as Content-Type application/xml", null));
      cases.add(new Case(route, new byte[] {0x1f, (byte) 0x8b, 8, 0},
          headersFor(route, Map.of("Content-Encoding", "gzip")), 415, "Content-Encoding 'gzip'",
          "Content-Encoding"));
      cases.add(new Case(route, ("{\"a\": \"" + "x".repeat(1_100_000) + "\"}")
          .getBytes(StandardCharsets.UTF_8), headersFor(route, null), 413, "larger than the limit",
          null));
    }
    // empty bodies: /admin/reload reads {} (reload the current run); the others need a body
    cases.add(c("/v1/recommend", "", 400, "the body is empty", null));
    cases.add(c("/v1/recommend", " \n\t", 400, "the body is empty", null));
    cases.add(c("/v1/items", "", 400, "the body is empty", null));
    cases.add(c("/v1/recommend", "\uFEFF ", 400, "the body is empty", null)); // a byte-order mark
    // wrong, missing and unknown fields, named
    String h = "[\"" + id + "\"]";
    cases.add(c("/v1/recommend", "{\"history\": {\"a\": 1}}", 400, "got an object", "history"));
    cases.add(c("/v1/recommend", "{\"history\": [1.5]}", 400, "got a number with a fraction",
        "history[0]"));
    cases.add(c("/v1/recommend", "{\"history\": [[\"x\"]]}", 400, "got an array", "history[0]"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"k\": 1e400}", 400,
        "k must be an integer", "k"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"k\": 99999999999999999999}", 400,
        "out of range", "k"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"beam\": -3}", 400, "out of range",
        "beam"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"user_id\": true}", 400,
        "got true", "user_id"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"exclude_history\": \"yes\"}", 400,
        "got a string", "exclude_history"));
    cases.add(c("/v1/recommend", "{\"histroy\": " + h + "}", 400, "unknown field 'histroy'",
        "histroy"));
    cases.add(c("/v1/recommend", "{\"history\": " + h + ", \"" + "z".repeat(5000) + "\": 1}", 400,
        "unknown field 'zzz", null));
    cases.add(c("/v1/items", "{\"items\": [{\"id\": \"n1\", \"title\": \"x\", \"colour\": 1}]}",
        400, "unknown field 'items[0].colour'", "items[0].colour"));
    cases.add(c("/v1/items", "{\"items\": [{\"id\": \"n1\", \"title\": \"x\"}], \"extra\": 1}",
        400, "unknown field 'extra'", "extra"));
    cases.add(c("/v1/items", "{\"items\": {\"id\": \"n1\"}}", 400, "got an object", "items"));
    cases.add(c("/v1/items", "{\"items\": [\"n1\"]}", 400, "got a string", "items[0]"));
    cases.add(c("/v1/items", "{\"items\": [{\"title\": \"x\"}]}", 400, "is required",
        "items[0].id"));
    cases.add(c("/v1/items", "{\"items\": [{\"id\": 5.5, \"title\": \"x\"}]}", 400,
        "got a number with a fraction", "items[0].id"));
    cases.add(c("/v1/items", "{\"items\": [{\"id\": \"n1\", \"title\": 3}]}", 400,
        "got an integer", "items[0].title"));
    cases.add(c("/v1/items", "{\"items\": [{\"id\": \"n1\", \"title\": \"x\", \"categories\": "
        + "[\"a\", 1]}]}", 400, "got an integer", "items[0].categories[1]"));
    cases.add(c("/v1/items", "{\"id\": \"n1\", \"title\": \"x\", \"colour\": 1}", 400,
        "unknown field 'colour'", "colour"));
    // the reload of issue 24: {"path": ...} reloaded the current run
    cases.add(c("/admin/reload", "{\"path\": \"" + own + "\"}", 400, "unknown field 'path'",
        "path"));
    cases.add(c("/admin/reload", "{\"run\": 5}", 400, "got an integer", "run"));
    cases.add(c("/admin/reload", "{\"run\": \"\"}", 400, "blank", "run"));
    cases.add(c("/admin/reload", "{\"run\": \"a\\u0000b\"}", 400, "not a valid folder path", "run"));

    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
        .optAdminToken(TOKEN).build(), own)) {
      for (Case k : cases) {
        String what = "POST " + k.path() + " " + shown(k.body());
        Resp r = s.send(HttpMethod.POST, k.path(), k.body(), k.headers());
        assertEquals(k.status(), r.status(), what + " -> " + r.body());
        JsonNode j = r.json();
        assertTrue(j.get("error").asText().contains(k.phrase()), what + " -> " + r.body());
        if (k.field() != null) {
          assertEquals(k.field(), j.path("field").asText(null), what + " -> " + r.body());
        }
        assertClean(r, what);
      }
      Resp escape = s.send(HttpMethod.GET, "/v1/items/%zz", (byte[]) null, Map.of());
      assertEquals(400, escape.status(), escape.body());
      assertEquals("id", escape.json().get("field").asText());
      assertClean(escape, "GET /v1/items/%zz");
      // nothing was added, reloaded or broken
      assertEquals(200, s.send(HttpMethod.GET, "/health", (byte[]) null, Map.of()).status());
      assertEquals(200, s.send(HttpMethod.POST, "/v1/recommend", "{\"history\": " + h + "}",
          Map.of()).status());
      assertEquals(200, s.send(HttpMethod.POST, "/v1/recommend", "\uFEFF{\"history\": " + h
          + "}", Map.of()).status());
      String metrics = s.server.metrics().render();
      assertFalse(metrics.contains("genrec_model_reloads_total 1"), metrics);
      assertFalse(Pattern.compile("status=\"5\\d\\d\"").matcher(metrics).find(), metrics);
    }
    assertEquals(sidBefore, Files.readString(own.resolve("quantizer/sid.tsv")));
    assertFalse(Files.exists(own.resolve("quantizer/added-items.jsonl")));
  }

  /** A failed reload says what is missing in the run folder without the server's paths. */
  @Test
  void aFailedReloadNamesWhatIsMissingWithoutServerPaths(@TempDir Path tmp) throws Exception {
    Path own = tiny.copyTo(tmp.resolve("run"));
    Path broken = tiny.copyTo(tmp.resolve("broken"));
    Files.delete(broken.resolve("generator/model.bin"));
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
        .optAdminToken(TOKEN).build(), own)) {
      Resp r = s.send(HttpMethod.POST, "/admin/reload", "{\"run\": \"" + broken + "\"}", ADMIN);
      assertEquals(400, r.status(), r.body());
      String error = r.json().get("error").asText();
      assertTrue(error.contains("still serving the previous model: no trained generator at "
          + "RUN/generator/model.bin"), error);
      // the folder the admin named is repeated once, as they sent it; no other path
      assertEquals(error.indexOf(broken.toString()), error.lastIndexOf(broken.toString()), error);
      assertEquals(200, s.send(HttpMethod.POST, "/v1/recommend", "{\"history\": []}", Map.of())
          .status());
    }
  }

  @Test
  void withoutPathsKeepsTheRunFolderAsRunAndCutsOtherPaths() {
    Path run = Path.of("/srv/genrec/runs/beauty");
    assertEquals("no trained generator at RUN/generator/model.bin: run 'genrec train' first",
        GenrecServer.withoutServerPaths("no trained generator at "
            + "/srv/genrec/runs/beauty/generator/model.bin: run 'genrec train' first", run));
    assertEquals("run .../other reads 10 history items",
        GenrecServer.withoutServerPaths("run /data/x/other reads 10 history items", run));
    // a short relative folder is replaced where it stands as a path, not inside words
    assertEquals("no semantic IDs at RUN/quantizer/sid.tsv: run 'genrec quantize --run RUN' first",
        GenrecServer.withoutServerPaths("no semantic IDs at e/quantizer/sid.tsv: run 'genrec "
            + "quantize --run e' first", Path.of("e")));
  }

  /** Admin routes need the bearer token; a server without one keeps them closed. */
  @Test
  void adminRoutesNeedTheBearerToken(@TempDir Path tmp) throws Exception {
    Path own = tiny.copyTo(tmp.resolve("run"));
    String sidBefore = Files.readString(own.resolve("quantizer/sid.tsv"));
    String item = "{\"id\": \"cold-t\", \"title\": \"Tea Tree Oil\"}";
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
        .optAdminToken(TOKEN).build(), own)) {
      List<Map<String, String>> refused = List.of(Map.of(),
          Map.of("Authorization", "Bearer wrong"), Map.of("Authorization", TOKEN),
          Map.of("Authorization", "Bearer " + TOKEN + "x"),
          Map.of("Authorization", "Basic " + TOKEN));
      for (Map<String, String> headers : refused) {
        for (String[] route : new String[][] {{"/admin/reload", "{}"}, {"/v1/items", item}}) {
          Resp r = s.send(HttpMethod.POST, route[0], route[1], headers);
          assertEquals(401, r.status(), route[0] + " " + headers + " -> " + r.body());
          assertEquals("Bearer", r.headers().get("www-authenticate"));
          assertEquals("Authorization", r.json().get("field").asText());
          assertFalse(r.body().contains(TOKEN), r.body());
        }
      }
      assertFalse(s.server.metrics().render().contains("genrec_model_reloads_total 1"));
      assertEquals(404, s.send(HttpMethod.GET, "/v1/items/cold-t", (byte[]) null, Map.of())
          .status());
      assertEquals(sidBefore, Files.readString(own.resolve("quantizer/sid.tsv")));
      // with the token: both work
      assertEquals(200, s.send(HttpMethod.POST, "/admin/reload", "{}", ADMIN).status());
      assertEquals(201, s.send(HttpMethod.POST, "/v1/items", item, ADMIN).status());
    }
    // no token configured: the admin routes are closed to everyone
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1).build(),
        own)) {
      for (String[] route : new String[][] {{"/admin/reload", "{}"}, {"/v1/items", item}}) {
        Resp r = s.send(HttpMethod.POST, route[0], route[1], Map.of());
        assertEquals(403, r.status(), route[0] + " -> " + r.body());
        assertTrue(r.json().get("error").asText().contains("no admin token"), r.body());
      }
      assertFalse(s.server.metrics().render().contains("genrec_model_reloads_total 1"));
      // the other routes stay open
      assertEquals(200, s.send(HttpMethod.POST, "/v1/recommend", "{\"history\": []}", Map.of())
          .status());
    }
  }

  /**
   * Items with one text share their first three codes; once the generator's 8 dedup codes of that
   * group are taken, the next one is refused with 422 naming the item (it was a 500, found by
   * {@link JsonRoutesFuzzTest}), and nothing is written for it.
   */
  @Test
  void anItemWhoseSemanticIdGroupIsFullGets422(@TempDir Path tmp) throws Exception {
    Path own = tiny.copyTo(tmp.resolve("run"));
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
        .optAdminToken(TOKEN).build(), own)) {
      Resp r = null;
      int added = 0;
      for (int i = 0; i < 10; i++) {
        r = s.send(HttpMethod.POST, "/v1/items", "{\"id\": \"same-" + i + "\", \"title\": "
            + "\"One And The Same Title\"}", ADMIN);
        if (r.status() != 201) {
          break;
        }
        added++;
      }
      assertTrue(added < 9, "8 dedup codes, yet " + added + " items were added");
      assertEquals(422, r.status(), r.body());
      String error = r.json().get("error").asText();
      assertTrue(error.contains("item 'same-" + added + "' cannot be served")
          && error.contains("the generator tells at most 8 apart"), error);
      assertClean(r, "full group");
      assertFalse(Files.readString(own.resolve("quantizer/sid.tsv")).contains("same-" + added));
      assertEquals(404, s.send(HttpMethod.GET, "/v1/items/same-" + added, (byte[]) null,
          Map.of()).status());
      assertEquals(200, s.send(HttpMethod.GET, "/health", (byte[]) null, Map.of()).status());
    }
  }

  @Test
  void theTokenComparisonIsExact() {
    assertTrue(AdminToken.matches("Bearer abc", "abc"));
    assertTrue(AdminToken.matches(" Bearer abc ", "abc"));
    assertFalse(AdminToken.matches("Bearer abcd", "abc"));
    assertFalse(AdminToken.matches("Bearer ab", "abc"));
    assertFalse(AdminToken.matches("abc", "abc"));
    assertFalse(AdminToken.matches(null, "abc"));
    assertFalse(AdminToken.matches("Bearer abc", null));
    String t = AdminToken.generate();
    assertEquals(43, t.length());
    assertTrue(t.matches("[A-Za-z0-9_-]+"), t);
    assertFalse(t.equals(AdminToken.generate()));
  }

  private static String shown(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() <= 80 ? s : s.substring(0, 80) + "... (" + body.length + " bytes)";
  }
}
