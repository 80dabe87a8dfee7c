package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.generator.data.Dataset;
import genrec.serving.http.TestServer.Resp;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 33's hostile inputs over HTTP: a {@code user_id} past {@link
 * RecommendRequest#MAX_USER_ID_CHARS} is a 400 naming {@code user_id} (so it never reaches the
 * exposure store; the store's own immunity is {@link ExposureStoreTest}); a {@code pinned_slot}
 * of an item not in the catalogue is a 400 naming the rule's item; a request the HTTP decoder
 * refuses (headers too large: 431, request line too long: 414) carries the JSON error body every
 * other error carries.
 */
class HostileLimitsTest {
  private static ServerConfig config(Path exposureDir) {
    return ServerConfig.builder().optPort(0).optWorkers(1)
        .optPipeline(PipelineConfig.defaults().withExposureDir(exposureDir)).build();
  }

  private static void assertJsonError(Resp r, int status, String field, String phrase)
      throws Exception {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.headers().getOrDefault("content-type", "").startsWith("application/json"),
        r.headers().toString());
    JsonNode j = r.json();
    assertTrue(j.get("error").asText().contains(phrase), r.body());
    if (field == null) {
      assertTrue(j.get("field") == null, r.body());
    } else {
      assertEquals(field, j.get("field").asText(), r.body());
    }
    HostileInputTest.assertClean(r, "status " + status);
  }

  @Test
  void aHugeUserIdIsRefusedAndTheLimitItselfIsAccepted(@TempDir Path tmp) throws Exception {
    TinyRun tiny = TinyRun.get();
    Dataset d = tiny.dataset();
    String item = d.catalog().get(0).id();
    Path exposure = tmp.resolve("exposure");
    try (TestServer s = TestServer.start(config(exposure), tiny.run())) {
      String huge = "u".repeat(200_000);
      Resp r = s.send(HttpMethod.POST, "/v1/recommend", "{\"user_id\": \"" + huge
          + "\", \"history\": [\"" + item + "\"], \"record_exposure\": true}", Map.of());
      assertJsonError(r, 400, "user_id", "the limit is " + RecommendRequest.MAX_USER_ID_CHARS);
      String longest = "v".repeat(RecommendRequest.MAX_USER_ID_CHARS);
      Resp ok = s.send(HttpMethod.POST, "/v1/recommend", "{\"user_id\": \"" + longest
          + "\", \"history\": [\"" + item + "\"], \"record_exposure\": true}", Map.of());
      assertEquals(200, ok.status(), ok.body());
      Resp over = s.send(HttpMethod.POST, "/v1/recommend", "{\"user_id\": \"" + longest
          + "w\", \"history\": [\"" + item + "\"]}", Map.of());
      assertJsonError(over, 400, "user_id", "user_id has 257 characters");
    }
    // the stop saved the store, and only the user within the limit is in it
    ExposureStore back = ExposureStore.open(exposure,
        genrec.cascade.exposure.ShownItemsConfig.defaults(), java.time.Clock.systemUTC());
    assertEquals(1, back.users());
    assertTrue(Files.isRegularFile(exposure.resolve(genrec.cascade.exposure.ShownItems.FILE)));
  }

  @Test
  void aPinnedItemNotInTheCatalogueIsA400NamingTheRule() throws Exception {
    TinyRun tiny = TinyRun.get();
    String item = tiny.dataset().catalog().get(0).id();
    try (TestServer s = TestServer.start(config(null), tiny.run())) {
      Resp r = s.send(HttpMethod.POST, "/v1/recommend", "{\"history\": [\"" + item + "\"], "
          + "\"pipeline\": {\"rules\": [{\"type\": \"max_consecutive\", \"max\": 2}, "
          + "{\"type\": \"pinned_slot\", \"item\": \"no-such-item\", \"position\": 0}]}}",
          Map.of());
      assertJsonError(r, 400, "pipeline.rules[1].item", "'no-such-item' is not in the catalogue");
      assertEquals("no-such-item", r.json().get("unknown_items").get(0).asText());
      Resp ok = s.send(HttpMethod.POST, "/v1/recommend", "{\"history\": [\"" + item + "\"], "
          + "\"pipeline\": {\"rules\": [{\"type\": \"pinned_slot\", \"item\": \""
          + tiny.dataset().catalog().get(1).id() + "\", \"position\": 0}]}}", Map.of());
      assertEquals(200, ok.status(), ok.body());
    }
  }

  @Test
  void requestsTheDecoderRefusesGetTheJsonErrorBody() throws Exception {
    TinyRun tiny = TinyRun.get();
    try (TestServer s = TestServer.start(config(null), tiny.run())) {
      Resp big = s.send(HttpMethod.GET, "/health", (String) null,
          Map.of("X-Filler", "x".repeat(20_000)));
      assertJsonError(big, 431, null, "request headers are larger than the limit of 8192 bytes");
      Resp longLine = s.send(HttpMethod.GET, "/v1/items/" + "a".repeat(10_000), (String) null,
          Map.of());
      assertJsonError(longLine, 414, null, "request line is longer than the limit of 4096");
      // the server still answers afterwards
      assertEquals(200, s.send(HttpMethod.GET, "/health", (String) null, Map.of()).status());
      String metrics = s.send(HttpMethod.GET, "/metrics", (String) null, Map.of()).body();
      assertTrue(metrics.contains("endpoint=\"invalid_request\""), metrics);
    }
  }
}
