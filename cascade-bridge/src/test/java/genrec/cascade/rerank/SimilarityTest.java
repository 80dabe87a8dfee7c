package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarityTest {
  @Test
  void cosineOfUnitVectors() {
    float s = (float) Math.sqrt(0.5);
    float[][] v = {{1, 0, 0}, {s, s, 0}, {0, 0, 1}, {-1, 0, 0}};
    double[] row = new double[4];
    TextVectorSimilarity.of(v).row(1, row);
    assertArrayEquals(new double[] {Math.sqrt(0.5), 1, 0, -Math.sqrt(0.5)}, row, 1e-6);
    float[][] random = DppTest.unitVectors(50, 384, 7);
    TextVectorSimilarity sim = TextVectorSimilarity.of(random);
    double[] r = new double[50];
    sim.row(13, r);
    for (int i = 0; i < 50; i++) {
      double dot = 0;
      for (int d = 0; d < 384; d++) {
        dot += (double) random[13][d] * random[i][d];
      }
      assertEquals(i == 13 ? 1 : dot, r[i], 1e-5);
    }
    Similarity bound = TextVectorSimilarity.source(Map.of("x", v[0], "y", v[2])::get).over(List.of("y", "x"));
    bound.row(0, row);
    assertEquals(0, row[1], 1e-9);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextVectorSimilarity.of(new float[][] {{1, 1}}))
        .getMessage().contains("vector 0 has norm 1.414"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> TextVectorSimilarity.source(Map.of("x", v[0])::get).over(List.of("x", "nope")))
        .getMessage().contains("'nope'"));
  }

  @Test
  void semanticIdPrefixes() {
    int[][] codes = {{1, 2, 3, 0}, {1, 2, 3, 1}, {1, 2, 9, 0}, {1, 7, 3, 0}, {4, 2, 3, 0}};
    double[] row = new double[5];
    SemanticIdSimilarity.of(codes, 0.2, 0.6).row(0, row);
    // same c1c2c3 (dedup differs) 1, same c1c2 .6, same c1 .2, other c1 0
    assertArrayEquals(new double[] {1, 1, 0.6, 0.2, 0}, row, 0);
    SemanticIdSimilarity.of(codes, SemanticIdSimilarity.DEFAULT_S1, SemanticIdSimilarity.DEFAULT_S2).row(3, row);
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 1, 0}, row, 0);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SemanticIdSimilarity.of(codes, 0.7, 0.6))
        .getMessage().contains("s1=0.7, s2=0.6"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SemanticIdSimilarity.of(new int[][] {{1, 2}}, 0.2, 0.5))
        .getMessage().contains("semantic ID 0 has 2 codes"));
  }

  @Test
  void categoryJaccard() {
    List<Set<String>> sets = List.of(Set.of("beauty", "hair", "shampoo"), Set.of("beauty", "hair"), Set.of("tools"), Set.of(), Set.of());
    double[] row = new double[5];
    CategorySimilarity sim = CategorySimilarity.of(sets);
    sim.row(0, row);
    assertArrayEquals(new double[] {1, 2.0 / 3, 0, 0, 0}, row, 1e-15);
    sim.row(3, row);
    // an item without attributes: 1 with itself, 0 with everything else (also another empty set)
    assertArrayEquals(new double[] {0, 0, 0, 1, 0}, row, 0);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CategorySimilarity.source(Map.of("a", Set.of("x"))::get).over(List.of("b")))
        .getMessage().contains("'b'"));
  }

  @Test
  void matrixChecksItsInput() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MatrixSimilarity.of(new double[] {1, 0.5, 0.4, 1}, 2))
        .getMessage().contains("similarity(0,1)=0.5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MatrixSimilarity.of(new double[] {2}, 1))
        .getMessage().contains("similarity(0,0)=2.0"));
  }
}
