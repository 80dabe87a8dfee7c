package genrec.quantizer.sid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.ResidualKMeansModel;
import genrec.quantizer.rqvae.RqVaeConfig;
import genrec.quantizer.rqvae.RqVaeModel;
import genrec.quantizer.rqvae.RqVaeTrainResult;
import genrec.quantizer.rqvae.RqVaeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantize output folder end to end, reloaded the way {@code genrec quantize assign} would. */
class SidArtifactsTest {
  @org.junit.jupiter.api.BeforeAll
  static void singleThreadedTorch() {
    genrec.quantizer.sid.TorchThreads.single();
  }

  @TempDir Path tmp;

  @Test
  void writeThenReloadAndAssign() {
    EmbeddingMatrix all = TestEmbeddings.clusters(350, 16, 6, 13);
    EmbeddingMatrix old = TestEmbeddings.slice(all, 0, 300);
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEpochs(5).build();
    RqVaeTrainResult r = RqVaeTrainer.builder().setConfig(cfg).setSeed(8).build().train(old);
    try (RqVaeModel model = r.model()) {
      SemanticIdTable table = SemanticIdTable.build(old.ids(), r.codes(), 8, 256);
      QuantizerReport rep = SidArtifacts.write(tmp, model, old, table, null, 1,
          new QuantizerReport.ItemCf(0.5, 7));
      assertEquals(new QuantizerReport.ItemCf(0.5, 7), rep.itemCf());
      assertTrue(rep.summary().contains("item-CF (weight 0.5, 7 neighbours)"), rep.summary());
      assertTrue(Files.isRegularFile(tmp.resolve(SidArtifacts.CHART_FILE)));
      assertEquals(rep, QuantizerReport.readJson(tmp.resolve(SidArtifacts.REPORT_FILE)));
    }
    // assign: load the model by kind, then append new items
    Path dir = SidArtifacts.modelDir(tmp);
    try (Quantizer loaded = switch (QuantizerFiles.kindOf(dir)) {
      case RqVaeModel.KIND -> RqVaeModel.load(dir);
      case ResidualKMeansModel.KIND -> ResidualKMeansModel.load(dir);
      default -> throw new AssertionError();
    }) {
      assertEquals(RqVaeModel.KIND, loaded.kind());
      SemanticIdTable table = SidArtifacts.loadTable(tmp);
      SemanticIdTable grown = table.assign(TestEmbeddings.slice(all, 300, 350), loaded);
      assertEquals(350, grown.size());
      assertArrayEquals(table.codes("i0"), grown.codes("i0"));
      assertArrayEquals(r.codes()[0], java.util.Arrays.copyOf(grown.codes("i0"), 3));
    }
  }
}
