package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.sid.QuantizerReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenrecCliTest {
  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void aDatasetFolderDefaultsToTheRealDataPresetAndSyntheticToTheDemo() {
    DataCommand.DataOptions o = new DataCommand.DataOptions();
    o.data = Path.of("../shared/data/amazon-sports");
    assertEquals("beauty", o.presetName());
    o.data = Path.of("synthetic");
    assertEquals("demo", o.presetName());
    o.preset = "tiny";
    assertEquals("tiny", o.presetName());
  }

  @Test
  void generateThenStatsThenEvaluateBaselines(@TempDir Path dir) {
    CliRun g = run("data", "generate", "--out", dir.toString(), "--preset", "tiny");
    assertEquals(0, g.code(), g.err());
    assertTrue(Files.exists(dir.resolve("items.jsonl")));
    CliRun s = run("data", "stats", "--data", dir.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("users          300"), s.out());
    assertTrue(s.out().contains("item pop. Gini"), s.out());
    CliRun e = run("eval-baseline", "--data", dir.toString(), "--model", "all");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("ItemKNN                test"), e.out());
    assertTrue(e.out().contains("MostPop                validation"), e.out());
  }

  @Test
  void badInputExitsTwoWithTheLocation(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("items.tsv"), "item_id\tasin\ttitle\n1\tA\tLipstick\n");
    Files.writeString(dir.resolve("sequences.txt"), "1 1 1 1\n2 1 7\n");
    CliRun r = run("data", "stats", "--data", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("sequences.txt:2 field 'item_id #2': unknown item: '7'"), r.err());
    CliRun lenient = run("data", "stats", "--data", dir.toString(), "--lenient");
    assertEquals(0, lenient.code(), lenient.err());
    assertTrue(lenient.out().contains("skipped 1 bad line (unknown item: 1)"), lenient.out());
    CliRun usage = run("eval-baseline");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("--data"), usage.err());
  }

  @Test
  void quantizeThenAssignColdStartItems(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("data");
    Path runDir = dir.resolve("run");
    assertEquals(0, run("data", "generate", "--out", data.toString(), "--preset", "tiny").code());
    CliRun q = run("quantize", "--data", data.toString(), "--preset", "tiny", "--run", runDir.toString());
    assertEquals(0, q.code(), q.err());
    assertTrue(q.out().contains("trained rqvae"), q.out());
    Path out = runDir.resolve("quantizer");
    for (String f : new String[] {"sid.tsv", "report.json", "code-usage.png", "model/quantizer.json"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    assertTrue(Files.exists(runDir.resolve("embeddings/embeddings.npy")));
    String before = Files.readString(out.resolve("sid.tsv"));

    Path items = dir.resolve("new.jsonl");
    Files.writeString(items, "{\"id\": \"new-1\", \"title\": \"Velvet Matte Lipstick, Ruby Red\"}\n"
        + "{\"id\": \"new-2\", \"title\": \"Argan Hair Oil\", \"categories\": [\"Hair Care\"]}\n");
    CliRun a = run("quantize", "assign", "--quantizer", out.toString(), "--items", items.toString());
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("new-1\t("), a.out());
    assertTrue(a.out().contains("table now 202 items"), a.out());
    String after = Files.readString(out.resolve("sid.tsv"));
    // append-only: every line that was there is still there
    for (String line : before.split("\n")) {
      if (!line.startsWith("#")) {
        assertTrue(after.contains(line), line);
      }
    }
    assertTrue(Files.readString(out.resolve("added-items.jsonl")).contains("new-2"));
    CliRun again = run("quantize", "assign", "--quantizer", out.toString(), "--items", items.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already has a semantic ID"), again.err());

    CliRun k = run("quantize", "--data", data.toString(), "--preset", "tiny", "--run", runDir.toString(),
        "--method", "rqkmeans", "--out", runDir.resolve("km").toString());
    assertEquals(0, k.code(), k.err());
    assertTrue(k.out().contains("rqkmeans"), k.out());
    assertFalse(k.out().contains("item-CF mix") || k.out().contains("cold start:"), k.out());

    // item-CF mixed into the embeddings: a different table from the text-only one, same items
    CliRun cf = run("quantize", "--data", data.toString(), "--preset", "tiny", "--run", runDir.toString(),
        "--method", "rqkmeans", "--cf-weight", "0.5", "--out", runDir.resolve("km-cf").toString());
    assertEquals(0, cf.code(), cf.err());
    assertTrue(cf.out().contains("item-CF mix: weight 0.50, up to 20 ItemKNN neighbours"), cf.out());
    assertTrue(cf.out().contains("cold start: an item's text vector alone"), cf.out());
    String textOnly = Files.readString(runDir.resolve("km").resolve("sid.tsv"));
    String mixed = Files.readString(runDir.resolve("km-cf").resolve("sid.tsv"));
    assertEquals(textOnly.lines().count(), mixed.lines().count());
    assertNotEquals(textOnly, mixed);
    // no flag: the preset's quantizer.cfWeight applies (a preset file with cfWeight 0.5), and
    // --cf-neighbours overrides its cfNeighbours
    Path preset = runDir.resolve("cf-preset.yaml");
    String tiny = new String(getClass().getResourceAsStream("/configs/tiny.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(tiny.contains("cfWeight: 0 "), tiny);
    Files.writeString(preset, tiny.replace("cfWeight: 0 ", "cfWeight: 0.5 "));
    CliRun fromPreset = run("quantize", "--data", data.toString(), "--preset", preset.toString(),
        "--run", runDir.toString(), "--method", "rqkmeans", "--cf-neighbours", "5",
        "--out", runDir.resolve("km-cf-preset").toString());
    assertEquals(0, fromPreset.code(), fromPreset.err());
    assertTrue(fromPreset.out().contains("item-CF mix: weight 0.50, up to 5 ItemKNN neighbours"),
        fromPreset.out());
    // report.json records how the vectors were built
    assertEquals(new QuantizerReport.ItemCf(0.5, 5), QuantizerReport.readJson(
        runDir.resolve("km-cf-preset").resolve("report.json")).itemCf());
    assertEquals(QuantizerReport.ItemCf.NONE, QuantizerReport.readJson(
        runDir.resolve("km").resolve("report.json")).itemCf());
    CliRun bad = run("quantize", "--data", data.toString(), "--preset", "tiny", "--run", runDir.toString(),
        "--cf-weight", "1", "--out", runDir.resolve("bad").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--cf-weight=1.0 must be in [0, 1)"), bad.err());
    assertFalse(Files.exists(runDir.resolve("bad")));
    CliRun badK = run("quantize", "--data", data.toString(), "--preset", "tiny", "--run",
        runDir.toString(), "--cf-neighbours", "0", "--out", runDir.resolve("bad").toString());
    assertEquals(2, badK.code());
    assertTrue(badK.err().contains("--cf-neighbours=0 must be >= 1"), badK.err());
  }

  @Test
  void benchBeamRejectsNonPositiveWidthsAndBatches() {
    CliRun r = run("bench", "beam", "--data", "synthetic", "--preset", "tiny", "--model", "tiny",
        "--beams", "4,0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--beams=0 must be >= 1"), r.err());
    r = run("bench", "beam", "--data", "synthetic", "--preset", "tiny", "--model", "tiny",
        "--batches", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--batches=-1 must be >= 1"), r.err());
  }
}
