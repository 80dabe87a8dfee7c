package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import genrec.cascade.recall.RecallReport;
import genrec.generator.data.Datasets;
import genrec.generator.data.LeaveOneOutSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → recall without embeddings → baselines only → quantize (embeds) → train → recall. */
class RecallCommandTest {
  @BeforeAll
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  /** CSV rows keyed by "list@n" → recall ("cold:list@n" for the cold-target rows). */
  private static Map<String, Double> recalls(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    assertEquals(RecallReport.CSV_HEADER, lines.get(0));
    Map<String, Double> out = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      assertTrue(f[0].equals("validation") || f[0].equals("validation-cold"), l);
      out.put((f[0].endsWith("-cold") ? "cold:" : "") + f[1] + "@" + f[2],
          Double.parseDouble(f[4]));
    }
    return out;
  }

  /** Validation targets that no training sequence holds. */
  private static long coldTargets(String data) {
    LeaveOneOutSplit s = LeaveOneOutSplit.of(Datasets.load(Path.of(data), false));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    s.train().forEach(t -> java.util.Arrays.stream(t).forEach(seen::add));
    return s.validation().stream().filter(c -> !seen.contains(c.target())).count();
  }

  @Test
  void channelsUnionAndMergedOnTheTinyPreset(@TempDir Path dir) throws Exception {
    String d = dir.resolve("data").toString();
    Path runDir = dir.resolve("run");
    String r = runDir.toString();
    assertEquals(0, CliRun.of("data", "generate", "--out", d, "--preset", "tiny").code());

    CliRun noEmb = CliRun.of("recall", "--data", d, "--preset", "tiny", "--run", r);
    assertEquals(2, noEmb.code());
    assertTrue(noEmb.err().contains("run 'genrec embed --data " + d + " --run " + r + "' first"),
        noEmb.err());

    CliRun base = CliRun.of("recall", "--data", d, "--preset", "tiny", "--run", r,
        "--channels", "itemknn,popularity", "--n", "5,10", "--threads", "2");
    assertEquals(0, base.code(), base.err());
    assertTrue(base.out().contains("validation split"), base.out());
    assertTrue(base.out().contains("merged (quotas itemknn=60,popularity=10"), base.out());
    Path csv = runDir.resolve("cascade/recall-validation.csv");
    Map<String, Double> b = recalls(csv);
    for (String n : new String[] {"5", "10"}) {
      assertTrue(b.get("union@" + n) >= b.get("itemknn@" + n)
          && b.get("union@" + n) >= b.get("popularity@" + n), b.toString());
    }
    assertTrue(b.get("itemknn@10") >= b.get("itemknn@5"), b.toString());
    long cold = coldTargets(d);
    assertEquals(cold > 0, base.out().contains(String.format(java.util.Locale.ROOT,
        "targets with no interactions in the fit data: %,d users", cold)), base.out());
    if (cold > 0) { // interaction channels never propose an item without interactions
      assertEquals(0.0, b.get("cold:itemknn@10"), 0.0);
      assertEquals(0.0, b.get("cold:popularity@10"), 0.0);
    }

    CliRun sample = CliRun.of("recall", "--data", d, "--preset", "tiny", "--run", r,
        "--channels", "popularity", "--split", "test", "--users", "7", "--seed", "3");
    assertEquals(0, sample.code(), sample.err());
    assertTrue(sample.out().contains("test split, 7 users measured (sample, seed 3)"),
        sample.out());
    assertTrue(Files.readString(runDir.resolve("cascade/recall-test.csv"))
        .contains("test,popularity,50,7,"));

    String[][] bad = {
        {"--split", "train"}, {"--channels", "itemknn,magic"}, {"--channels", "itemknn,itemknn"},
        {"--refit"}, {"--quotas", "itemknn=x"}, {"--quotas", "itemknn=5,magic=3"}, {"--n", "0"}, {"--users", "0"},
        {"--content-decay", "2"}};
    String[] says = {"--split=train must be validation or test", "unknown channel 'magic'",
        "'itemknn' is listed twice", "use it with --split test", "'x' is not a whole number",
        "--quotas: unknown channel 'magic'",
        "N=0 must be >= 1", "--users=0 must be >= 1", "decay=2.0 must be in (0, 1]"};
    for (int i = 0; i < bad.length; i++) {
      String[] args = java.util.Arrays.copyOf(new String[] {"recall", "--data", d, "--preset", "tiny",
          "--run", r}, 7 + bad[i].length);
      System.arraycopy(bad[i], 0, args, 7, bad[i].length);
      CliRun e = CliRun.of(args);
      assertEquals(2, e.code(), String.join(" ", bad[i]));
      assertTrue(e.err().contains(says[i]), e.err());
    }

    // quantize embeds the catalogue: the content channel works, the generator is still missing
    CliRun q = CliRun.of("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method",
        "rqkmeans");
    assertEquals(0, q.code(), q.err());
    CliRun noGen = CliRun.of("recall", "--data", d, "--preset", "tiny", "--run", r, "--n", "10",
        "--threads", "1");
    assertEquals(0, noGen.code(), noGen.err());
    assertTrue(noGen.out().contains("generator: skipped, the run has no trained generator"),
        noGen.out());
    assertTrue(noGen.out().contains("content "), noGen.out());

    CliRun t = CliRun.of("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "10",
        "--seed", "3", "--threads", "1");
    assertEquals(0, t.code(), t.err());
    CliRun all = CliRun.of("recall", "--data", d, "--preset", "tiny", "--run", r, "--n", "5,20",
        "--quotas", "generator=8,itemknn=6,content=4,popularity=2", "--threads", "2");
    assertEquals(0, all.code(), all.err());
    assertTrue(!all.out().contains("skipped"), all.out());
    assertTrue(all.out().contains("merged (quotas generator=8,itemknn=6,content=4,popularity=2, "
        + "at most 20 items)"), all.out());
    Map<String, Double> a = recalls(csv);
    for (String ch : new String[] {"generator", "itemknn", "popularity", "content"}) {
      assertTrue(a.get("union@20") >= a.get(ch + "@20"), a.toString());
      assertTrue(a.get(ch + "@20") >= a.get(ch + "@5"), a.toString());
    }
    // every merged item is in some channel's first 20 (the longest list asked for)
    assertTrue(a.get("merged@20") <= a.get("union@20"), a.toString());
    assertEquals(a.get("itemknn@5"), b.get("itemknn@5"), 1e-12); // same split, same fit
  }
}
