package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import genrec.serving.http.TestServer.Resp;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/openapi.yaml} held to the server: the documented routes are the router's; the
 * documented request fields are exactly the ones the parsers accept, with the code's defaults and
 * limits; and every documented response status is what the server answers to the request the
 * document gives for it ({@code x-genrec-requests}), with a body of the documented schema, or is
 * produced by the named test ({@code x-genrec-covered-by}, only for statuses a request alone
 * cannot cause: a full queue, a timeout, a full group); a 500 is marked {@code
 * x-genrec-never-by-request}.
 */
class OpenApiDocTest {
  /** A key twice in a YAML map would be read silently as the last one: refused instead. */
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "openapi-test-token";
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
  /** Statuses the document may leave to another test. */
  private static final Set<Integer> COVERED_ELSEWHERE = Set.of(422, 503, 504);

  private static JsonNode doc;

  @BeforeAll
  static void readDoc() throws Exception {
    Path file = null;
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/openapi.yaml"))) {
        file = p.resolve("docs/openapi.yaml");
        break;
      }
    }
    assertNotNull(file, "no docs/openapi.yaml above " + Path.of("").toAbsolutePath());
    doc = YAML.readTree(file.toFile());
    assertTrue(doc.path("openapi").asText().startsWith("3."), "not an OpenAPI 3 document");
  }

  private static JsonNode schema(String name) {
    JsonNode s = doc.path("components").path("schemas").path(name);
    assertTrue(s.isObject(), "no schema " + name);
    return s;
  }

  /** {@code n}, or what its {@code $ref} names. */
  private static JsonNode resolve(JsonNode n) {
    while (n.has("$ref")) {
      String[] parts = n.get("$ref").asText().substring(2).split("/");
      JsonNode t = doc;
      for (String part : parts) {
        t = t.path(part);
      }
      assertTrue(t.isObject(), "unresolved " + n.get("$ref"));
      n = t;
    }
    return n;
  }

  private static Set<String> names(JsonNode obj) {
    Set<String> out = new TreeSet<>();
    obj.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static Set<String> props(JsonNode schema) {
    return names(resolve(schema).path("properties"));
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void theDocumentedRoutesAreTheRoutersRoutes() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      for (String m : names(p.getValue())) {
        if (METHODS.contains(m)) {
          documented.add(m.toUpperCase() + " " + p.getKey());
        }
      }
    }
    Set<String> served = new TreeSet<>();
    try (TestServer s = TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1).build(),
        TinyRun.get().run())) {
      for (Router.Route r : s.server.router().routes()) {
        served.add(r.method().name() + " " + r.template());
        boolean admin = doc.get("paths").get(r.template()).get(r.method().name().toLowerCase())
            .has("security");
        assertEquals(r.admin(), admin, r.template() + ": admin route in the code, not in the doc"
            + " (or the other way)");
      }
    }
    assertEquals(served, documented);
  }

  @Test
  void theDocumentedRequestFieldsAreTheOnesTheParsersAccept() {
    JsonNode rec = schema("RecommendRequest");
    assertEquals(new TreeSet<>(RecommendRequest.FIELDS), props(rec));
    assertEquals(List.of("history"), strings(rec.get("required")));
    JsonNode pl = schema("Pipeline").get("properties");
    assertEquals(new TreeSet<>(PipelineRequest.FIELDS), props(schema("Pipeline")));
    assertEquals(new TreeSet<>(PipelineRequest.RERANK_FIELDS), props(pl.get("rerank")));
    assertEquals(new TreeSet<>(PipelineRequest.COLD_START_FIELDS), props(pl.get("cold_start")));
    assertEquals(new TreeSet<>(PipelineRequest.EXPOSURE_FIELDS), props(pl.get("exposure")));
    assertEquals(PipelineConfig.CHANNELS,
        strings(pl.get("recall").get("propertyNames").get("enum")));
    assertEquals(PipelineConfig.RERANKERS,
        strings(pl.get("rerank").get("properties").get("method").get("enum")));
    assertEquals(PipelineConfig.SIMILARITIES,
        strings(pl.get("rerank").get("properties").get("similarity").get("enum")));
    List<String> rules = new ArrayList<>();
    pl.get("rules").get("items").get("oneOf").forEach(r -> {
      JsonNode rule = resolve(r);
      rules.add(rule.get("properties").get("type").get("const").asText());
      assertEquals("category", rule.get("properties").path("label").path("const")
          .asText("category"), "the one label");
    });
    assertEquals(PipelineRequest.RULES, rules);
    assertEquals(PipelineRequest.LABEL, "category");
    assertEquals(new TreeSet<>(ItemJson.ITEM_FIELDS), props(schema("NewItem")));
    assertEquals(new TreeSet<>(ItemJson.ITEMS_FIELDS), props(schema("NewItems")));
    assertEquals(new TreeSet<>(AdminRoutes.RELOAD_FIELDS), props(schema("ReloadRequest")));
    // the error body: every field the server can write
    JsonNode full = Replies.errorBody(new BadRequest(400, "f", "m", List.of("x")));
    assertEquals(names(full), props(schema("Error")));
    assertEquals(List.of("error"), strings(schema("Error").get("required")));
  }

  @Test
  void theDocumentedDefaultsAndLimitsAreTheCodes() throws Exception {
    JsonNode rec = schema("RecommendRequest").get("properties");
    ServerConfig c = ServerConfig.builder().build();
    assertEquals(RecommendRequest.DEFAULT_K, rec.get("k").get("default").asInt());
    assertEquals(RecommendRequest.DEFAULT_BEAM, rec.get("beam").get("default").asInt());
    assertEquals(c.maxK(), rec.get("k").get("maximum").asInt());
    assertEquals(c.maxBeam(), rec.get("beam").get("maximum").asInt());
    assertEquals(RecommendRequest.DEFAULT_EXCLUDE_HISTORY,
        rec.get("exclude_history").get("default").booleanValue());
    assertEquals(RecommendRequest.DEFAULT_RECORD_EXPOSURE,
        rec.get("record_exposure").get("default").booleanValue());
    assertEquals(RecommendRequest.MAX_USER_ID_CHARS, rec.get("user_id").get("maxLength").asInt());
    PipelineConfig d = PipelineConfig.defaults();
    JsonNode pl = schema("Pipeline").get("properties");
    JsonNode rr = pl.get("rerank").get("properties");
    assertEquals(d.rerank(), rr.get("method").get("default").asText());
    assertEquals(d.theta(), rr.get("theta").get("default").asDouble(), 0);
    assertEquals(d.window(), rr.get("window").get("default").asInt());
    assertEquals(PipelineRequest.MAX_WINDOW, rr.get("window").get("maximum").asInt());
    assertEquals(d.similarity(), rr.get("similarity").get("default").asText());
    JsonNode cs = pl.get("cold_start").get("properties");
    assertEquals(d.coldStartBoost(), cs.get("boost").get("default").asDouble(), 0);
    assertEquals(d.coldStartShare(), cs.get("share").get("default").asInt());
    assertEquals(d.coldStartCap(), cs.get("cap").get("default").asInt());
    assertEquals(d.coldStartMaxAge().toMinutes() / 60.0,
        cs.get("max_age_hours").get("default").asDouble(), 0);
    assertEquals(d.exposureFilter(),
        pl.get("exposure").get("properties").get("filter").get("default").booleanValue());
    assertEquals(JSON.valueToTree(PipelineConfig.quotaMap(d.quotas())),
        pl.get("recall").get("default"));
    assertEquals(PipelineRequest.MAX_QUOTA,
        pl.get("recall").get("additionalProperties").get("maximum").asInt());
    assertEquals(PipelineRequest.MAX_RULES, pl.get("rules").get("maxItems").asInt());
    assertEquals(c.maxNewItems(),
        schema("NewItems").get("properties").get("items").get("maxItems").asInt());
    assertTrue(doc.get("info").get("description").asText()
        .contains("(default " + c.maxBodyBytes() + ")"), "the body limit");
  }

  /** A request the document gives, placeholders filled in. */
  private record Example(String server, HttpMethod method, String path, String body,
      Map<String, String> headers, int status, String field) {}

  private static String fill(String s, Map<String, String> values) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }

  private static Example example(JsonNode ex, String method, String path,
      Map<String, String> values) {
    Map<String, String> headers = new HashMap<>();
    ex.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(),
        fill(h.getValue().asText(), values)));
    return new Example(ex.path("server").asText("default"),
        HttpMethod.valueOf(ex.path("method").asText(method).toUpperCase()),
        fill(ex.path("path").asText(path), values),
        ex.has("body") ? fill(ex.get("body").asText(), values) : null, headers,
        ex.get("status").asInt(), ex.has("field") ? ex.get("field").asText() : null);
  }

  /** Checks a JSON body against a documented object schema: known fields, required ones there. */
  private static void conforms(JsonNode body, JsonNode schema, String what) {
    schema = resolve(schema);
    assertTrue(body.isObject(), what + ": not an object: " + body);
    Set<String> allowed = props(schema);
    for (String f : names(body)) {
      assertTrue(allowed.contains(f), what + ": field '" + f + "' is not documented");
    }
    for (String r : strings(schema.path("required"))) {
      assertTrue(body.has(r), what + ": documented required field '" + r + "' missing: " + body);
    }
    if (schema.path("properties").path("items").path("items").has("$ref")
        || schema.path("properties").path("items").path("items").has("properties")) {
      for (JsonNode it : body.path("items")) {
        conforms(it, schema.get("properties").get("items").get("items"), what + " items[]");
      }
    }
  }

  @Test
  void everyDocumentedStatusIsWhatTheServerAnswers(@TempDir Path tmp) throws Exception {
    TinyRun tiny = TinyRun.get();
    Path run = tiny.copyTo(tmp.resolve("run"));
    Map<String, String> values = new java.util.LinkedHashMap<>();
    values.put("$ITEM2", tiny.dataset().catalog().get(1).id());
    values.put("$ITEM", tiny.dataset().catalog().get(0).id());
    values.put("$TOKEN", TOKEN);
    values.put("$FILL", "x".repeat(20_000));
    values.put("$LONG", "a".repeat(5_000));
    values.put("$BIG", "{\"a\": \"" + "x".repeat(1_100_000) + "\"}");
    ServerConfig withToken = ServerConfig.builder().optPort(0).optWorkers(1)
        .optAdminToken(TOKEN).build();
    Map<String, TestServer> servers = new HashMap<>();
    int sent = 0;
    try {
      servers.put("default", TestServer.start(withToken, run));
      servers.put("no-token", TestServer.start(ServerConfig.builder().optPort(0).optWorkers(1)
          .build(), run));
      servers.put("empty", TestServer.startEmpty(withToken));
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        for (String m : names(p.getValue())) {
          if (!METHODS.contains(m)) {
            continue;
          }
          JsonNode op = p.getValue().get(m);
          for (String status : names(op.get("responses"))) {
            JsonNode raw = op.get("responses").get(status);
            JsonNode resp = resolve(raw);
            String what = m.toUpperCase() + " " + p.getKey() + " " + status;
            JsonNode examples = raw.get("x-genrec-requests");
            if (examples == null && status.equals("500")) {
              assertTrue(raw.path("x-genrec-never-by-request").isTextual(), what
                  + ": neither x-genrec-requests nor x-genrec-never-by-request");
              continue;
            }
            if (examples == null) {
              String covered = raw.path("x-genrec-covered-by").asText();
              assertTrue(COVERED_ELSEWHERE.contains(Integer.parseInt(status)),
                  what + ": no request in x-genrec-requests");
              String[] cm = covered.split("#");
              assertEquals(2, cm.length, what + ": x-genrec-covered-by is not Class#method");
              Class<?> test = Class.forName("genrec.serving.http." + cm[0]);
              assertTrue(Arrays.stream(test.getDeclaredMethods())
                  .anyMatch(x -> x.getName().equals(cm[1])), what + ": no test " + covered);
              continue;
            }
            for (JsonNode e : examples) {
              Example ex = example(e, m, p.getKey(), values);
              assertEquals(Integer.parseInt(status), ex.status(), what + ": example of another "
                  + "status");
              Resp r = servers.get(ex.server()).send(ex.method(), ex.path(), ex.body(),
                  ex.headers());
              sent++;
              String shown = what + " <- " + ex.method() + " " + abbreviate(ex.path()) + " "
                  + abbreviate(ex.body()) + ": " + abbreviate(r.body());
              assertEquals(ex.status(), r.status(), shown);
              JsonNode content = resp.path("content");
              if (content.has("application/json")) {
                assertTrue(r.headers().getOrDefault("content-type", "")
                    .startsWith("application/json"), shown);
                JsonNode schema = content.get("application/json").get("schema");
                conforms(r.json(), schema, shown);
                if (ex.field() != null) {
                  assertEquals(ex.field(), r.json().path("field").asText(null), shown);
                }
              } else {
                assertTrue(content.has("text/plain"), what + ": no documented content");
                assertTrue(r.headers().getOrDefault("content-type", "").startsWith("text/plain"),
                    shown);
              }
              for (String h : names(resp.path("headers"))) {
                assertTrue(r.headers().containsKey(h.toLowerCase()), shown + ": no header " + h);
              }
            }
          }
        }
      }
      for (JsonNode e : doc.get("x-genrec-any-other-path").get("x-genrec-requests")) {
        Example ex = example(e, "GET", "/", values);
        Resp r = servers.get("default").send(ex.method(), ex.path(), ex.body(), ex.headers());
        assertEquals(404, r.status(), r.body());
        conforms(r.json(), schema("Error"), "any other path");
        sent++;
      }
    } finally {
      for (TestServer s : servers.values()) {
        s.close();
      }
    }
    assertTrue(sent > 60, "requests sent: " + sent);
  }

  private static String abbreviate(String s) {
    return s == null ? "(no body)" : s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
