package genrec.quantizer.sid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.catalog.SyntheticCatalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.ResidualKMeans;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.rqkmeans.ResidualKMeansModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsAndReportTest {
  @TempDir Path tmp;

  @Test
  void prefixAgreementCountsLeadingCodesOnly() {
    int[][] a = {{1, 2, 3}, {1, 2, 3}, {1, 9, 3}, {4, 2, 3}};
    int[][] b = {{1, 2, 3}, {1, 2, 0}, {1, 2, 3}, {1, 2, 3}};
    // row 2 agrees on c1 only; its equal c3 does not count once c2 differs
    assertArrayEquals(new double[] {0.75, 0.5, 0.25}, PrefixAgreement.shares(a, b), 1e-12);
    assertArrayEquals(new double[] {1, 1, 1}, PrefixAgreement.shares(a, a), 1e-12);
    assertEquals(0, PrefixAgreement.shares(new int[0][], new int[0][]).length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrefixAgreement.shares(a, new int[][] {{1, 2}}));
    assertTrue(e.getMessage().contains("rows differ: 4 vs 1"), e.getMessage());
  }

  @Test
  void codebookStatsByHand() {
    // level 0: codes 0,0,1,1 of K=4 -> 2 used, perplexity exp(ln 2) = 2
    // level 1: all code 3 -> 1 used, perplexity 1
    int[][] codes = {{0, 3}, {0, 3}, {1, 3}, {1, 3}};
    List<CodebookStats> s = CodebookStats.of(codes, 4);
    assertEquals(0.5, s.get(0).utilisation(), 1e-12);
    assertEquals(2.0, s.get(0).perplexity(), 1e-9);
    assertEquals(0.25, s.get(1).utilisation(), 1e-12);
    assertEquals(1.0, s.get(1).perplexity(), 1e-12);
    assertArrayEquals(new long[] {2, 2, 0, 0}, s.get(0).counts());
    // uniform over K -> perplexity K
    assertEquals(4.0, CodebookStats.ofCounts(0, new long[] {5, 5, 5, 5}).perplexity(), 1e-9);
  }

  @Test
  void jaccardByHandAndRatio() {
    assertEquals(1.0 / 3, SemanticJaccard.jaccard(Set.of("a", "b"), Set.of("b", "c")), 1e-12);
    // items sharing c1 share their attribute; across groups nothing is shared
    List<Item> items = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int[][] codes = new int[40][];
    for (int i = 0; i < 40; i++) {
      int g = i % 4;
      items.add(new Item("i" + i, "t", "", List.of(), List.of("g:" + g, "own:" + i)));
      ids.add("i" + i);
      codes[i] = new int[] {g, i % 2, i};
    }
    SemanticIdTable t = SemanticIdTable.build(ids, codes, 64, 4);
    SemanticJaccard.Result r = SemanticJaccard.compute(new Catalog(items), t, 2000, 1);
    assertEquals(1.0 / 3, r.sameC1Mean(), 1e-12); // {g, own_i} vs {g, own_j}
    assertTrue(r.randomMean() < 0.15, "random " + r.randomMean());
    assertTrue(r.c1Ratio() > 2, "ratio " + r.c1Ratio());
  }

  /** A catalogue without attributes (amazon-sports) prints "no attributes", never NaN. */
  @Test
  void summaryOfACatalogueWithoutAttributesSaysSo() {
    List<Item> items = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int[][] codes = new int[20][];
    for (int i = 0; i < 20; i++) {
      items.add(Item.of("i" + i, "t"));
      ids.add("i" + i);
      codes[i] = new int[] {i % 2, i % 3, i};
    }
    SemanticIdTable t = SemanticIdTable.build(ids, codes, 64, 4);
    SemanticJaccard.Result none = SemanticJaccard.compute(new Catalog(items), t, 100, 1);
    assertTrue(Double.isNaN(none.randomMean()));
    QuantizerReport rep = new QuantizerReport("rqkmeans", 20, 64, List.of(1.0), List.of(2.0), 0.1,
        0, 1, 1, 20, none, 1, "fp", QuantizerReport.ItemCf.NONE);
    assertTrue(rep.summary().contains("  attribute Jaccard: no attributes\n"), rep.summary());
    assertFalse(rep.summary().contains("NaN"), rep.summary());
    // attributes, but no pair of the same c1 group shares any: the means that exist are printed
    QuantizerReport partial = new QuantizerReport("rqkmeans", 20, 64, List.of(1.0),
        List.of(2.0), 0.1, 0, 1, 1, 20,
        new SemanticJaccard.Result(100, 0.2, Double.NaN, 0.1, Double.NaN, 0.5), 1, "fp",
        QuantizerReport.ItemCf.NONE);
    assertTrue(partial.summary().contains("attribute Jaccard: same c1 n/a (no pairs with "
        + "attributes), same c1c2 0.100 (x0.50), random 0.200"), partial.summary());
    assertFalse(partial.summary().contains("NaN"), partial.summary());
  }

  @Test
  void reportJsonAndChartFromSyntheticCatalog() throws Exception {
    SyntheticCatalog sc = SyntheticCatalog.generate(600, 3);
    // embeddings that follow the product type, so codes carry attribute structure
    int d = 12;
    Random rnd = new Random(1);
    float[][] typeVec = new float[SyntheticCatalog.typeCount()][d];
    for (float[] v : typeVec) {
      for (int j = 0; j < d; j++) {
        v[j] = (float) rnd.nextGaussian();
      }
    }
    float[] x = new float[600 * d];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ids.add(sc.catalog().get(i).id());
      for (int j = 0; j < d; j++) {
        x[i * d + j] = typeVec[sc.productType()[i]][j] + (float) (rnd.nextGaussian() * 0.2);
      }
    }
    EmbeddingMatrix emb = new EmbeddingMatrix(ids, d, x);
    ResidualKMeans.Result r = ResidualKMeans.builder()
        .setConfig(ResidualKMeansConfig.demo().toBuilder().setCodebookSize(16).build())
        .setSeed(2).build().fit(emb);
    ResidualKMeansModel model = r.model();
    SemanticIdTable table = SemanticIdTable.build(ids, r.codes(), 16, 256);
    QuantizerReport rep = QuantizerReport.of(model, emb, table, sc.catalog(), 5,
        QuantizerReport.ItemCf.NONE);
    assertEquals(600, rep.items());
    assertEquals(3, rep.utilisation().size());
    assertEquals(model.reconstructionMse(emb), rep.reconstructionMse(), 1e-9);
    assertEquals(table.collisionRate(), rep.collisionRate(), 0);
    assertTrue(rep.jaccard().c1Ratio() > 1.5, rep.summary());
    Path json = tmp.resolve("report.json");
    rep.writeJson(json);
    assertEquals(rep, QuantizerReport.readJson(json));
    // a report written before itemCf was recorded reads back with itemCf null
    com.fasterxml.jackson.databind.node.ObjectNode old =
        (com.fasterxml.jackson.databind.node.ObjectNode) QuantizerFiles.JSON.readTree(json.toFile());
    assertTrue(old.remove("itemCf") != null, old.toString());
    Path oldJson = tmp.resolve("old-report.json");
    QuantizerFiles.JSON.writeValue(oldJson.toFile(), old);
    QuantizerReport before = QuantizerReport.readJson(oldJson);
    assertNull(before.itemCf());
    assertEquals(rep.items(), before.items());
    assertTrue(!before.summary().contains("input:"), before.summary());
    assertTrue(rep.summary().contains("input: text embeddings"), rep.summary());

    Path png = tmp.resolve("usage.png");
    CodeUsageChart.write(png, table);
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000);
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
  }
}
