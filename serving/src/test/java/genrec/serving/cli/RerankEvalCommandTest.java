package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → errors before embeddings → quantize with cold items → sweeps of itemknn, content, the generator. */
class RerankEvalCommandTest {
  @BeforeAll
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  /** CSV rows keyed by "method,theta,window,cold_start" → column name → value. */
  private static Map<String, Map<String, String>> rows(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",", -1);
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      assertEquals(header.length, f.length, l);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < f.length; i++) {
        row.put(header[i], f[i]);
      }
      out.put(f[2] + "," + f[3] + "," + f[4] + "," + f[5], row);
    }
    return out;
  }

  private static double num(Map<String, String> row, String column) {
    return Double.parseDouble(row.get(column));
  }

  private static String[] args(String d, String r, String... more) {
    String[] base = {"rerank-eval", "--data", d, "--preset", "tiny", "--run", r, "--threads", "2"};
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void sweepsOnATinyRun(@TempDir Path dir) throws Exception {
    String d = dir.resolve("data").toString();
    Path runDir = dir.resolve("run");
    String r = runDir.toString();
    assertEquals(0, CliRun.of("data", "generate", "--out", d, "--preset", "tiny").code());

    CliRun noGen = CliRun.of(args(d, r));
    assertEquals(2, noGen.code());
    assertTrue(noGen.err().contains("no trained generator at") && noGen.err().contains("--source itemknn"),
        noGen.err());
    CliRun noEmb = CliRun.of(args(d, r, "--source", "itemknn"));
    assertEquals(2, noEmb.code());
    assertTrue(noEmb.err().contains("--similarity text: no item embeddings in")
        && noEmb.err().contains("run 'genrec embed --data " + d + " --run " + r + "' first"), noEmb.err());

    String[][] bad = {
        {"--split", "train"}, {"--source", "magic"}, {"--k", "0"}, {"--k", "30", "--n", "20"},
        {"--thetas", "1.5"}, {"--windows", "-1"}, {"--methods", "mmr,xyz"}, {"--cold-cap", "0"},
        {"--similarity", "magic"}, {"--dpp-scores", "log"}, {"--users", "0"}, {"--thetas", "0.5,0.5"},
        {"--new-items", dir.resolve("missing.txt").toString()}, {"--cold-boost", "-1"}};
    String[] says = {"--split=train must be validation or test", "--source=magic must be one of",
        "--k=0 must be in [1, --n=100]", "--k=30 must be in [1, --n=20]", "theta=1.5 must be in [0, 1]",
        "window=-1 must be >= 0", "--methods: unknown re-ranking method 'xyz'", "--cold-cap=0 must be >= 1",
        "--similarity=magic must be one of", "--dpp-scores=log must be minmax or raw", "--users=0 must be >= 1",
        "theta 0.5 is given twice", "missing.txt: no such file", "--cold-boost=-1.0 must be"};
    for (int i = 0; i < bad.length; i++) {
      CliRun e = CliRun.of(args(d, r, bad[i]));
      assertEquals(2, e.code(), String.join(" ", bad[i]));
      assertTrue(e.err().contains(says[i]), e.err());
    }

    // quantize embeds the catalogue and holds 10% of the items out as new
    CliRun q = CliRun.of("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method",
        "rqkmeans", "--cold-items", "0.1", "--cold-seed", "5");
    assertEquals(0, q.code(), q.err());

    CliRun knn = CliRun.of(args(d, r, "--source", "itemknn", "--n", "30", "--thetas", "0,0.5,1",
        "--windows", "0,3", "--users", "120", "--seed", "3"));
    assertEquals(0, knn.code(), knn.err());
    assertTrue(knn.out().contains("test split, 120 users measured (sample, seed 3)"), knn.out());
    Path csv = runDir.resolve("cascade/rerank-itemknn-test.csv");
    Path png = runDir.resolve("cascade/rerank-itemknn-test.png");
    assertTrue(Files.isRegularFile(png));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(Files.readAllBytes(png), 4));
    Map<String, Map<String, String>> k = rows(csv);
    // ItemKNN never proposes an item nobody interacted with: the cold-start stage has nothing to act on
    assertTrue(knn.out().contains("0.0% of candidate lists hold one")
        && knn.out().contains("the cold-start stage would change no list (its rows are left out)"), knn.out());
    assertEquals(1 + 3 * 2 + 2 * 2, k.size(), k.keySet().toString());
    assertTrue(Files.readAllLines(csv).get(0).contains(",c1_distinct,category_distinct,coverage,"));
    Map<String, String> rel = k.get("score,1.0,0,false");
    for (String w : new String[] {"0", "3"}) { // MMR at theta 1 is relevance order
      Map<String, String> one = k.get("mmr,1.0," + w + ",false");
      for (String c : new String[] {"ndcg", "recall", "ild", "c1_distinct", "coverage"}) {
        assertEquals(rel.get(c), one.get(c), c);
      }
      assertTrue(num(k.get("mmr,0.0," + w + ",false"), "ild") > num(rel, "ild"), k.toString());
    }
    assertEquals(0.0, num(rel, "new_share"), 0.0);
    assertTrue(Integer.parseInt(rel.get("cold_users")) > 0, rel.toString());
    assertEquals(0.0, num(rel, "cold_recall"), 0.0); // nor finds a new target

    // the content channel proposes new items: the share rule serves them
    CliRun content = CliRun.of(args(d, r, "--source", "content", "--n", "30", "--thetas", "0.5,1",
        "--windows", "0", "--users", "120", "--cold-share", "5"));
    assertEquals(0, content.code(), content.err());
    Matcher m = Pattern.compile("([0-9.]+)% of candidate lists hold one").matcher(content.out());
    assertTrue(m.find(), content.out());
    double withNew = Double.parseDouble(m.group(1)) / 100;
    Map<String, Map<String, String>> c = rows(runDir.resolve("cascade/rerank-content-test.csv"));
    for (Map<String, String> row : c.values()) {
      if (row.get("cold_start").equals("true")) {
        // each list holding a new candidate gets one in every 5 slots (the cap is not reached)
        assertTrue(num(row, "new_share") >= withNew * 2 / 10 - 1e-3 || num(row, "relaxed_slots") > 0, row.toString());
        assertTrue(num(row, "new_share") >= num(c.get(row.get("method") + "," + row.get("theta") + ","
            + row.get("window") + ",false"), "new_share"), row.toString());
      }
    }
    assertTrue(content.out().contains("coldRec@10"), content.out());

    // an explicit list of new items, and one naming an unknown item
    Path list = dir.resolve("new.txt");
    Files.writeString(list, "# new\ni1\ni2\n");
    CliRun listed = CliRun.of(args(d, r, "--source", "popularity", "--n", "20", "--thetas", "1",
        "--windows", "0", "--methods", "mmr", "--users", "40", "--new-items", list.toString(),
        "--out", dir.resolve("out").toString()));
    assertEquals(0, listed.code(), listed.err());
    assertTrue(listed.out().contains("new items: 2 (" + list + ")"), listed.out());
    assertTrue(Files.isRegularFile(dir.resolve("out/rerank-popularity-test.csv")));
    Files.writeString(list, "i1\nnot-an-item\n");
    CliRun unknown = CliRun.of(args(d, r, "--source", "popularity", "--new-items", list.toString()));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("new.txt:2") && unknown.err().contains("'not-an-item' is not in the catalogue"),
        unknown.err());

    // the trained generator's beams as candidates
    CliRun t = CliRun.of("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "10",
        "--seed", "3", "--threads", "1");
    assertEquals(0, t.code(), t.err());
    CliRun gen = CliRun.of(args(d, r, "--n", "20", "--thetas", "0,1", "--windows", "0",
        "--users", "30", "--similarity", "sid"));
    assertEquals(0, gen.code(), gen.err());
    assertTrue(gen.out().contains("candidates: top 20 of generator (beam 20)"), gen.out());
    Map<String, Map<String, String>> g = rows(runDir.resolve("cascade/rerank-generator-test.csv"));
    assertEquals(2 * (1 + 2 + 1), g.size(), g.keySet().toString());
    assertEquals(g.get("score,1.0,0,false").get("ndcg"), g.get("mmr,1.0,0,false").get("ndcg"));
  }
}
