package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.cascade.pipeline.CascadeRecommender;
import genrec.cascade.pipeline.CascadeRequest;
import genrec.cascade.pipeline.CascadeResult;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.PipelineLoader;
import genrec.cascade.pipeline.RunFolder;
import genrec.cascade.rerank.MaxConsecutive;
import genrec.cascade.rerank.MaxInFirst;
import genrec.cascade.rerank.MaxPerWindow;
import genrec.cascade.rerank.Rule;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.serving.cli.GenrecCli;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline equals online: the tiny run with a trained ranker (generator, ItemKNN, content and
 * popularity channels) served over HTTP, every served list compared with the list the
 * evaluation path computes for the same history and settings: the {@link Pipeline} loaded from
 * the run folder as {@code genrec eval --cascade} loads it (channels fitted on the training
 * split), and for score order {@code eval --cascade}'s own {@link CascadeRecommender}. Same
 * items, same order, same channels, scores within 1e-5; with ranking, MMR / DPP over each
 * similarity, business rules, and a mixture of two generators.
 */
class OfflineEqualsOnlineTest {
  /** The ranker's cascade: the generator's list (2 x 10) is as long as the merged list. */
  static final String QUOTAS = "generator=10,itemknn=5,content=3,popularity=2";
  static final int K = 10;
  static final int REQUEST_BEAM = 20;
  static final double TOLERANCE = 1e-5;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @TempDir static Path dir;
  static Dataset dataset;
  static Path run;
  static Path other;
  static List<int[]> train;
  static Pipeline offline;
  static Pipeline offlineMixture;

  @BeforeAll
  static void runWithRankerAndASecondGenerator() throws Exception {
    TinyRun tiny = TinyRun.get();
    dataset = tiny.dataset();
    String d = tiny.data().toString();
    run = tiny.copyTo(dir.resolve("run"));
    assertEquals(0, GenrecCli.execute("rank", "train", "--data", d, "--preset", "tiny", "--run",
        run.toString(), "--quotas", QUOTAS, "--beam", "20", "--epochs", "2", "--negatives", "10",
        "--threads", "1"));
    // a second generator (another seed) for the mixture
    other = tiny.copyTo(dir.resolve("other"));
    try (var files = Files.walk(other.resolve("generator"))) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertEquals(0, GenrecCli.execute("train", "--data", d, "--preset", "tiny", "--run",
        other.toString(), "--steps", "20", "--layout", "sequence", "--threads", "1", "--seed",
        "7"));
    // the evaluation path: the run's pipeline as 'genrec eval --cascade' loads it
    LeaveOneOutSplit split = LeaveOneOutSplit.of(dataset);
    train = split.train();
    offline = evalLoader(split).load();
    offlineMixture = evalLoader(split).optMixture(List.of(RunFolder.of(other))).load();
    assertTrue(offline.hasGenerator() && offline.ranker() != null, "" + offline.notes());
    assertEquals(QUOTAS, offline.merger().describe());
  }

  private static PipelineLoader evalLoader(LeaveOneOutSplit split) {
    return Pipeline.loader(RunFolder.of(run)).setCatalog(dataset.catalog())
        .setTrain(split.train()).optItemKnn(new ItemKnn.Options(0, 3, 1)).optHistoryLength(20)
        .optRefusingRefitOn(split);
  }

  @AfterAll
  static void close() {
    if (offline != null) {
      offline.close();
    }
    if (offlineMixture != null) {
      offlineMixture.close();
    }
  }

  /** One setting: the request's pipeline JSON and the same settings as a library request. */
  record Setting(String json, String quotas, UnaryOperator<CascadeRequest.Builder> settings) {}

