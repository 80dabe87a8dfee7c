package genrec.generator.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

  @Test
  void presetsHaveThePaperShapes() {
    GeneratorConfig t = GeneratorConfig.tiger();
    assertEquals(4, t.encoderLayers());
    assertEquals(4, t.decoderLayers());
    assertEquals(128, t.dModel());
    assertEquals(384, t.attentionDim());
    assertEquals(1024, t.mlpDim());
    assertEquals(0.1f, t.dropout());
    assertEquals(2000, t.userBuckets());
    assertEquals(1 + 20 * 4, t.encoderLength());
    GeneratorConfig tiny = GeneratorConfig.tiny();
    assertEquals(32, tiny.attentionDim());
    assertFalse(tiny.userTokens());
    assertEquals(80, tiny.encoderLength());
  }

  @Test
  void buildNamesTheBadValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GeneratorConfig.builder().setLayers(1, 1).setDModel(130).setHeads(6).setMlpDim(8)
            .build());
    assertTrue(e.getMessage().contains("dModel=130 is not divisible by heads=6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GeneratorConfig.tiny().toBuilder().optDropout(1f).build());
    assertEquals("dropout=1.0 must be in [0, 1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GeneratorConfig.builder().setDModel(8).setHeads(2).setMlpDim(8).build());
    assertEquals("encoderLayers=-1 is required", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiHeadAttention.builder().setDModel(130).setHeads(6).build());
    assertEquals("dModel=130 is not divisible by heads=6", e.getMessage());
  }

  @Test
  void vocabularyRangesAndHistoryLayout() {
    GeneratorConfig c = GeneratorConfig.tiny().toBuilder().optHistoryWindow(3).build();
    SidVocabulary v = new SidVocabulary(c);
    assertEquals(2 + 4 * 256, v.size());
    assertEquals(2, v.codeToken(0, 0));
    assertEquals(2 + 256 + 5, v.codeToken(1, 5));
    assertEquals(1, v.levelOf(2 + 256 + 5));
    assertEquals(5, v.codeOf(2 + 256 + 5));
    int[][] codes = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    assertArrayEquals(codes[1], v.decodeItem(v.encodeItem(codes[1])));
    assertArrayEquals(new int[] {SidVocabulary.BOS, v.codeToken(0, 5), v.codeToken(1, 6),
        v.codeToken(2, 7)}, v.decoderInput(codes[1]));
    // window 3, history of 1: two padded items first, the item last
    int[] enc = v.encodeHistory(new int[] {1}, null, codes);
    assertEquals(12, enc.length);
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(enc, 8));
    assertArrayEquals(v.encodeItem(codes[1]), java.util.Arrays.copyOfRange(enc, 8, 12));
    // history longer than the window keeps the last 3 items
    int[] longer = v.encodeHistory(new int[] {1, 1, 0, 1, 0}, null, codes);
    assertArrayEquals(v.encodeItem(codes[0]), java.util.Arrays.copyOfRange(longer, 0, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> v.encodeHistory(new int[] {2}, null, codes));
    assertEquals("history item 2 is outside [0, 2)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v.codeToken(0, 256));
    assertEquals("code=256 is outside [0, 256) at level 0", e.getMessage());

    GeneratorConfig compact = c.toBuilder().optLayout(GeneratorConfig.Layout.COMPACT)
        .optUserBuckets(10).build();
    SidVocabulary cv = new SidVocabulary(compact);
    int[] ce = cv.encodeHistory(new int[] {0}, 77L, codes);
    assertEquals((1 + 3) * 4, ce.length);
    assertTrue(ce[0] >= 2 + 4 * 256 && ce[0] < cv.size());
    assertEquals(ce[0], cv.userToken(77L));
    assertArrayEquals(cv.encodeItem(codes[0]), java.util.Arrays.copyOfRange(ce, 12, 16));
  }
}
