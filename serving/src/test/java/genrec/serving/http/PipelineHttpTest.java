package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.cascade.exposure.ShownItems;
import genrec.generator.data.Dataset;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/recommend} with a {@code pipeline} object on the tiny run: channels, per-stage
 * scores and timings, per-stage metrics, every bad pipeline field answered 400 naming it, the
 * ranking hook, and the exposure filter (recorded items are not returned again to that user,
 * across a restart, and after a crash mid-write).
 */
class PipelineHttpTest {
  static Dataset dataset;
  static Path run;

  @BeforeAll
  static void tinyRun() {
    TinyRun tiny = TinyRun.get();
    dataset = tiny.dataset();
    run = tiny.run();
  }

  private static ServerConfig config(Path exposureDir) {
    return ServerConfig.builder().optPort(0).optWorkers(1)
        .optPipeline(PipelineConfig.defaults().withExposureDir(exposureDir)).build();
  }

  private static String historyOf(int user, int n) {
    int[] items = dataset.users().get(user).items();
    StringBuilder sb = new StringBuilder("[");
    for (int i = Math.max(0, items.length - n); i < items.length; i++) {
      sb.append(sb.length() > 1 ? "," : "").append('"')
          .append(dataset.catalog().get(items[i]).id()).append('"');
    }
    return sb.append(']').toString();
  }

  private static TestServer.Resp post(TestServer s, String body) throws Exception {
    return s.send(HttpMethod.POST, "/v1/recommend", body, Map.of());
  }

  private static List<String> ids(JsonNode j) {
    List<String> out = new ArrayList<>();
    j.get("items").forEach(it -> out.add(it.get("id").asText()));
    return out;
  }

  @Test
  void pipelineReturnsChannelsScoresTimingsAndStageMetrics() throws Exception {
    try (TestServer s = TestServer.start(config(null), run)) {
      String pipeline = "{\"recall\": {\"generator\": 10, \"itemknn\": 10, \"popularity\": 5},"
          + " \"rerank\": {\"method\": \"mmr\", \"theta\": 0.7, \"similarity\": \"sid\"},"
          + " \"rules\": [{\"type\": \"max_consecutive\", \"label\": \"category\", \"max\": 2}]}";
      TestServer.Resp r = post(s, "{\"history\": " + historyOf(0, 5) + ", \"k\": 8, "
          + "\"pipeline\": " + pipeline.replace("\"popularity\": 5", "\"popularity\": 5, "
              + "\"content\": 5") + "}");
      assertEquals(200, r.status(), r.body());
      JsonNode j = r.json();
      assertEquals("cascade", j.get("source").asText());
      assertEquals(8, j.get("items").size(), r.body());
      Set<String> history = new HashSet<>();
      for (JsonNode h : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(historyOf(0, 5))) {
        history.add(h.asText());
      }
      Set<String> channels = new HashSet<>();
      for (JsonNode it : j.get("items")) {
        assertFalse(history.contains(it.get("id").asText()), "a history item: " + r.body());
        String c = it.get("channel").asText();
        assertTrue(Set.of("generator", "itemknn", "popularity", "content").contains(c),
            r.body());
        channels.add(c);
        assertTrue(it.get("scores").get("recall").isNumber(), r.body());
        assertTrue(it.get("scores").get("rerank").isNumber(), r.body());
        assertFalse(it.get("scores").has("rank"), "no ranker: " + r.body());
        assertEquals(4, it.get("sid").size());
      }
      assertTrue(channels.contains("generator"), r.body());
      for (String stage : new String[] {"parse", "queue", "generate", "exposure", "recall",
          "rerank", "total"}) {
        assertTrue(j.get("timing_ms").get(stage).isNumber(), stage + ": " + r.body());
      }
      assertFalse(j.get("timing_ms").has("rank"), r.body());
      assertEquals(10, j.get("pipeline").get("recall").get("generator").asInt());
      assertEquals("mmr(theta=0.7, window=0)", j.get("pipeline").get("rerank").asText());
      assertEquals(1, j.get("pipeline").get("rules").size());
      assertTrue(j.get("pipeline").get("candidates").asInt() >= 8, r.body());

      for (String method : new String[] {"dpp", "none"}) {
        for (String sim : new String[] {"sid", "category", "text"}) {
          TestServer.Resp d = post(s, "{\"history\": " + historyOf(1, 5) + ", \"k\": 6, "
              + "\"pipeline\": {\"rerank\": {\"method\": \"" + method + "\", \"similarity\": \""
              + sim + "\", \"window\": 3}}}");
          assertEquals(200, d.status(), d.body());
          assertEquals(6, d.json().get("items").size(), d.body());
        }
      }
      // the configured quotas (the tiny run has item embeddings: the content channel too)
      TestServer.Resp dflt = post(s, "{\"history\": " + historyOf(1, 5) + ", \"pipeline\": {}}");
      assertEquals(200, dflt.status(), dflt.body());
      assertEquals(20, dflt.json().get("pipeline").get("recall").get("content").asInt());
      // an empty history: the popularity channel answers
      TestServer.Resp empty = post(s, "{\"history\": [], \"k\": 3, \"pipeline\": {}}");
      assertEquals(200, empty.status(), empty.body());
      assertEquals(3, empty.json().get("items").size(), empty.body());
      assertEquals("popularity", empty.json().get("items").get(0).get("channel").asText());

      String metrics = s.send(HttpMethod.GET, "/metrics", (byte[]) null, Map.of()).body();
      for (String stage : new String[] {"recall", "rerank", "exposure", "generate"}) {
        assertTrue(metrics.contains("genrec_stage_duration_seconds_count{stage=\"" + stage
            + "\"}"), stage + " histogram missing");
      }
      assertTrue(metrics.contains("genrec_exposure_users"), "exposure gauge missing");
    }
  }

