package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankCommandTest {
  @Test
  void writesBothCsvFiles(@TempDir Path dir) throws IOException {
    CliRun r = CliRun.of("bench", "rerank", "--out", dir.toString(), "--sizes", "30x5", "--windows", "0,2",
        "--dim", "16", "--seconds", "0", "--min-calls", "3", "--warmup", "2", "--bloom-capacity", "50",
        "--bloom-fpp", "0.05", "--bloom-probes", "2000", "--bloom-users", "3");
    assertEquals(0, r.code(), r.err());
    List<String> rerank = Files.readAllLines(dir.resolve("rerank.csv"));
    // header, bind-text, then mmr and dpp x windows 0, 2 x similarity text, matrix
    assertEquals(1 + 1 + 2 * 2 * 2, rerank.size(), rerank.toString());
    assertTrue(rerank.get(0).startsWith("method,n,k,window,similarity,dim,calls,cpu_p50_us"));
    assertTrue(rerank.stream().anyMatch(l -> l.startsWith("dpp,30,5,2,matrix,16,")), rerank.toString());
    List<String> bloom = Files.readAllLines(dir.resolve("bloom.csv"));
    assertEquals(2, bloom.size());
    assertTrue(bloom.get(1).startsWith("50,0.05,"), bloom.get(1));
  }

  @Test
  void badSizesAreNamed(@TempDir Path dir) {
    CliRun r = CliRun.of("bench", "rerank", "--out", dir.toString(), "--sizes", "1000");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--sizes=1000 must be NxK"), r.err());
    CliRun w = CliRun.of("bench", "rerank", "--out", dir.toString(), "--windows", "-1");
    assertEquals(2, w.code());
    assertTrue(w.err().contains("--windows=-1"), w.err());
  }
}
