package genrec.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout of a run folder and the errors that name a missing artifact and its command. */
class RunFolderTest {
  @TempDir Path dir;

  @Test
  void theLayoutIsOneNamePerArtifact() {
    RunFolder run = RunFolder.of(dir);
    assertEquals(dir.resolve("quantizer"), run.quantizerDir());
    assertEquals(dir.resolve("generator"), run.generatorDir());
    assertEquals(dir.resolve("embeddings"), run.embeddingsDir());
    assertEquals(dir.resolve("align"), run.alignDir());
    assertEquals(dir.resolve("ranker"), run.rankerDir());
    assertEquals(dir.resolve("catalog.jsonl"), run.catalogSnapshotFile());
    assertEquals(dir.resolve("quantizer/added-items.jsonl"), run.addedItemsFile());
    assertEquals(dir.resolve("admin-token"), run.adminTokenFile());
    assertEquals(dir.resolve("generator/model.bin"), run.generatorFile(false));
    assertEquals(Path.of("runs", "beauty"), RunFolder.ofDataset("beauty").dir());
  }

  @Test
  void missingArtifactsNameTheCommandThatMakesThem() {
    RunFolder run = RunFolder.of(dir);
    Catalog c = new Catalog(List.of(new Item("a", "A", "", List.of(), List.of())));
    assertFalse(run.hasCodes() || run.hasGenerator() || run.hasEmbeddings() || run.hasRanker());
    assertEquals("no semantic IDs at " + dir.resolve("quantizer/sid.tsv")
        + ": run 'genrec quantize --run R' first", assertThrows(IllegalArgumentException.class,
            () -> run.codes(c, "genrec quantize --run R")).getMessage());
    assertEquals("no trained generator at " + dir.resolve("generator/model.bin")
        + ": run 'genrec train' first", assertThrows(IllegalArgumentException.class,
            () -> run.generator(new int[][] {{0, 0, 0, 0}})).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> run.embeddings(c, "genrec embed --run R")).getMessage()
        .endsWith("run 'genrec embed --run R' first"));
    String ranker = assertThrows(IllegalArgumentException.class, run::ranker).getMessage();
    assertEquals("the run has no trained ranker (ranker/); run 'genrec rank train' first",
        ranker);
    assertFalse(RunFolder.noGenerator().contains(dir.toString()), "no server path");
  }

  @Test
  void aFolderNamedTwiceIsFound() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    RunFolder.Repeat r = RunFolder.firstRepeat(List.of(a, b, a.resolve("."))).orElseThrow();
    assertEquals(a.resolve("."), r.later());
    assertEquals(a, r.first());
    assertTrue(RunFolder.firstRepeat(List.of(a, b)).isEmpty());
  }
}
