package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.serving.http.TestServer.Resp;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer against every JSON route ({@code POST /v1/recommend}, {@code POST /v1/items},
 * {@code POST /admin/reload}) of a server on the tiny run: random bytes, truncated JSON, deep
 * nesting, wrong types, huge strings and arrays, unicode, NaN/Infinity and huge numbers,
 * duplicate keys, random JSON trees over the routes' field names, and byte-level mutations of
 * valid bodies. {@value #MAX_CASES} cases or {@value #MAX_SECONDS} s of wall time, whichever comes
 * first. No answer may be a 5xx, every 4xx is a JSON {@code error}, no body carries an
 * exception's text, a stack frame or a server path the request did not send, and the server is
 * healthy afterwards. A failure prints the seed and the case number.
 */
class JsonRoutesFuzzTest {
  static final long SEED = 24;
  static final int MAX_CASES = 3000;
  static final int MAX_SECONDS = 20;
  /** Cases sent before waiting for their answers. */
  static final int IN_FLIGHT = 8;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] ROUTES = {"/v1/recommend", "/v1/items", "/admin/reload"};
  private static final String[][] FIELDS = {
    {"history", "k", "beam", "exclude_history", "user_id", "pipeline", "record_exposure"},
    {"items", "id", "title", "text", "categories"},
    {"run"},
  };
  private static final String[] CONTENT_TYPES = {"application/json",
    "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/octet-stream", "", "*/*", "application/xml"};

  private static TinyRun tiny;

  @BeforeAll
  static void trainTinyRun() {
    tiny = TinyRun.get();
  }

  @Test
  void noBodyGetsA5xxOrLeaksInternals(@TempDir Path tmp) throws Exception {
    Path own = tiny.copyTo(tmp.resolve("run"));
    // what a body must not repeat unless the request sent it: the server's folders
    List<String> serverPaths = List.of(own.toString(), tiny.run().toString(), tmp.toString(),
        System.getProperty("user.dir"), System.getProperty("java.home"));
    Random rnd = new Random(SEED);
    Map<String, Integer> statuses = new TreeMap<>();
    int n = 0;
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
        .optMaxBodyBytes(64 * 1024).optAdminToken(HostileInputTest.TOKEN).build(), own)) {
      // warm-up outside the time budget: the first addition loads MiniLM
      assertEquals(201, s.send(HttpMethod.POST, "/v1/items", "{\"id\": \"fuzz-warm-up\", "
          + "\"title\": \"Warm Up\"}", HostileInputTest.ADMIN).status());
      long begin = System.nanoTime();
      long end = begin + MAX_SECONDS * 1_000_000_000L;
      while (n < MAX_CASES && System.nanoTime() < end) {
        // a few cases in flight at once: the server answers them concurrently
        List<Sent> batch = new ArrayList<>();
        for (int b = 0; b < IN_FLIGHT && n < MAX_CASES; b++, n++) {
          int route = rnd.nextInt(ROUTES.length);
          byte[] body = body(route, rnd, own);
          Map<String, String> headers = new HashMap<>();
          if (route > 0 && rnd.nextInt(20) > 0) {
            headers.putAll(HostileInputTest.ADMIN);
          }
          if (rnd.nextInt(4) == 0) {
            headers.put("Content-Type", CONTENT_TYPES[rnd.nextInt(CONTENT_TYPES.length)]);
          }
          String sent = new String(body, StandardCharsets.UTF_8);
          String what = "seed " + SEED + " case " + n + ": POST " + ROUTES[route] + " " + headers
              + " " + (sent.length() > 300 ? sent.substring(0, 300) + "... (" + body.length
                  + " bytes)" : sent);
          batch.add(new Sent(ROUTES[route], sent, what,
              s.sendAsync(HttpMethod.POST, ROUTES[route], body, headers)));
        }
        for (Sent c : batch) {
          Resp r = c.answer().get(60, TimeUnit.SECONDS);
          statuses.merge(c.route() + " " + r.status(), 1, Integer::sum);
          check(c, r, serverPaths);
        }
      }
      System.out.println("fuzz: " + n + " cases (seed " + SEED + "): " + statuses
          + " in " + (System.nanoTime() - begin) / 1_000_000 + " ms");
      assertEquals(200, s.send(HttpMethod.GET, "/health", (byte[]) null, Map.of()).status());
      assertEquals(200, s.send(HttpMethod.GET, "/ready", (byte[]) null, Map.of()).status());
      Resp ok = s.send(HttpMethod.POST, "/v1/recommend", recommendTemplate(rnd).toString(),
          Map.of());
      assertEquals(200, ok.status(), ok.body());
    }
    assertTrue(n > 0);
  }

  /** A case on its way: the route, the body as text, its description, the answer to come. */
  private record Sent(String route, String sent, String what, CompletableFuture<Resp> answer) {}

  private static void check(Sent c, Resp r, List<String> serverPaths) throws Exception {
    if (r.status() >= 500) {
      fail(c.what() + " -> " + r.status() + " " + r.body());
    }
    // a folder the request named may come back (a reload says what it loaded); nothing else
    String answer = r.body();
    for (String p : serverPaths) {
      if (c.sent().contains(p)) {
        answer = answer.replace(p, "SENT");
      }
    }
    HostileInputTest.assertClean(answer, c.what() + " -> " + r.status() + " " + r.body());
    for (String p : serverPaths) {
      assertFalse(answer.contains(p), c.what() + " -> " + r.body());
    }
    if (r.status() >= 400) {
      JsonNode j = r.json();
      assertTrue(j.get("error").isTextual() && !j.get("error").asText().isBlank(),
          c.what() + " -> " + r.body());
    }
  }

  // ---- the generator ----

  private static byte[] body(int route, Random rnd, Path own) {
    JsonNode valid = switch (route) {
      case 0 -> recommendTemplate(rnd);
      case 1 -> itemsTemplate(rnd);
      default -> reloadTemplate(rnd, own);
    };
    String v = valid.toString();
    String field = FIELDS[route][rnd.nextInt(FIELDS[route].length)];
    return switch (rnd.nextInt(11)) {
      case 0 -> randomBytes(rnd, rnd.nextInt(300));
      case 1 -> utf8(v.substring(0, rnd.nextInt(Math.max(1, v.length())))); // truncated
      case 2 -> utf8(deep(rnd));
      case 3 -> utf8(replaced(valid, field, randomValue(rnd, 3)).toString()); // wrong type
      case 4 -> utf8(replaced(valid, field, huge(rnd)).toString());
      case 5 -> utf8(replaced(valid, field, NODES.textNode(unicode(rnd, 1 + rnd.nextInt(40))))
          .toString());
      case 6 -> utf8(v.replaceFirst("(\\d+|\"[^\"]*\")(?=[,}\\]])", numberish(rnd)));
      case 7 -> utf8(duplicated(v, field, rnd));
      case 8 -> utf8(randomTree(rnd, route, 0).toString());
      case 9 -> mutated(utf8(v), rnd);
      default -> utf8(v); // valid, or nearly: the routes still answer it
    };
  }

  private static JsonNode recommendTemplate(Random rnd) {
    ObjectNode n = NODES.objectNode();
    ArrayNode h = n.putArray("history");
    int len = rnd.nextInt(6);
    for (int i = 0; i < len; i++) {
      h.add(tiny.dataset().catalog().get(rnd.nextInt(tiny.dataset().catalog().size())).id());
    }
    int k = 1 + rnd.nextInt(10);
    n.put("k", k).put("beam", k + rnd.nextInt(10));
    if (rnd.nextBoolean()) {
      n.put("exclude_history", rnd.nextBoolean());
    }
    if (rnd.nextBoolean()) {
      n.put("user_id", "u" + rnd.nextInt(100));
      if (rnd.nextInt(4) == 0) {
        n.put("record_exposure", rnd.nextBoolean());
      }
    }
    if (rnd.nextInt(3) == 0) {
      n.set("pipeline", pipelineTemplate(rnd));
    }
    return n;
  }

  /** A cascade pipeline, mostly valid: random channels and quotas, re-ranker, rules. */
  private static JsonNode pipelineTemplate(Random rnd) {
    String[] channels = {"generator", "itemknn", "popularity", "content"};
    ObjectNode p = NODES.objectNode();
    if (rnd.nextBoolean()) {
      ObjectNode recall = p.putObject("recall");
      for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
        recall.put(channels[rnd.nextInt(channels.length)], rnd.nextInt(30));
      }
    }
    if (rnd.nextBoolean()) {
      String[] methods = {"none", "mmr", "dpp"};
      String[] sims = {"sid", "category", "text"};
      p.putObject("rerank").put("method", methods[rnd.nextInt(3)])
          .put("theta", rnd.nextInt(10) / 10.0).put("window", rnd.nextInt(6))
          .put("similarity", sims[rnd.nextInt(3)]);
    }
    if (rnd.nextBoolean()) {
      ArrayNode rules = p.putArray("rules");
      rules.addObject().put("type", "max_consecutive").put("max", 1 + rnd.nextInt(3));
      if (rnd.nextBoolean()) {
        rules.addObject().put("type", "pinned_slot")
            .put("item", tiny.dataset().catalog().get(rnd.nextInt(20)).id())
            .put("position", rnd.nextInt(5));
      }
    }
    if (rnd.nextBoolean()) {
      p.putObject("cold_start").put("boost", rnd.nextInt(3) / 100.0).put("share", rnd.nextInt(4))
          .put("cap", 1 + rnd.nextInt(5)).put("max_age_hours", 1 + rnd.nextInt(48));
    }
    if (rnd.nextBoolean()) {
      p.putObject("exposure").put("filter", rnd.nextBoolean());
    }
    return p;
  }

  private static JsonNode itemsTemplate(Random rnd) {
    // mostly an id that is served already: the body is checked in full, then answered 409
    // without the cost of embedding and persisting a new item
    String id = rnd.nextInt(10) > 0
        ? tiny.dataset().catalog().get(rnd.nextInt(tiny.dataset().catalog().size())).id()
        : "fuzz-" + rnd.nextInt(1_000_000);
    ObjectNode it = NODES.objectNode().put("id", id)
        .put("title", unicode(rnd, 1 + rnd.nextInt(20)));
    if (rnd.nextBoolean()) {
      it.put("text", unicode(rnd, rnd.nextInt(60)));
    }
    if (rnd.nextBoolean()) {
      it.putArray("categories").add(unicode(rnd, 5));
    }
    if (rnd.nextBoolean()) {
      return it;
    }
    ObjectNode n = NODES.objectNode();
    n.putArray("items").add(it);
    return n;
  }

  private static JsonNode reloadTemplate(Random rnd, Path own) {
    ObjectNode n = NODES.objectNode();
    // a real reload now and then (each loads the generator); mostly a folder that is no run
    switch (rnd.nextInt(12)) {
      case 0 -> { }
      case 1 -> n.putNull("run");
      case 2 -> n.put("run", own.toString());
      default -> n.put("run", "no-such-run-" + rnd.nextInt(100));
    }
    return n;
  }

  /** Nesting of arrays or objects 1..3000 deep, closed or not, with the odd scalar inside. */
  private static String deep(Random rnd) {
    int depth = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 3000);
    StringBuilder sb = new StringBuilder();
    boolean objects = rnd.nextBoolean();
    for (int i = 0; i < depth; i++) {
      sb.append(objects ? "{\"history\": " : "[");
    }
    sb.append(rnd.nextBoolean() ? "1" : "\"x\"");
    if (rnd.nextInt(4) > 0) {
      for (int i = 0; i < depth; i++) {
        sb.append(objects ? "}" : "]");
      }
    }
    return sb.toString();
  }

  /** A long string or a long array (some beyond the 64 KiB body limit). */
  private static JsonNode huge(Random rnd) {
    int len = 1000 * (1 + rnd.nextInt(100));
    if (rnd.nextBoolean()) {
      return NODES.textNode("x".repeat(len));
    }
    ArrayNode a = NODES.arrayNode();
    for (int i = 0; i < len / 4; i++) {
      a.add(rnd.nextBoolean() ? NODES.numberNode(rnd.nextInt()) : NODES.textNode("i" + i));
    }
    return a;
  }

  private static String numberish(Random rnd) {
    String[] s = {"NaN", "Infinity", "-Infinity", "1e999", "-1e999", "-0", "0.0", "1.5e3",
      "99999999999999999999999", "-99999999999999999999999", "9".repeat(200), "0x10", "+1",
      "01", "1.", ".5", "1e", "true", "null", "\"\"", "[]", "{}"};
    return s[rnd.nextInt(s.length)];
  }

  private static String duplicated(String v, String field, Random rnd) {
    if (!v.startsWith("{")) {
      return v;
    }
    String value = rnd.nextBoolean() ? "1" : "\"dup\"";
    return "{\"" + field + "\": " + value + (v.length() > 2 ? ", " + v.substring(1) : "}");
  }

  private static JsonNode replaced(JsonNode valid, String field, JsonNode value) {
    if (!valid.isObject()) {
      return valid;
    }
    ObjectNode copy = ((ObjectNode) valid).deepCopy();
    if (copy.has("items") && !field.equals("items") && copy.get("items").isArray()
        && copy.get("items").size() > 0 && copy.get("items").get(0).isObject()) {
      ((ObjectNode) copy.get("items").get(0)).set(field, value);
    } else {
      copy.set(field, value);
    }
    return copy;
  }

  /** A random JSON value up to {@code depth} levels, of every kind. */
  private static JsonNode randomValue(Random rnd, int depth) {
    int kind = rnd.nextInt(depth > 0 ? 9 : 7);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(rnd.nextBoolean());
      case 2 -> NODES.numberNode(rnd.nextInt(2001) - 1000);
      case 3 -> NODES.numberNode(rnd.nextDouble() * 1e6 - 5e5);
      case 4 -> NODES.numberNode(new java.math.BigInteger(200, rnd));
      case 5 -> NODES.textNode(unicode(rnd, rnd.nextInt(12)));
      case 6 -> NODES.textNode(rnd.nextBoolean() ? "" : tiny.dataset().catalog().get(0).id());
      case 7 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = rnd.nextInt(5); i > 0; i--) {
          a.add(randomValue(rnd, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(unicode(rnd, 1 + rnd.nextInt(6)), randomValue(rnd, depth - 1));
        }
        yield o;
      }
    };
  }

  /** An object over the route's field names (and a few others) with values of random kinds. */
  private static ObjectNode randomTree(Random rnd, int route, int depth) {
    ObjectNode o = NODES.objectNode();
    for (int i = rnd.nextInt(5); i > 0; i--) {
      String name = rnd.nextInt(5) > 0 ? FIELDS[route][rnd.nextInt(FIELDS[route].length)]
          : unicode(rnd, 1 + rnd.nextInt(8));
      o.set(name, depth < 2 && rnd.nextInt(3) == 0 ? NODES.arrayNode().add(randomTree(rnd,
          route, depth + 1)) : randomValue(rnd, 2));
    }
    return o;
  }

  /** Random code points: ASCII, accents, CJK, emoji, controls, quotes and backslashes. */
  private static String unicode(Random rnd, int len) {
    int[][] ranges = {{'a', 'z'}, {'0', '9'}, {0xC0, 0x17F}, {0x4E00, 0x4E80}, {0x1F600, 0x1F64F},
      {0, 0x1F}, {'"', '"'}, {'\\', '\\'}, {0x200B, 0x200F}, {0xFFF0, 0xFFFF}};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int[] r = ranges[rnd.nextInt(ranges.length)];
      sb.appendCodePoint(r[0] + rnd.nextInt(r[1] - r[0] + 1));
    }
    return sb.toString();
  }

  private static byte[] randomBytes(Random rnd, int len) {
    byte[] b = new byte[len];
    rnd.nextBytes(b);
    return b;
  }

  private static final byte[] PUNCTUATION = "{}[]\",:\\ 0e-".getBytes(StandardCharsets.UTF_8);

  /** A few byte flips, insertions and deletions. */
  private static byte[] mutated(byte[] v, Random rnd) {
    List<Byte> b = new ArrayList<>();
    for (byte x : v) {
      b.add(x);
    }
    for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
      int at = b.isEmpty() ? 0 : rnd.nextInt(b.size());
      switch (rnd.nextInt(3)) {
        case 0 -> {
          if (!b.isEmpty()) {
            b.set(at, (byte) rnd.nextInt(256));
          }
        }
        case 1 -> b.add(at, PUNCTUATION[rnd.nextInt(PUNCTUATION.length)]);
        default -> {
          if (!b.isEmpty()) {
            b.remove(at);
          }
        }
      }
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
