package genrec.generator.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.core.tensor.TensorFile;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorModelTest {

  @BeforeAll
  static void threads() {
    TrainFixtures.singleThread();
  }

  @Test
  void saveLoadGivesTheSameBeamSearchOutput(@TempDir Path dir) throws IOException {
    TrainData data = TrainFixtures.data();
    TrainResult r = GeneratorTrainer.builder().setModelConfig(TrainFixtures.model())
        .setTrainConfig(TrainFixtures.train(10).build()).setSeed(9).build().train(data);
    Path file = dir.resolve("model.bin");
    PrefixTrie trie = PrefixTrie.of(data.itemCodes(), TrainFixtures.K);
    int[][] histories = TestModels.randomHistories(6, TrainFixtures.ITEMS, 10, 4);
    try (GeneratorModel m = r.model()) {
      m.save(file);
      try (GeneratorModel back = GeneratorModel.load(file)) {
        assertEquals(m.config(), back.config());
        assertEquals(9, back.seed());
        assertEquals(m.dataFingerprint(), back.dataFingerprint());
        assertEquals(m.sidFingerprint(), back.sidFingerprint());
        BeamSearch s1 = m.beamSearch(trie).optBeamWidth(5).build();
        BeamSearch s2 = back.beamSearch(trie).optBeamWidth(5).build();
        List<BeamResult> a = s1.search(histories, null, 5);
        List<BeamResult> b = s2.search(histories, null, 5);
        for (int u = 0; u < histories.length; u++) {
          assertArrayEquals(a.get(u).items(), b.get(u).items());
          assertArrayEquals(a.get(u).scores(), b.get(u).scores());
        }
      }
    }
    // a truncated file is refused with the file named
    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.bin");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    DataFormatException e = assertThrows(DataFormatException.class, () -> GeneratorModel.load(cut));
    assertTrue(e.getMessage().contains("cut.bin"), e.getMessage());
    // a checkpoint is not a model
    Path other = dir.resolve("other.bin");
    TensorFile.write(other, TensorFile.JSON.createObjectNode().put("format", "x"), java.util.Map.of());
    assertThrows(DataFormatException.class, () -> GeneratorModel.load(other));
  }
}
