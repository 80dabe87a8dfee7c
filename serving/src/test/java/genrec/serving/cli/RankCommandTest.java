package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → quantize → rank train → eval --cascade → bench rank, on the tiny preset. */
class RankCommandTest {
  @BeforeAll
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  @Test
  void trainEvaluateAndBenchTheCascade(@TempDir Path dir) throws Exception {
    String d = dir.resolve("data").toString();
    Path runDir = dir.resolve("run");
    String r = runDir.toString();
    assertEquals(0, CliRun.of("data", "generate", "--out", d, "--preset", "tiny").code());

    CliRun noRanker = CliRun.of("eval", "--data", d, "--preset", "tiny", "--run", r, "--cascade");
    assertEquals(2, noRanker.code());
    assertTrue(noRanker.err().contains("run 'genrec rank train' first"), noRanker.err());

    CliRun badMix = CliRun.of("rank", "train", "--data", d, "--preset", "tiny", "--run", r,
        "--mixture", "moe");
    assertEquals(2, badMix.code());
    assertTrue(badMix.err().contains("--mixture=moe must be mmoe, ple or shared-bottom"),
        badMix.err());
    CliRun badQuota = CliRun.of("rank", "train", "--data", d, "--preset", "tiny", "--run", r,
        "--quotas", "itemknn=10,bogus=3");
    assertEquals(2, badQuota.code());
    assertTrue(badQuota.err().contains("unknown channel 'bogus'"), badQuota.err());

    assertEquals(0, CliRun.of("quantize", "--data", d, "--preset", "tiny", "--run", r).code());
    CliRun train = CliRun.of("rank", "train", "--data", d, "--preset", "tiny", "--run", r,
        "--quotas", "generator=20,itemknn=30,content=20,popularity=10", "--epochs", "3",
        "--negatives", "20", "--threads", "2");
    assertEquals(0, train.code(), train.err());
    String out = train.out();
    assertTrue(out.contains("generator channel dropped: the run has no trained generator"), out);
    assertTrue(out.contains("cascade itemknn=30,content=20,popularity=10"), out);
    assertTrue(out.contains("| 0 (random init) |"), out);
    assertTrue(out.contains("(best)"), out);
    assertTrue(Files.isRegularFile(runDir.resolve("ranker/cascade.json")));
    assertTrue(Files.isRegularFile(runDir.resolve("ranker/ranker.bin")));

    CliRun eval = CliRun.of("eval", "--data", d, "--preset", "tiny", "--run", r, "--cascade",
        "--threads", "2");
    assertEquals(0, eval.code(), eval.err());
    String e = eval.out();
    assertTrue(e.contains("cascade (itemknn=30,content=20,popularity=10, mmoe)"), e);
    assertTrue(e.contains("ItemKNN") && e.contains("MostPop") && e.contains("ContentKNN"), e);
    assertTrue(e.contains("task next: AUC"), e);

    CliRun bench = CliRun.of("bench", "rank", "--data", d, "--preset", "tiny", "--run", r,
        "--users", "20", "--warmup", "2");
    assertEquals(0, bench.code(), bench.err());
    assertTrue(bench.out().contains("| ranking stage (features + forward) |"), bench.out());

    CliRun mixed = CliRun.of("eval", "--data", d, "--preset", "tiny", "--run", r, "--cascade",
        "--unconstrained");
    assertEquals(2, mixed.code());
    assertTrue(mixed.err().contains("--cascade evaluates the run's cascade"), mixed.err());
  }
}