  static List<Setting> settings() {
    return List.of(
        new Setting("{\"recall\": " + recallJson(QUOTAS) + ", \"rerank\": {\"method\": "
            + "\"none\"}}", QUOTAS, b -> b),
        new Setting("{\"recall\": " + recallJson(QUOTAS) + ", \"rerank\": {\"method\": \"mmr\", "
            + "\"theta\": 0.7, \"similarity\": \"sid\"}, \"rules\": [{\"type\": "
            + "\"max_consecutive\", \"label\": \"category\", \"max\": 2}]}", QUOTAS,
            b -> b.optRerank("mmr", 0.7, 0).optSimilarity("sid")
                .optRules(List.<Rule>of(MaxConsecutive.of(Pipeline.LABEL, 2)))),
        new Setting("{\"recall\": " + recallJson("generator=8,itemknn=10,content=5,popularity=5")
            + ", \"rerank\": {\"method\": \"dpp\", \"theta\": 0.5, \"window\": 5, "
            + "\"similarity\": \"category\"}, \"rules\": [{\"type\": \"max_per_window\", "
            + "\"label\": \"category\", \"max\": 2, \"window\": 4}, {\"type\": \"max_in_first\", "
            + "\"label\": \"category\", \"max\": 1, \"first\": 2}]}",
            "generator=8,itemknn=10,content=5,popularity=5",
            b -> b.optRerank("dpp", 0.5, 5).optSimilarity("category").optRules(List.<Rule>of(
                MaxPerWindow.of(Pipeline.LABEL, 2, 4), MaxInFirst.of(Pipeline.LABEL, 1, 2)))),
        new Setting("{\"recall\": " + recallJson("popularity=5,content=10,generator=6") + ", "
            + "\"rank\": false, \"rerank\": {\"method\": \"mmr\", \"theta\": 0.5, "
            + "\"similarity\": \"text\"}}", "popularity=5,content=10,generator=6",
            b -> b.optRank(false).optRerank("mmr", 0.5, 0).optSimilarity("text")));
  }

  private static String recallJson(String quotas) {
    StringBuilder sb = new StringBuilder("{");
    for (String part : quotas.split(",")) {
      String[] kv = part.split("=");
      sb.append(sb.length() > 1 ? ", " : "").append('"').append(kv[0]).append("\": ")
          .append(kv[1]);
    }
    return sb.append('}').toString();
  }

  /** Histories of the first users (their last five items), and an empty one. */
  static List<int[]> histories() {
    List<int[]> out = new ArrayList<>();
    for (int u = 0; u < 8; u++) {
      int[] all = dataset.users().get(u).items();
      out.add(Arrays.copyOfRange(all, Math.max(0, all.length - 5), all.length));
    }
    out.add(new int[0]);
    return out;
  }

  /**
   * The library request of what the server runs for {@code history} under {@code s}: the
   * server searches twice the generator's quota with the request's beam, at least that wide.
   */
  static CascadeRequest request(Setting s, int[] history) {
    CascadeRequest.Builder b = CascadeRequest.builder().setHistory(history).optK(K)
        .optQuotas(s.quotas());
    int quota = b.build().quotas().getOrDefault("generator", 0);
    if (quota > 0) {
      int topK = Math.min(ServerConfig.builder().build().maxBeam(), 2 * quota);
      b.optGeneratorLength(topK).optBeam(Math.max(REQUEST_BEAM, topK));
    }
    return s.settings().apply(b).build();
  }

  private static String body(int[] history, String pipeline) {
    StringBuilder sb = new StringBuilder("{\"k\": " + K + ", \"beam\": " + REQUEST_BEAM
        + ", \"history\": [");
    for (int i = 0; i < history.length; i++) {
      sb.append(i > 0 ? "," : "").append('"').append(dataset.catalog().get(history[i]).id())
          .append('"');
    }
    return sb.append("], \"pipeline\": ").append(pipeline).append('}').toString();
  }

  private static ServerConfig config() {
    return ServerConfig.builder().optPort(0).optWorkers(1)
        .optPipeline(PipelineConfig.defaults()).build();
  }

  /** Compares one served list with the offline result, slot by slot. */
  private static void assertSameList(JsonNode served, CascadeResult offline, String what) {
    JsonNode items = served.get("items");
    assertEquals(offline.slots().size(), items.size(), what + ": " + served);
    assertEquals(offline.candidates(), served.get("pipeline").get("candidates").asInt(),
        what + ": merged list size");
    for (int i = 0; i < items.size(); i++) {
      JsonNode it = items.get(i);
      CascadeResult.Slot s = offline.slots().get(i);
      String at = what + ", slot " + i + ": " + served;
      assertEquals(dataset.catalog().get(s.item()).id(), it.get("id").asText(), at);
      assertEquals(s.channel(), it.get("channel").asText(), at);
      assertEquals(s.recall(), it.get("scores").get("recall").asDouble(), TOLERANCE, at);
      assertEquals(s.rerank(), it.get("scores").get("rerank").asDouble(), TOLERANCE, at);
      if (Float.isNaN(s.rank())) {
        assertTrue(!it.get("scores").has("rank"), at);
      } else {
        assertEquals(s.rank(), it.get("scores").get("rank").asDouble(), TOLERANCE, at);
      }
    }
  }

