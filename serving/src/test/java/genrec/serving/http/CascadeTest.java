package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import genrec.cascade.exposure.ShownItemsConfig;
import genrec.cascade.pipeline.CascadeResult;
import genrec.cascade.pipeline.Pipeline;
import genrec.generator.decode.BeamResult;
import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.ChannelCandidates;
import genrec.quantizer.catalog.Item;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cascade's cold-start stage on the tiny run with one item added live: a boost lifts it to
 * the first slot until its exposure cap, a share keeps it a slot without a boost, and an item
 * older than the age limit is not new. The generator's list is given by hand (so the new item
 * is surely among the candidates, last).
 */
class CascadeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static ServingModel model;
  static int added;
  static int[] history;

  @BeforeAll
  static void addAnItem() {
    TinyRun tiny = TinyRun.get();
    Path run = tiny.copyTo(dir.resolve("run"));
    model = ServingModel.load(tiny.dataset(), run, 20);
    added = model.addItems(List.of(new Item("cold-cascade", "Argan Oil Hair Mask",
        "a nourishing mask for dry hair", List.of("Hair"), List.of())))[0];
    history = new int[] {0, 1, 2};
    assertNotNull(model.addedAt("cold-cascade"));
  }

  @AfterAll
  static void close() {
    model.release();
  }

  /** Items 10..13, then the new item last, scores falling. */
  private static ChannelCandidates generatorList() {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      c.add(new Candidate(10 + i, -1f - i, i + 1));
    }
    c.add(new Candidate(added, -9f, 5));
    return new ChannelCandidates("generator", c);
  }

  private static PipelineRequest pipeline(String json) throws Exception {
    return PipelineRequest.parse(JSON.readTree(json), PipelineConfig.defaults(), model,
        ServerConfig.builder().build());
  }

  private static List<Integer> items(CascadeResult r) {
    return r.slots().stream().map(CascadeResult.Slot::item).toList();
  }

  /** The model's pipeline as the server runs it, with the generator's list given. */
  private static CascadeResult run(ServingModel model, int[] history, int k, String user,
      boolean record, PipelineRequest p, ChannelCandidates generator, ExposureStore store) {
    RecommendRequest r = new RecommendRequest(user, history, k, 10, true, List.of(), null,
        record);
    int[] items = generator.items();
    float[] scores = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      scores[i] = generator.candidates().get(i).score();
    }
    return model.pipeline().recommend(p.toRequest(r, 100),
        new BeamResult(items, scores, new int[items.length][]), store);
  }

  @Test
  void aBoostLiftsTheNewItemUntilItsCap() throws Exception {
    ExposureStore store = ExposureStore.open(null, ShownItemsConfig.defaults(),
        Clock.systemUTC());
    PipelineRequest p = pipeline("{\"recall\": {\"generator\": 5}, \"rerank\": {\"method\": "
        + "\"none\"}, \"cold_start\": {\"boost\": 1, \"cap\": 1}}");
    CascadeResult first = run(model, history, 3, null, false, p, generatorList(), store);
    assertEquals(added, first.slots().get(0).item(), first.toString());
    assertTrue(first.slots().get(0).fresh());
    assertEquals(1 + 1.0 / (Pipeline.RRF_K + 5), first.slots().get(0).rerank(), 1e-9);
    assertEquals("generator", first.slots().get(0).channel());
    assertEquals(-9f, first.slots().get(0).recall());
    // shown once: at the cap of 1 it competes on its own (last) score again
    CascadeResult second = run(model, history, 3, null, false, p, generatorList(), store);
    assertEquals(List.of(10, 11, 12), items(second), second.toString());
    assertEquals(1, store.counts().count("cold-cascade"));
    // without cold start, the generator's order
    CascadeResult plain = run(model, history, 3, null, false,
        pipeline("{\"recall\": {\"generator\": 5}, \"rerank\": {\"method\": \"none\"}}"),
        generatorList(), store);
    assertEquals(List.of(10, 11, 12), items(plain));
  }

  @Test
  void aShareKeepsTheNewItemASlotAndAgeEndsIt() throws Exception {
    ExposureStore store = ExposureStore.open(null, ShownItemsConfig.defaults(),
        Clock.systemUTC());
    CascadeResult shared = run(model, history, 4, null, false,
        pipeline("{\"recall\": {\"generator\": 5}, \"rerank\": {\"method\": \"none\"}, "
            + "\"cold_start\": {\"share\": 2}}"), generatorList(), store);
    assertTrue(items(shared).subList(0, 2).contains(added), shared.toString());
    Thread.sleep(5); // the item is now older than 1 ms
    CascadeResult aged = run(model, history, 4, null, false,
        pipeline("{\"recall\": {\"generator\": 5}, \"rerank\": {\"method\": \"none\"}, "
            + "\"cold_start\": {\"share\": 2, \"boost\": 1, \"max_age_hours\": 2.7e-7}}"),
        generatorList(), store);
    assertEquals(List.of(10, 11, 12, 13), items(aged), aged.toString());
    assertFalse(aged.slots().get(0).fresh());
  }

  @Test
  void recordedItemsAreFilteredForThatUserOnly() throws Exception {
    ExposureStore store = ExposureStore.open(null, ShownItemsConfig.defaults(),
        Clock.systemUTC());
    PipelineRequest p = pipeline("{\"recall\": {\"generator\": 2}, \"rerank\": {\"method\": "
        + "\"none\"}}");
    CascadeResult a = run(model, history, 2, "u", true, p, generatorList(), store);
    assertEquals(List.of(10, 11), items(a));
    CascadeResult b = run(model, history, 2, "u", false, p, generatorList(), store);
    assertEquals(List.of(12, 13), items(b), "the quota fills with unseen items");
    assertEquals(2, b.filtered());
    CascadeResult other = run(model, history, 2, "v", false, p, generatorList(), store);
    assertEquals(List.of(10, 11), items(other));
  }
}
