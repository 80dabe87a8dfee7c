package genrec.quantizer.rqvae;

import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.ResidualKMeans;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.sid.TestEmbeddings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Beauty-sized timing (12,101 x 384), not a test: run with {@code -Dgenrec.bench=true
 * [-Dgenrec.bench.epochs=N]}.
 */
@EnabledIfSystemProperty(named = "genrec.bench", matches = "true")
@SuppressWarnings("try") // NDScope / model resources are held only to be closed
class RqVaeBenchmarkTest {

  @Test
  void beautySizedTiming() {
    // unit-norm rows around 400 topics (cosine to the topic centre about 0.8), like MiniLM output
    EmbeddingMatrix raw = TestEmbeddings.clusters(12_101, 384, 400, 0.7, 11, "b");
    float[] x = raw.data().clone();
    for (int i = 0; i < raw.rows(); i++) {
      double n = 0;
      for (int j = 0; j < 384; j++) {
        n += x[i * 384 + j] * x[i * 384 + j];
      }
      for (int j = 0; j < 384; j++) {
        x[i * 384 + j] /= (float) Math.sqrt(n);
      }
    }
    EmbeddingMatrix data = new EmbeddingMatrix(raw.ids(), 384, x);
    int epochs = Integer.getInteger("genrec.bench.epochs", 10);
    RqVaeConfig cfg = RqVaeConfig.beauty().toBuilder().optEpochs(epochs).build();
    RqVaeTrainResult r =
        RqVaeTrainer.builder().setConfig(cfg).setSeed(1).optProgress(true).build().train(data);
    try (RqVaeModel m = r.model()) {
      System.err.printf(
          "RQ-VAE beauty: %d epochs in %.1f s = %.2f epochs/s, rec %.4f -> %.4f, mse %.5f, %s,"
              + " resets %d%n",
          epochs, r.seconds(), epochs / r.seconds(), r.firstReconstructionLoss(),
          r.lastReconstructionLoss(), r.reconstructionMse(), r.codebookStats().stream()
              .map(s -> s.summary()).toList(), r.deadCodeResets());
      genrec.quantizer.sid.SemanticIdTable t =
          genrec.quantizer.sid.SemanticIdTable.build(data.ids(), r.codes(), 256);
      System.err.printf("RQ-VAE table: collisions %.4f, unique prefix %.4f, largest group %d%n",
          t.collisionRate(), t.uniquePrefixShare(), t.largestGroup());
    }
    if (Boolean.getBoolean("genrec.bench.kmeans")) {
      for (boolean balanced : new boolean[] {false, true}) {
        ResidualKMeans.Result k = ResidualKMeans.builder()
            .setConfig(ResidualKMeansConfig.beauty().toBuilder().optBalanced(balanced).build())
            .setSeed(1).build().fit(data);
        System.err.printf("RQ-KMeans beauty balanced=%s: %.1f s, mse %.5f%n", balanced,
            k.seconds(), k.model().reconstructionMse(data));
      }
    }
  }
}