  @Test
  void everyServedListIsTheEvaluatedList() throws Exception {
    ServingModel model = ServingModel.load(CatalogSnapshot.of(dataset), train, run, List.of(),
        20);
    int compared = 0;
    try (TestServer s = TestServer.start(config(), model)) {
      for (Setting setting : settings()) {
        for (int[] h : histories()) {
          TestServer.Resp r = s.send(HttpMethod.POST, "/v1/recommend",
              body(h, setting.json()), Map.of());
          assertEquals(200, r.status(), r.body());
          CascadeResult want = offline.recommend(request(setting, h));
          assertSameList(r.json(), want, setting.json() + " " + Arrays.toString(h));
          // the request object the server translates the JSON into asks the same
          PipelineRequest p = PipelineRequest.parse(JSON.readTree(setting.json()),
              PipelineConfig.defaults(), model, ServerConfig.builder().build());
          CascadeRequest translated = p.toRequest(new RecommendRequest(null, h, K, REQUEST_BEAM,
              true, List.of(), null, false), ServerConfig.builder().build().maxBeam());
          assertArrayEquals(want.items(), offline.recommend(translated).items(), setting.json());
          if (h.length > 0) {
            assertEquals(K, want.slots().size(), "a full list: " + want);
          }
          compared++;
        }
      }
    }
    assertEquals(settings().size() * histories().size(), compared);
  }

  @Test
  void scoreOrderIsEvalCascadesRanking() throws Exception {
    // the recommender 'genrec eval --cascade' measures, over the run's own cascade
    CascadeRecommender eval = new CascadeRecommender("cascade", offline);
    ServingModel model = ServingModel.load(CatalogSnapshot.of(dataset), train, run, List.of(),
        20);
    Setting plain = settings().get(0);
    try (TestServer s = TestServer.start(config(), model)) {
      for (int[] h : histories()) {
        if (h.length == 0) {
          continue; // the evaluation has no empty histories
        }
        float[] scores = new float[dataset.catalog().size()];
        eval.score(h, scores);
        int[] top = IntStream.range(0, scores.length).boxed()
            .filter(i -> scores[i] != Float.NEGATIVE_INFINITY)
            .sorted((a, b) -> Float.compare(scores[b], scores[a])).limit(K)
            .mapToInt(Integer::intValue).toArray();
        for (int i = 1; i < top.length; i++) {
          assertNotEquals(scores[top[i - 1]], scores[top[i]], "no ties in the top " + K);
        }
        TestServer.Resp r = s.send(HttpMethod.POST, "/v1/recommend", body(h, plain.json()),
            Map.of());
        assertEquals(200, r.status(), r.body());
        JsonNode items = r.json().get("items");
        assertEquals(top.length, items.size(), r.body());
        for (int i = 0; i < top.length; i++) {
          assertEquals(dataset.catalog().get(top[i]).id(), items.get(i).get("id").asText(),
              "slot " + i + ": " + r.body());
          assertEquals(scores[top[i]], items.get(i).get("scores").get("rank").asDouble(),
              TOLERANCE, r.body());
        }
        assertTrue(r.json().get("timing_ms").has("rank"), r.body());
      }
    }
  }

  @Test
  void aMixtureServesWhatItsPipelineComputes() throws Exception {
    ServingModel model = ServingModel.load(CatalogSnapshot.of(dataset), train, run,
        List.of(other), 20);
    try (TestServer s = TestServer.start(config(), model)) {
      for (Setting setting : settings().subList(0, 2)) {
        for (int[] h : histories()) {
          TestServer.Resp r = s.send(HttpMethod.POST, "/v1/recommend",
              body(h, setting.json()), Map.of());
          assertEquals(200, r.status(), r.body());
          CascadeResult want = offlineMixture.recommend(request(setting, h));
          assertSameList(r.json(), want, "mixture " + setting.json() + " " + Arrays.toString(h));
        }
      }
    }
    // the mixture's lists are not the single generator's
    Setting plain = settings().get(0);
    boolean differs = false;
    for (int[] h : histories()) {
      differs |= !Arrays.equals(offline.recommend(request(plain, h)).items(),
          offlineMixture.recommend(request(plain, h)).items());
    }
    assertTrue(differs, "the mixture should change some list");
  }

  @Test
  void theEvaluatedPipelineTimesEveryStage() {
    CascadeResult r = offline.recommend(request(settings().get(1), histories().get(0)));
    assertEquals(List.of("generate", "exposure", "recall", "rank", "rerank"),
        List.copyOf(r.stageNanos().keySet()));
    assertTrue(r.stageNanos().values().stream().allMatch(n -> n >= 0));
    assertTrue(r.reranker().startsWith("mmr"), r.reranker());
  }
}
