package genrec.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetTest {
  private static final String QUANT = "quantizer: {method: rqvae, epochs: 1, iterations: 1, "
      + "balanced: false, seed: 1, cfWeight: 0, cfNeighbours: 20}\n";

  @Test
  void everyPresetLoads() {
    for (String name : new String[] {"tiny", "demo", "beauty"}) {
      Preset p = Preset.load(name);
      assertEquals(20, p.data().historyWindow(), name);
      assertEquals(3, p.baseline().lastN(), name);
      genrec.serving.http.PipelineConfig c = p.pipelineConfig(Path.of("runs", name));
      assertEquals(false, c.byDefault(), name + ": requests without 'pipeline' as before");
      assertEquals("generator=50,itemknn=30,popularity=10,content=20", c.quotas(), name);
      assertEquals("mmr", c.rerank(), name);
      assertEquals(java.time.Duration.ofHours(72), c.coldStartMaxAge(), name);
      assertEquals(0.01, c.shown().falsePositiveRate(), name);
      assertEquals(java.time.Duration.ofDays(1), c.shown().rotateEvery(), name);
      assertEquals(Path.of("runs", name), c.exposureDir(), name);
    }
    assertEquals(300, Preset.load("tiny").data().synthetic().users());
    assertEquals("rqkmeans", Preset.load("beauty").quantizer().method());
    assertEquals("rqvae", Preset.load("tiny").quantizer().method());
    assertEquals(0.0, Preset.load("tiny").quantizer().cfWeight());
    assertTrue(Preset.load("beauty").quantizer().cfWeight() > 0, "beauty mixes item-CF into its IDs");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preset.load("huge"));
    assertTrue(e.getMessage().contains("tiny, demo, beauty"), e.getMessage());
  }

  @Test
  void unknownOrInvalidSettingsAreNamed(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("mine.yaml");
    String synth = "  synthetic: {users: 1, items: 1, minLength: 5, maxLength: 9, seed: 1}\n";
    Files.writeString(f, "data:\n  historyWindow: 20\n  histroyWindow: 5\n" + synth
        + "baseline: {neighbours: 0, lastN: 3}\n" + QUANT);
    DataFormatException e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertEquals("histroyWindow", e.field());
    assertTrue(e.line() > 0, "a line is given");
    Files.writeString(f, "data:\n  historyWindow: 20\nbaseline: {neighbours: 0, lastN: 3}\n");
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertEquals("data.synthetic", e.field());
    Files.writeString(f, "data:\n  historyWindow: 0\n" + synth
        + "baseline: {neighbours: 0, lastN: 3}\n" + QUANT);
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertTrue(e.getMessage().contains("historyWindow=0 must be >= 1"), e.getMessage());
    Files.writeString(f, "data:\n  historyWindow: 20\n" + synth
        + "baseline: {neighbours: 0, lastN: 3}\n" + QUANT.replace("cfWeight: 0", "cfWeight: 1"));
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertTrue(e.getMessage().contains("cfWeight=1.0 must be in [0, 1)"), e.getMessage());
    String tiny = new String(Preset.class.getResourceAsStream("/configs/tiny.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    Files.writeString(f, tiny.replace("theta: 0.5", "theta: 1.5"));
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertTrue(e.getMessage().contains("pipeline.theta=1.5 must be in [0, 1]"), e.getMessage());
    Files.writeString(f, tiny.replace("quotas: generator=50", "quotas: generatr=50"));
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertTrue(e.getMessage().contains("unknown channel 'generatr'"), e.getMessage());
    Files.writeString(f, tiny.replace("falsePositiveRate: 0.01", "falsePositiveRate: 2"));
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertTrue(e.getMessage().contains("exposure."), e.getMessage());
    Files.writeString(f, tiny.replace("  saveEverySeconds: 60", "  saveEverySeconds: 60\n  extra: 1"));
    e = assertThrows(DataFormatException.class, () -> Preset.load(f.toString()));
    assertEquals("extra", e.field());
  }
}
