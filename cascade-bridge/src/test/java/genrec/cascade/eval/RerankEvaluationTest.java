package genrec.cascade.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.eval.RerankEvaluation.SimilarityKind;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ChannelCandidates;
import genrec.core.io.DataFormatException;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.eval.RankingMetrics;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procedure of {@code genrec rerank-eval} as objects, on a six-item catalogue. */
class RerankEvaluationTest {
  private static final Catalog CATALOG = new Catalog(List.of(
      item("a", "shoes"), item("b", "shoes"), item("c", "hats"), item("d", "hats"),
      item("e", "bags"), item("f", "bags")));

  /** Scores item i as 6 - i: a first, never an item of the history. */
  private static final CandidateChannel FIXED = new CandidateChannel() {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public ChannelCandidates candidates(int[] history, int n) {
      float[] s = {6, 5, 4, 3, 2, 1};
      return ChannelCandidates.top("fixed", s, history, n, Float.NEGATIVE_INFINITY);
    }
  };

  private static final List<EvalCase> CASES = List.of(
      new EvalCase(0, new int[] {5}, 1),  // candidates a b c d e: b in slot 1
      new EvalCase(1, new int[] {0}, 4),  // candidates b c d e f: e in slot 3, outside k = 3
      new EvalCase(2, new int[] {0}, 2)); // c in slot 1

  private static Item item(String id, String category) {
    return new Item(id, id, "", List.of(category), List.of());
  }

  private static EmbeddingMatrix vectors() {
    float[] data = new float[6 * 2];
    for (int i = 0; i < 6; i++) {
      data[2 * i] = 1;
      data[2 * i + 1] = i; // not unit length: the evaluation normalises
    }
    return new EmbeddingMatrix(List.of("a", "b", "c", "d", "e", "f"), 2, data);
  }

  private static RerankEvaluation.Builder builder() {
    return RerankEvaluation.builder().setCatalog(CATALOG).setChannel(FIXED).setCases(CASES)
        .setSettings(List.of(RerankSweep.Setting.relevance())).optN(5).optK(3);
  }

  @Test
  void relevanceOrderIsMeasuredWithRankingMetrics() {
    RerankEvaluation ev = builder().setSimilarity(SimilarityKind.TEXT)
        .optItemVectors(vectors(), null).optItemCodes(new int[][] {{0}, {0}, {1}, {1}, {2}, {2}})
        .build();
    assertTrue(ev.textDiversity());
    assertTrue(ev.notes().isEmpty());
    RerankEvaluation.Result r = ev.run("test");
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, r.candidates().get(0).items());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5}, r.candidates().get(1).items());
    RerankSweep.Report rep = r.report();
    RerankSweep.Row row = rep.rows().get(0);
    assertEquals((RankingMetrics.ndcg(1, 3) * 2) / 3, row.ndcg(), 1e-15);
    assertEquals(2.0 / 3, row.recall(), 1e-15);
    assertEquals(1.0, rep.candidateRecall(), 0); // every target is among the 5 candidates
    assertEquals(5.0, rep.meanCandidates(), 0);
    // groupings: c1 of the codes, then the first category; slates a b c, b c d, b c d
    assertEquals(List.of("c1", "category"), rep.groupings());
    assertArrayEquals(new double[] {2, 2}, row.distinct(), 1e-15);
    assertEquals(4.0 / 6, row.coverage(), 1e-15);
  }

  @Test
  void withoutVectorsIldUsesTheRerankingSimilarityOrTextFails() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().setSimilarity(SimilarityKind.TEXT)
            .optItemVectors(null, "no item embeddings in runs/x").build());
    assertEquals("--similarity text: no item embeddings in runs/x", e.getMessage());
    RerankEvaluation ev = builder().setSimilarity(SimilarityKind.CATEGORY)
        .optItemVectors(null, "no item embeddings in runs/x").build();
    assertFalse(ev.textDiversity());
    assertEquals(List.of("note: ILD is measured with the category similarity (no item "
        + "embeddings in runs/x)"), ev.notes());
    // a zero vector counts as no vectors, named
    EmbeddingMatrix zero = new EmbeddingMatrix(List.of("a", "b", "c", "d", "e", "f"), 2,
        new float[12]);
    assertEquals("--similarity text: the embedding of item 'a' is zero: run 'genrec embed' "
        + "again", assertThrows(IllegalArgumentException.class,
            () -> builder().setSimilarity(SimilarityKind.TEXT).optItemVectors(zero, null).build())
        .getMessage());
    assertEquals(List.of("note: ILD is measured with the category similarity (the embedding of "
        + "item 'a' is zero: run 'genrec embed' again)"), builder()
        .setSimilarity(SimilarityKind.CATEGORY).optItemVectors(zero, null).build().notes());
    // slates a b c: ILD 1 - mean Jaccard of categories = 1 - (1 + 0 + 0) / 3
    assertEquals(1 - 1.0 / 3, ev.run("test").report().rows().get(0).ild(), 1e-12);
  }

  @Test
  void newItemsAddTheColdStartRows() {
    boolean[] fresh = {false, false, false, false, true, false}; // e
    RerankSweep.Report rep = builder().setSimilarity(SimilarityKind.CATEGORY)
        .optNewItems(fresh).optColdStart(3, 0, 1000).build().run("test").report();
    assertEquals(1, rep.newItems());
    assertTrue(rep.coldRows());
    RerankSweep.Row cold = rep.row(RerankSweep.Setting.relevance(), true);
    // one new item in every 3 slots: e takes the last slot of each list
    assertEquals(3.0 / 9, cold.newShare(), 1e-15);
    assertEquals(1, cold.coldUsers());
    assertEquals(RankingMetrics.ndcg(2, 3), cold.coldNdcg(), 1e-15);
  }

  @Test
  void badPartsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> builder().build()); // no similarity
    assertEquals("k=6 must be in [1, n=5]", assertThrows(IllegalArgumentException.class,
        () -> builder().setSimilarity(SimilarityKind.CATEGORY).optK(6).build()).getMessage());
    Catalog bare = new Catalog(List.of(Item.of("a", "A"), Item.of("b", "B")));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder().setCatalog(bare).setSimilarity(SimilarityKind.ATTRIBUTES).build())
        .getMessage().contains("no item of the catalogue has attributes"));
  }

  @Test
  void newItemsFileNamesItsBadLine(@TempDir Path dir) throws Exception {
    Path ok = Files.writeString(dir.resolve("new.txt"), "# new this week\nc\n\nf\nc\n");
    assertArrayEquals(new boolean[] {false, false, true, false, false, true},
        RerankEvaluation.readNewItems(ok, CATALOG));
    Path bad = Files.writeString(dir.resolve("bad.txt"), "c\nzzz\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> RerankEvaluation.readNewItems(bad, CATALOG));
    assertTrue(e.getMessage().contains("bad.txt:2") && e.getMessage().contains("'zzz'"),
        e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankEvaluation.readNewItems(dir.resolve("none.txt"), CATALOG)).getMessage()
        .endsWith("none.txt: no such file"));
  }
}