  @Test
  void generatorOnlyPipelineMatchesTheGeneratorRoute() throws Exception {
    try (TestServer s = TestServer.start(config(null), run)) {
      String base = "{\"history\": " + historyOf(2, 5) + ", \"k\": 5, \"beam\": 20";
      TestServer.Resp plain = post(s, base + "}");
      TestServer.Resp cascade = post(s, base + ", \"pipeline\": {\"recall\": {\"generator\": 5},"
          + " \"rerank\": {\"method\": \"none\"}}}");
      assertEquals(200, plain.status(), plain.body());
      assertEquals(200, cascade.status(), cascade.body());
      assertEquals("generator", plain.json().get("source").asText(), "no pipeline: as before");
      assertFalse(plain.json().has("pipeline"));
      assertEquals(ids(plain.json()), ids(cascade.json()));
      JsonNode first = cascade.json().get("items").get(0);
      assertEquals(plain.json().get("items").get(0).get("score").asDouble(),
          first.get("scores").get("recall").asDouble(), 1e-5);
    }
  }

  @Test
  void everyBadPipelineFieldIsNamed() throws Exception {
    String[][] cases = {
      {"3", "pipeline"},
      {"{\"colour\": 1}", "pipeline.colour"},
      {"{\"recall\": []}", "pipeline.recall"},
      {"{\"recall\": {\"bogus\": 3}}", "pipeline.recall.bogus"},
      {"{\"recall\": {\"itemknn\": 3}}", "pipeline.recall.itemknn"},
      {"{\"recall\": {\"generator\": -1}}", "pipeline.recall.generator"},
      {"{\"recall\": {\"generator\": 101}}", "pipeline.recall.generator"},
      {"{\"recall\": {\"itemknn\": \"x\"}}", "pipeline.recall.itemknn"},
      {"{\"recall\": {\"generator\": 0}}", "pipeline.recall"},
      {"{\"rank\": true}", "pipeline.rank"},
      {"{\"rank\": \"yes\"}", "pipeline.rank"},
      {"{\"rerank\": 1}", "pipeline.rerank"},
      {"{\"rerank\": {\"theta\": 1.5}}", "pipeline.rerank.theta"},
      {"{\"rerank\": {\"theta\": \"a\"}}", "pipeline.rerank.theta"},
      {"{\"rerank\": {\"method\": \"dpp\", \"theta\": 1}}", "pipeline.rerank.theta"},
      {"{\"rerank\": {\"method\": \"xgb\"}}", "pipeline.rerank.method"},
      {"{\"rerank\": {\"window\": -1}}", "pipeline.rerank.window"},
      {"{\"rerank\": {\"window\": 2.5}}", "pipeline.rerank.window"},
      {"{\"rerank\": {\"similarity\": \"jaccard\"}}", "pipeline.rerank.similarity"},
      {"{\"rerank\": {\"extra\": 1}}", "pipeline.rerank.extra"},
      {"{\"rules\": {}}", "pipeline.rules"},
      {"{\"rules\": [3]}", "pipeline.rules[0]"},
      {"{\"rules\": [{\"type\": \"nope\"}]}", "pipeline.rules[0].type"},
      {"{\"rules\": [{\"max\": 2}]}", "pipeline.rules[0].type"},
      {"{\"rules\": [{\"type\": \"max_consecutive\"}]}", "pipeline.rules[0].max"},
      {"{\"rules\": [{\"type\": \"max_consecutive\", \"max\": 2}, "
          + "{\"type\": \"max_consecutive\", \"max\": 0}]}", "pipeline.rules[1].max"},
      {"{\"rules\": [{\"type\": \"max_per_window\", \"max\": 1, \"window\": 0}]}",
          "pipeline.rules[0].window"},
      {"{\"rules\": [{\"type\": \"max_in_first\", \"max\": 1, \"first\": 3, \"label\": \"brand\"}]}",
          "pipeline.rules[0].label"},
      {"{\"rules\": [{\"type\": \"max_in_first\", \"max\": 1, \"first\": 3, \"value\": 7}]}",
          "pipeline.rules[0].value"},
      {"{\"rules\": [{\"type\": \"pinned_slot\", \"position\": 0}]}", "pipeline.rules[0].item"},
      {"{\"rules\": [{\"type\": \"pinned_slot\", \"item\": \"x\", \"position\": 0, \"k\": 1}]}",
          "pipeline.rules[0].k"},
      {"{\"cold_start\": {\"boost\": -1}}", "pipeline.cold_start.boost"},
      {"{\"cold_start\": {\"cap\": 0}}", "pipeline.cold_start.cap"},
      {"{\"cold_start\": {\"max_age_hours\": 0}}", "pipeline.cold_start.max_age_hours"},
      {"{\"cold_start\": {\"share\": 1.5}}", "pipeline.cold_start.share"},
      {"{\"cold_start\": {\"age\": 1}}", "pipeline.cold_start.age"},
      {"{\"exposure\": []}", "pipeline.exposure"},
      {"{\"exposure\": {\"filter\": 1}}", "pipeline.exposure.filter"},
    };
    // served without its dataset: no item-CF channel
    ServingModel noData = ServingModel.load(CatalogSnapshot.read(run), run, List.of(), 20);
    try (TestServer s = TestServer.start(config(null), noData)) {
      String history = historyOf(0, 3);
      // the configured channels the run lacks are skipped with a note
      TestServer.Resp dflt = post(s, "{\"history\": " + history + ", \"pipeline\": {}}");
      assertEquals(200, dflt.status(), dflt.body());
      assertTrue(dflt.body().contains("channel itemknn skipped"), dflt.body());
      for (String[] c : cases) {
        TestServer.Resp r = post(s, "{\"user_id\": \"u\", \"history\": " + history
            + ", \"pipeline\": " + c[0] + "}");
        assertEquals(400, r.status(), c[0] + " -> " + r.body());
        JsonNode j = r.json();
        assertEquals(c[1], j.get("field").asText(), c[0] + " -> " + r.body());
        String e = j.get("error").asText();
        assertFalse(e.contains("Exception") || e.contains("java.") || e.contains("/tmp")
            || e.contains(run.toString()), c[0] + " -> " + e);
      }
      TestServer.Resp r = post(s, "{\"user_id\": \"u\", \"history\": " + history
          + ", \"record_exposure\": \"yes\"}");
      assertEquals("record_exposure", r.json().get("field").asText(), r.body());
      r = post(s, "{\"history\": " + history + ", \"record_exposure\": true}");
      assertEquals(400, r.status(), r.body());
      assertEquals("record_exposure", r.json().get("field").asText(), r.body());
    }
  }

