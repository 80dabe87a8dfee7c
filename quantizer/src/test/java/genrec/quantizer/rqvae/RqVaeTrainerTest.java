package genrec.quantizer.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.TestEmbeddings;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // NDScope / model resources are held only to be closed
class RqVaeTrainerTest {
  @org.junit.jupiter.api.BeforeAll
  static void singleThreadedTorch() {
    genrec.quantizer.sid.TorchThreads.single();
  }

  private static final EmbeddingMatrix DATA = TestEmbeddings.clusters(600, 16, 12, 7);

  @Test
  void reconstructionLossImprovesOverTraining() {
    RqVaeTrainResult r =
        RqVaeTrainer.builder().setConfig(RqVaeConfig.tiny()).setSeed(1).build().train(DATA);
    try (RqVaeModel m = r.model()) {
      assertEquals(RqVaeConfig.tiny().epochs(), r.history().size());
      double first = r.firstReconstructionLoss();
      double last = r.lastReconstructionLoss();
      assertTrue(last < 0.5 * first, "reconstruction loss " + first + " -> " + last);
      assertEquals(DATA.rows(), r.codes().length);
      assertEquals(3, r.codes()[0].length);
      // utilisation/perplexity reported per level
      assertEquals(3, r.codebookStats().size());
      assertTrue(r.codebookStats().get(0).utilisation() > 0.5, r.codebookStats().toString());
      assertArrayEquals(r.codes(), m.encode(DATA));
    }
  }

  @Test
  void sameSeedGivesIdenticalCodes() {
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEpochs(8).build();
    RqVaeTrainResult a = RqVaeTrainer.builder().setConfig(cfg).setSeed(5).build().train(DATA);
    RqVaeTrainResult b = RqVaeTrainer.builder().setConfig(cfg).setSeed(5).build().train(DATA);
    try (RqVaeModel ma = a.model();
        RqVaeModel mb = b.model()) {
      assertArrayEquals(a.codes(), b.codes());
      assertEquals(a.lastReconstructionLoss(), b.lastReconstructionLoss());
    }
  }

  @Test
  void deadCodesAreResetFromCollapsedCodebook() {
    RqVaeConfig noReset =
        RqVaeConfig.tiny().toBuilder().optEpochs(10).optDeadCodeThreshold(0).build();
    RqVaeConfig reset = noReset.toBuilder().optDeadCodeThreshold(1).build();
    RqVaeTrainResult collapsed =
        RqVaeTrainer.builder().setConfig(noReset).setSeed(3).optCollapsedInit(true).build()
            .train(DATA);
    RqVaeTrainResult recovered =
        RqVaeTrainer.builder().setConfig(reset).setSeed(3).optCollapsedInit(true).build()
            .train(DATA);
    try (RqVaeModel a = collapsed.model();
        RqVaeModel b = recovered.model()) {
      double u0 = collapsed.codebookStats().get(0).utilisation();
      double u1 = recovered.codebookStats().get(0).utilisation();
      assertTrue(u0 <= 0.125 + 1e-9, "without resets the collapsed codebook stays collapsed: " + u0);
      assertTrue(recovered.deadCodeResets() > 0);
      assertTrue(u1 >= 0.75, "resets should recover utilisation, got " + u1);
      for (int l = 0; l < 3; l++) {
        assertTrue(recovered.codebookStats().get(l).perplexity() > 3,
            recovered.codebookStats().toString());
      }
    }
  }

  @Test
  void emaCodebooksTrain() {
    RqVaeConfig cfg = RqVaeConfig.tiny().toBuilder().optEma(true).build();
    RqVaeTrainResult r = RqVaeTrainer.builder().setConfig(cfg).setSeed(2).build().train(DATA);
    try (RqVaeModel m = r.model()) {
      assertTrue(r.lastReconstructionLoss() < 0.5 * r.firstReconstructionLoss());
      assertTrue(r.codebookStats().get(0).utilisation() > 0.5);
    }
  }

  @Test
  void builderAndConfigValidate() {
    assertThrows(IllegalStateException.class,
        () -> RqVaeTrainer.builder().setConfig(RqVaeConfig.tiny()).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RqVaeConfig.tiny().toBuilder().optBatchSize(0).setCodebookSize(1).build());
    assertTrue(e.getMessage().contains("batchSize=0"), e.getMessage());
    assertTrue(e.getMessage().contains("codebookSize=1"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RqVaeTrainer.builder().setConfig(RqVaeConfig.tiny()).setSeed(1).build()
            .train(TestEmbeddings.clusters(10, 8, 2, 1)));
  }
}
