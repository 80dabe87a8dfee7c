package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → quantize → train a few steps → resume → eval, on the tiny preset. */
class TrainEvalCommandTest {
  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = GenrecCli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void generateQuantizeTrainResumeEval(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path runDir = dir.resolve("run");
    String d = data.toString();
    String r = runDir.toString();
    assertEquals(0, run("data", "generate", "--out", d, "--preset", "tiny").code());

    Run early = run("train", "--data", d, "--preset", "tiny", "--run", r);
    assertEquals(2, early.code());
    assertTrue(early.err().contains("run 'genrec quantize --data " + d + " --run " + r + "' first"),
        early.err());
    Run noModel = run("eval", "--data", d, "--preset", "tiny", "--run", r);
    assertEquals(2, noModel.code());

    Run q = run("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method", "rqkmeans");
    assertEquals(0, q.code(), q.err());

    Run t = run("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "20",
        "--seed", "3", "--threads", "1");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained 20 steps"), t.out());
    assertTrue(t.out().contains("best validation"), t.out());
    Path gen = runDir.resolve("generator");
    for (String f : new String[] {"model.bin", "model.json", "checkpoint.bin", "learning-curve.csv"}) {
      assertTrue(Files.isRegularFile(gen.resolve(f)), f);
    }
    String curve = Files.readString(gen.resolve("learning-curve.csv"));
    assertTrue(curve.startsWith("seconds,step,val_ndcg10,val_recall10,train_loss\n"), curve);
    assertEquals(2, curve.lines().count(), curve); // header, step 20 (the end)

    Run again = run("train", "--data", d, "--preset", "tiny", "--run", r, "--resume",
        "--threads", "1");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(resumed)"), again.out());
    assertTrue(again.out().contains("trained 20 steps"), again.out());

    Run e = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--beam", "10",
        "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("Recall@5"), e.out());
    assertTrue(e.out().contains("generator (tiger)      test"), e.out());
    assertTrue(e.out().contains("generator (tiger)      validation"), e.out());
    assertTrue(e.out().contains("MostPop                test"), e.out());
    assertTrue(e.out().contains("ItemKNN                validation"), e.out());

    Path seqRun = dir.resolve("seq");
    Files.createDirectories(seqRun);
    Files.copy(runDir.resolve("quantizer/sid.tsv"), Files.createDirectories(
        seqRun.resolve("quantizer")).resolve("sid.tsv"));
    Run s = run("train", "--data", d, "--preset", "tiny", "--run", seqRun.toString(), "--steps",
        "10", "--layout", "sequence", "--threads", "1");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("sequence-parallel, causal encoder"), s.out());
    Run se = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(), "--beam",
        "5", "--threads", "1");
    assertEquals(0, se.code(), se.err());
    assertTrue(se.out().contains("generator (sequence)   test"), se.out());
  }
}
