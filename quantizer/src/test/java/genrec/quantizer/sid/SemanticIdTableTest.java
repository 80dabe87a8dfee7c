package genrec.quantizer.sid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.ResidualKMeans;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.rqvae.RqVaeConfig;
import genrec.quantizer.rqvae.RqVaeModel;
import genrec.quantizer.rqvae.RqVaeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemanticIdTableTest {
  @org.junit.jupiter.api.BeforeAll
  static void singleThreadedTorch() {
    genrec.quantizer.sid.TorchThreads.single();
  }

  @TempDir Path tmp;

  @Test
  void collisionsGetDedupCodesInItemOrder() {
    int[][] codes = {{1, 2, 3}, {1, 2, 3}, {4, 5, 6}, {1, 2, 3}, {4, 5, 7}};
    SemanticIdTable t = SemanticIdTable.build(List.of("a", "b", "c", "d", "e"), codes, 8, 4);
    assertArrayEquals(new int[] {1, 2, 3, 0}, t.codes("a"));
    assertArrayEquals(new int[] {1, 2, 3, 1}, t.codes("b"));
    assertArrayEquals(new int[] {4, 5, 6, 0}, t.codes("c"));
    assertArrayEquals(new int[] {1, 2, 3, 2}, t.codes("d"));
    assertArrayEquals(new int[] {4, 5, 7, 0}, t.codes("e"));
    // 3 distinct prefixes for 5 items: 2 collided; c and e are unique; largest group 3
    assertEquals(0.4, t.collisionRate(), 1e-12);
    assertEquals(0.4, t.uniquePrefixShare(), 1e-12);
    assertEquals(3, t.largestGroup());
    assertEquals("d", t.itemOf(new int[] {1, 2, 3, 2}));
    assertNull(t.codes("zz"));
    assertAllUnique(t);
  }

  @Test
  void refusesGroupLargerThanDedupLevel() {
    int[][] codes = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 1, 1}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SemanticIdTable.build(List.of("a", "b", "c", "d"), codes, 4, 2));
    assertTrue(e.getMessage().contains("(0, 0, 0)") && e.getMessage().contains("3 items")
        && e.getMessage().contains("only 2"), e.getMessage());
    // exactly at the limit is fine
    SemanticIdTable.build(List.of("a", "b", "d"), new int[][] {{0, 0, 0}, {0, 0, 0}, {1, 1, 1}},
        4, 2);
    assertThrows(IllegalArgumentException.class,
        () -> SemanticIdTable.build(List.of("a"), new int[][] {{0, 0, 4}}, 4, 2));
    assertThrows(IllegalArgumentException.class,
        () -> SemanticIdTable.build(List.of("a", "a"), new int[][] {{0, 0, 1}, {0, 0, 2}}, 4, 2));
  }

  @Test
  void saveLoadRoundTrip() throws Exception {
    int[][] codes = {{1, 2, 3}, {1, 2, 3}, {0, 5, 6}};
    SemanticIdTable t = SemanticIdTable.build(List.of("x 1", "y", "z"), codes, 8, 16);
    Path f = tmp.resolve("sid.tsv");
    t.save(f);
    SemanticIdTable back = SemanticIdTable.load(f);
    assertEquals(t.ids(), back.ids());
    assertEquals(8, back.codebookSize());
    assertEquals(16, back.dedupSize());
    for (String id : t.ids()) {
      assertArrayEquals(t.codes(id), back.codes(id));
    }
    // truncated file is refused with its location
    List<String> lines = Files.readAllLines(f);
    Files.write(f, lines.subList(0, lines.size() - 1));
    DataFormatException e = assertThrows(DataFormatException.class, () -> SemanticIdTable.load(f));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Files.writeString(f, String.join("\n", lines).replace("\t5\t", "\tfive\t") + "\n");
    e = assertThrows(DataFormatException.class, () -> SemanticIdTable.load(f));
    assertEquals(6, e.line());
    assertEquals("c2", e.field());
  }

  @Test
  void sameSeedGivesIdenticalTable() throws Exception {
    EmbeddingMatrix data = TestEmbeddings.clusters(400, 10, 6, 2);
    ResidualKMeansConfig cfg = ResidualKMeansConfig.tiny().toBuilder().optBalanced(true).build();
    SemanticIdTable a = SemanticIdTable.build(data.ids(),
        ResidualKMeans.builder().setConfig(cfg).setSeed(11).build().fit(data).codes(), 8, 256);
    SemanticIdTable b = SemanticIdTable.build(data.ids(),
        ResidualKMeans.builder().setConfig(cfg).setSeed(11).build().fit(data).codes(), 8, 256);
    Path fa = tmp.resolve("a.tsv");
    Path fb = tmp.resolve("b.tsv");
    a.save(fa);
    b.save(fb);
    assertArrayEquals(Files.readAllBytes(fa), Files.readAllBytes(fb));
    SemanticIdTable c = SemanticIdTable.build(data.ids(),
        ResidualKMeans.builder().setConfig(cfg).setSeed(12).build().fit(data).codes(), 8, 256);
    Path fc = tmp.resolve("c.tsv");
    c.save(fc);
    assertNotEquals(Files.readString(fa), Files.readString(fc));
  }

  @Test
  void coldStartMatchesModelAndNeverCollides() {
    EmbeddingMatrix all = TestEmbeddings.clusters(600, 16, 10, 8);
    EmbeddingMatrix old = TestEmbeddings.slice(all, 0, 500);
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEpochs(10).build();
    try (RqVaeModel model =
        RqVaeTrainer.builder().setConfig(cfg).setSeed(4).build().train(old).model()) {
      SemanticIdTable table = SemanticIdTable.build(old, model, 256);
      // new items: 100 fresh rows plus copies of 20 existing rows under new ids
      EmbeddingMatrix fresh = TestEmbeddings.slice(all, 500, 600);
      List<String> ids = new ArrayList<>(fresh.ids());
      float[] data = new float[(100 + 20) * 16];
      System.arraycopy(fresh.data(), 0, data, 0, 100 * 16);
      System.arraycopy(old.data(), 0, data, 100 * 16, 20 * 16);
      for (int i = 0; i < 20; i++) {
        ids.add("copy-of-" + old.ids().get(i));
      }
      EmbeddingMatrix added = new EmbeddingMatrix(ids, 16, data);
      SemanticIdTable grown = table.assign(added, model);

      assertEquals(620, grown.size());
      for (String id : old.ids()) {
        assertArrayEquals(table.codes(id), grown.codes(id), "existing items keep their IDs");
      }
      int[][] direct = model.encode(added);
      for (int i = 0; i < added.rows(); i++) {
        int[] sid = grown.codes(added.ids().get(i));
        assertArrayEquals(direct[i], java.util.Arrays.copyOf(sid, 3));
      }
      for (int i = 0; i < 20; i++) {
        int[] orig = grown.codes(old.ids().get(i));
        int[] copy = grown.codes("copy-of-" + old.ids().get(i));
        assertArrayEquals(java.util.Arrays.copyOf(orig, 3), java.util.Arrays.copyOf(copy, 3));
        assertNotEquals(orig[3], copy[3]);
      }
      assertAllUnique(grown);
      // adding an existing id is an error
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> grown.assign(TestEmbeddings.slice(all, 0, 1), model));
      assertTrue(e.getMessage().contains("already has"), e.getMessage());
    }
  }

  @Test
  void appendFillsGapsAndRefusesFullGroups() {
    SemanticIdTable t = SemanticIdTable.build(List.of("a", "b"),
        new int[][] {{0, 0, 0}, {0, 0, 0}}, 4, 3);
    SemanticIdTable t2 = t.appendCodes(List.of("c"), new int[][] {{0, 0, 0}});
    assertArrayEquals(new int[] {0, 0, 0, 2}, t2.codes("c"));
    assertThrows(IllegalArgumentException.class,
        () -> t2.appendCodes(List.of("d"), new int[][] {{0, 0, 0}}));
    assertEquals(2, t.size(), "the original table is unchanged");
  }

  private static void assertAllUnique(SemanticIdTable t) {
    Set<List<Integer>> seen = new HashSet<>();
    for (int i = 0; i < t.size(); i++) {
      int[] c = t.codesAt(i);
      assertTrue(seen.add(List.of(c[0], c[1], c[2], c[3])), "duplicate SID at row " + i);
    }
  }
}