  @Test
  void aScorerRanksTheCandidates() throws Exception {
    ServingModel model = ServingModel.load(dataset, run, 20);
    // reverses the merged order: the last admitted candidate scores highest
    model.setScorer((history, candidates) -> {
      float[] s = new float[candidates.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = i;
      }
      return s;
    });
    try (TestServer s = TestServer.start(config(null), model)) {
      TestServer.Resp r = post(s, "{\"history\": " + historyOf(3, 5) + ", \"k\": 3, "
          + "\"pipeline\": {\"recall\": {\"generator\": 5, \"popularity\": 5}, "
          + "\"rerank\": {\"method\": \"none\"}}}");
      assertEquals(200, r.status(), r.body());
      JsonNode j = r.json();
      assertTrue(j.get("pipeline").get("rank").asBoolean(), r.body());
      assertTrue(j.get("timing_ms").has("rank"), r.body());
      int n = j.get("pipeline").get("candidates").asInt();
      JsonNode first = j.get("items").get(0);
      assertEquals(n - 1, first.get("scores").get("rank").asDouble(), 1e-6, r.body());
      assertEquals("popularity", first.get("channel").asText(), r.body());
      TestServer.Resp off = post(s, "{\"history\": " + historyOf(3, 5) + ", \"k\": 3, "
          + "\"pipeline\": {\"rank\": false, \"recall\": {\"generator\": 5, \"popularity\": 5}}}");
      assertEquals(200, off.status(), off.body());
      assertFalse(off.json().get("items").get(0).get("scores").has("rank"), off.body());
    }
  }

