package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenrecCliTest {
  private record Run(int code, String out, String err) {}

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
  void generateThenStatsThenEvaluateBaselines(@TempDir Path dir) {
    Run g = run("data", "generate", "--out", dir.toString(), "--preset", "tiny");
    assertEquals(0, g.code(), g.err());
    assertTrue(Files.exists(dir.resolve("items.jsonl")));
    Run s = run("data", "stats", "--data", dir.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("users          300"), s.out());
    assertTrue(s.out().contains("item pop. Gini"), s.out());
    Run e = run("eval-baseline", "--data", dir.toString(), "--model", "all");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("ItemKNN                test"), e.out());
    assertTrue(e.out().contains("MostPop                validation"), e.out());
  }

  @Test
  void badInputExitsTwoWithTheLocation(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("items.tsv"), "item_id\tasin\ttitle\n1\tA\tLipstick\n");
    Files.writeString(dir.resolve("sequences.txt"), "1 1 1 1\n2 1 7\n");
    Run r = run("data", "stats", "--data", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("sequences.txt:2 field 'item_id #2': unknown item: '7'"), r.err());
    Run lenient = run("data", "stats", "--data", dir.toString(), "--lenient");
    assertEquals(0, lenient.code(), lenient.err());
    assertTrue(lenient.out().contains("skipped 1 bad line (unknown item: 1)"), lenient.out());
    Run usage = run("eval-baseline");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("--data"), usage.err());
  }
}
