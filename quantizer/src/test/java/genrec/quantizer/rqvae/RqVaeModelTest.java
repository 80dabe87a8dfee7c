package genrec.quantizer.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.QuantizerFiles;
import genrec.quantizer.sid.TestEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RqVaeModelTest {
  @org.junit.jupiter.api.BeforeAll
  static void singleThreadedTorch() {
    genrec.quantizer.sid.TorchThreads.single();
  }

  @TempDir Path tmp;

  @Test
  void saveLoadGivesIdenticalCodesAndDecodes() throws Exception {
    EmbeddingMatrix data = TestEmbeddings.clusters(300, 16, 8, 4);
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEpochs(5).build();
    RqVaeTrainResult r = RqVaeTrainer.builder().setConfig(cfg).setSeed(9).build().train(data);
    Path dir = tmp.resolve("rqvae");
    try (RqVaeModel m = r.model()) {
      m.save(dir);
      assertEquals("rqvae", QuantizerFiles.kindOf(dir));
      try (RqVaeModel back = RqVaeModel.load(dir)) {
        assertEquals(cfg, back.config());
        assertEquals(9, back.seed());
        assertEquals(Quantizer.fingerprint(data), back.dataFingerprint());
        assertArrayEquals(m.encode(data), back.encode(data));
        assertArrayEquals(r.codes(), back.encode(data));
        assertArrayEquals(m.decode(r.codes()), back.decode(r.codes()), 0f);
        assertEquals(data.rows() * data.dim(), back.decode(r.codes()).length);
      }
      // tampered weights are refused
      byte[] w = Files.readAllBytes(dir.resolve(QuantizerFiles.WEIGHTS_FILE));
      w[w.length - 1] ^= 1;
      Files.write(dir.resolve(QuantizerFiles.WEIGHTS_FILE), w);
      assertThrows(DataFormatException.class, () -> RqVaeModel.load(dir));
      // wrong dimension is refused
      assertThrows(IllegalArgumentException.class,
          () -> m.encode(TestEmbeddings.clusters(4, 8, 2, 1)));
      assertThrows(IllegalArgumentException.class, () -> m.decode(new int[][] {{0, 0, 99}}));
    }
  }

  @Test
  void noTemporaryFilesLeftBehind() throws Exception {
    EmbeddingMatrix data = TestEmbeddings.clusters(100, 16, 4, 5);
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEpochs(1).build();
    Path dir = tmp.resolve("m");
    try (RqVaeModel m =
        RqVaeTrainer.builder().setConfig(cfg).setSeed(1).build().train(data).model()) {
      m.save(dir);
      assertEquals(java.util.List.of(QuantizerFiles.META_FILE, QuantizerFiles.WEIGHTS_FILE),
          names(dir)); // the folder the check below looks at has the model's files in it
      long weights = Files.size(dir.resolve(QuantizerFiles.WEIGHTS_FILE));
      assertTrue(weights > 0);
      m.save(dir); // overwrite in place
      assertEquals(weights, Files.size(dir.resolve(QuantizerFiles.WEIGHTS_FILE)));
    }
    // exactly the two files: no temporary file (".NAME.*.tmp") beside them
    assertEquals(java.util.List.of(QuantizerFiles.META_FILE, QuantizerFiles.WEIGHTS_FILE),
        names(dir));
  }

  private static java.util.List<String> names(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