  @Test
  void theRunsTrainedRankerScoresAsEvalDoes(@TempDir Path dir) throws Exception {
    Path copy = TinyRun.get().copyTo(dir.resolve("run"));
    String d = TinyRun.get().data().toString();
    assertEquals(0, genrec.serving.cli.GenrecCli.execute("rank", "train", "--data", d,
        "--preset", "tiny", "--run", copy.toString(), "--quotas",
        "generator=10,itemknn=10,content=5,popularity=5", "--epochs", "2", "--negatives", "10",
        "--threads", "1"));
    // as 'genrec serve --data' loads it: the catalogue snapshot and the training histories
    ServingModel model = ServingModel.load(CatalogSnapshot.of(dataset),
        genrec.generator.data.LeaveOneOutSplit.of(dataset).train(), copy, List.of(), 20);
    assertNotNull(model.scorer(), "a run with ranker/ serves its ranker");
    assertTrue(model.recall().has("itemknn"));
    ServingModel withoutData = ServingModel.load(CatalogSnapshot.of(dataset), copy, List.of(), 20);
    assertEquals(null, withoutData.scorer(), "no training histories: no ranker features");
    withoutData.release();
    assertTrue(model.scorer().describe().startsWith("mmoe("), model.scorer().describe());
    // offline: the features and the ranker as 'genrec eval --cascade' builds them (fitted on
    // the training split), over the list the request below merges (itemknn and popularity),
    // read with the ranker's own channels
    List<int[]> train = genrec.generator.data.LeaveOneOutSplit.of(dataset).train();
    int n = dataset.catalog().size();
    genrec.generator.baseline.ContentKnn text = genrec.generator.baseline.ContentKnn.of(
        genrec.cascade.recall.RunEmbeddings.load(dataset.catalog(), copy, "embed"),
        genrec.generator.baseline.ContentKnn.Options.defaults());
    genrec.generator.baseline.ItemKnn knn = genrec.generator.baseline.ItemKnn.fit(train, n,
        genrec.generator.baseline.ItemKnn.Options.defaults());
    genrec.cascade.recall.CandidateMerger merger = genrec.cascade.recall.CandidateMerger
        .builder().addChannels("itemknn=10,popularity=5").build();
    genrec.cascade.pipeline.CascadeInputs inputs = genrec.cascade.pipeline.CascadeInputs.fit(train, n,
        genrec.generator.baseline.ItemKnn.Options.defaults(), text, null, null, merger, 20);
    int[] all = dataset.users().get(3).items();
    int[] history = java.util.Arrays.copyOfRange(all, all.length - 5, all.length);
    genrec.cascade.recall.MergedCandidates m = inputs.candidates().merged(history);
    List<String> trained = genrec.cascade.recall.CandidateMerger.builder().addChannels(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            copy.resolve("ranker/cascade.json").toFile()).get("quotas").asText())
        .build().channels();
    assertTrue(trained.containsAll(List.of("itemknn", "content", "popularity")), "" + trained);
    genrec.cascade.rank.features.RankFeatures features = genrec.cascade.rank.features.RankFeatures.builder()
        .setChannels(trained).setNumItems(n).setHistoryLength(20).optItemKnn(knn)
        .optPopularity(genrec.generator.baseline.MostPop.fit(train, n, true)).optText(text)
        .optCodes(ModelFiles.itemCodes(dataset.catalog(), copy, "quantize")).build();
    float[] expected;
    try (genrec.cascade.rank.model.RankerModel ranker =
        genrec.cascade.rank.model.RankerModel.load(copy.resolve("ranker"))) {
      genrec.cascade.rank.features.RankRows rows = genrec.cascade.rank.features.RankExamples.rows(
          features.query(history, m.withChannels(trained)), ranker.tasks().size());
      expected = ranker.score(rows, rows.allRows());
    }
    java.util.Map<String, Float> byId = new java.util.HashMap<>();
    for (int i = 0; i < m.size(); i++) {
      byId.put(dataset.catalog().get(m.items()[i]).id(), expected[i]);
    }
    try (TestServer s = TestServer.start(config(null), model)) {
      TestServer.Resp r = post(s, "{\"history\": " + historyOf(3, 5) + ", \"k\": 5, "
          + "\"pipeline\": {\"recall\": {\"itemknn\": 10, \"popularity\": 5}, "
          + "\"rerank\": {\"method\": \"none\"}}}");
      assertEquals(200, r.status(), r.body());
      JsonNode j = r.json();
      assertTrue(j.get("pipeline").get("rank").asBoolean(), r.body());
      assertEquals(m.size(), j.get("pipeline").get("candidates").asInt(), r.body());
      double previous = Double.POSITIVE_INFINITY;
      for (JsonNode it : j.get("items")) {
        double got = it.get("scores").get("rank").asDouble();
        Float want = byId.get(it.get("id").asText());
        assertNotNull(want, "not an offline candidate: " + r.body());
        assertEquals(want, got, 1e-4, r.body());
        assertTrue(got <= previous, "rank order: " + r.body());
        previous = got;
      }
      // the generator channel (which the ranker learnt on) and the content channel, too
      TestServer.Resp full = post(s, "{\"history\": " + historyOf(3, 5) + ", \"k\": 5, "
          + "\"pipeline\": {\"recall\": {\"generator\": 10, \"itemknn\": 10, "
          + "\"content\": 5, \"popularity\": 5}}}");
      assertEquals(200, full.status(), full.body());
      assertTrue(full.json().get("timing_ms").has("rank"), full.body());
    } finally {
      model.release();
    }
  }

  @Test
  void shownItemsAreFilteredPersistedAndSurviveACrashMidWrite(@TempDir Path dir)
      throws Exception {
    String body = "{\"user_id\": \"u1\", \"history\": " + historyOf(4, 5) + ", \"k\": 5, "
        + "\"pipeline\": {\"recall\": {\"generator\": 10, \"popularity\": 20}}";
    List<String> first;
    try (TestServer s = TestServer.start(config(dir), run)) {
      TestServer.Resp a = post(s, body + ", \"record_exposure\": true}");
      assertEquals(200, a.status(), a.body());
      assertTrue(a.json().get("pipeline").get("recorded").asBoolean(), a.body());
      first = ids(a.json());
      assertEquals(5, first.size(), a.body());
      TestServer.Resp b = post(s, body + "}");
      assertEquals(200, b.status(), b.body());
      for (String id : ids(b.json())) {
        assertFalse(first.contains(id), "shown again: " + id + " in " + b.body());
      }
      assertTrue(b.json().get("pipeline").get("exposure_filtered").asInt() >= 5, b.body());
      // another user is not filtered; the filter can be turned off
      TestServer.Resp other = post(s, body.replace("u1", "u2") + "}");
      assertEquals(first, ids(other.json()), other.body());
      TestServer.Resp off = post(s, body.replace("}}", "}, \"exposure\": {\"filter\": false}}")
          + "}");
      assertEquals(first, ids(off.json()), off.body());
    } // stop saves the store
    assertTrue(Files.isRegularFile(dir.resolve(ShownItems.FILE)));
    byte[] saved = Files.readAllBytes(dir.resolve(ShownItems.FILE));
    try (TestServer s = TestServer.start(config(dir), run)) {
      TestServer.Resp again = post(s, body + "}");
      assertEquals(200, again.status(), again.body());
      for (String id : ids(again.json())) {
        assertFalse(first.contains(id), "shown before the restart: " + id);
      }
    }
    // a crash in the middle of a save leaves its temporary file and the previous file intact
    // (the save writes a temporary file and renames it): the store still loads
    Files.write(dir.resolve("." + ShownItems.FILE + ".123456.tmp"),
        java.util.Arrays.copyOf(saved, saved.length / 2));
    try (TestServer s = TestServer.start(config(dir), run)) {
      TestServer.Resp again = post(s, body + "}");
      assertEquals(200, again.status(), again.body());
      for (String id : ids(again.json())) {
        assertFalse(first.contains(id), "forgotten after a crash mid-write: " + id);
      }
    }
    // a damaged file (not one this code wrote) is logged and replaced: the server still starts
    Files.write(dir.resolve(ShownItems.FILE), new byte[] {1, 2, 3});
    try (TestServer s = TestServer.start(config(dir), run)) {
      TestServer.Resp fresh = post(s, body + "}");
      assertEquals(200, fresh.status(), fresh.body());
      assertNotNull(fresh.json().get("items"));
      assertEquals(first, ids(fresh.json()), "nothing remembered from a damaged file");
    }
  }
}
