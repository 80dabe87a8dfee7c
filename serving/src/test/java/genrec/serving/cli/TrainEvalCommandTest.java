package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate → quantize → train a few steps → resume → eval, on the tiny preset. */
class TrainEvalCommandTest {
  @BeforeAll
  static void singleThread() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** A new run folder {@code to} with the semantic IDs of run {@code from}. */
  private static Path runSharingIds(Path from, Path to) throws IOException {
    Files.copy(from.resolve("quantizer/sid.tsv"),
        Files.createDirectories(to.resolve("quantizer")).resolve("sid.tsv"));
    return to;
  }

  @Test
  void generateQuantizeTrainResumeEval(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path runDir = dir.resolve("run");
    String d = data.toString();
    String r = runDir.toString();
    assertEquals(0, run("data", "generate", "--out", d, "--preset", "tiny").code());

    CliRun early = run("train", "--data", d, "--preset", "tiny", "--run", r);
    assertEquals(2, early.code());
    assertTrue(early.err().contains("run 'genrec quantize --data " + d + " --run " + r + "' first"),
        early.err());
    CliRun noModel = run("eval", "--data", d, "--preset", "tiny", "--run", r);
    assertEquals(2, noModel.code());

    CliRun q = run("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method", "rqkmeans");
    assertEquals(0, q.code(), q.err());

    CliRun t = run("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "20",
        "--seed", "3", "--threads", "1", "--layout", "tiger");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained 20 steps"), t.out());
    assertTrue(t.out().contains("no early stopping"), t.out()); // the tiny preset's patience 0
    assertTrue(t.out().contains("best validation"), t.out());
    Path gen = runDir.resolve("generator");
    for (String f : new String[] {"model.bin", "model.json", "checkpoint.bin", "learning-curve.csv"}) {
      assertTrue(Files.isRegularFile(gen.resolve(f)), f);
    }
    String curve = Files.readString(gen.resolve("learning-curve.csv"));
    assertTrue(curve.startsWith("seconds,step,val_ndcg10,val_recall10,train_loss\n"), curve);
    assertEquals(2, curve.lines().count(), curve); // header, step 20 (the end)

    CliRun again = run("train", "--data", d, "--preset", "tiny", "--run", r, "--resume",
        "--threads", "1", "--learning-rate", "0.5", "--seed", "9");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(resumed)"), again.out());
    assertTrue(again.out().contains("trained 20 steps"), again.out());
    assertTrue(again.err().contains("--seed, --learning-rate ignored: a resumed run keeps the "
        + "settings saved in its checkpoint"), again.err());
    CliRun notRefit = run("train", "--data", d, "--preset", "tiny", "--run", r, "--resume",
        "--refit");
    assertEquals(2, notRefit.code());
    assertTrue(notRefit.err().contains("was not trained with --refit"), notRefit.err());

    CliRun e = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--beam", "10",
        "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("Recall@5"), e.out());
    assertTrue(e.out().contains("generator (tiger)      test"), e.out());
    assertTrue(e.out().contains("generator (tiger)      validation"), e.out());
    assertTrue(e.out().contains("MostPop                test"), e.out());
    assertTrue(e.out().contains("ItemKNN                validation"), e.out());

    Path seqRun = runSharingIds(runDir, dir.resolve("seq"));
    CliRun badDropout = run("train", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--dropout", "1");
    assertEquals(2, badDropout.code());
    assertTrue(badDropout.err().contains("--dropout=1.0 must be in [0, 1)"), badDropout.err());
    CliRun badEma = run("train", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--ema-decay", "1");
    assertEquals(2, badEma.code());
    assertTrue(badEma.err().contains("--ema-decay=1.0 must be in [0, 1) (0 = off)"), badEma.err());
    CliRun s = run("train", "--data", d, "--preset", "tiny", "--run", seqRun.toString(), "--steps",
        "10", "--threads", "1", "--patience", "3", "--dropout", "0.25", "--weight-decay",
        "0.05", "--ema-decay", "0.9"); // the default layout
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("patience 3"), s.out());
    assertTrue(s.out().contains("dropout 0.25;"), s.out());
    assertTrue(s.out().contains("weight decay 0.05, weight average (EMA) decay 0.9,"), s.out());
    assertEquals(0.9f, genrec.generator.train.Checkpoint.read(
        seqRun.resolve("generator/checkpoint.bin")).trainConfig().emaDecay());
    assertTrue(Files.readString(seqRun.resolve("generator/model.json"))
        .contains("\"dropout\" : 0.25"));
    assertTrue(s.out().contains("sequence-parallel, causal encoder"), s.out());
    CliRun se = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(), "--beam",
        "5", "--threads", "1");
    assertEquals(0, se.code(), se.err());
    assertTrue(se.out().contains("generator (sequence)   test"), se.out());
    CliRun last = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--beam", "5", "--threads", "1", "--weights", "last");
    assertEquals(0, last.code(), last.err());
    assertTrue(last.out().contains("generator (sequence, last) test"), last.out());
    CliRun cut = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--beam", "12", "--threads", "1", "--ks", "12,1,5", "--split", "test");
    assertEquals(0, cut.code(), cut.err());
    assertTrue(cut.out().contains("Recall@12") && cut.out().contains("Cov@1 "), cut.out());
    assertTrue(cut.out().matches("(?s).*distinct top-1 items, generator \\(sequence\\) \\(test\\): "
        + "[1-9][0-9,]*\n.*"), cut.out());
    assertFalse(cut.out().contains("validation"), cut.out());
    CliRun narrow = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--beam", "5", "--ks", "5,50");
    assertEquals(2, narrow.code());
    assertTrue(narrow.err().contains("--ks 50 needs --beam >= 50"), narrow.err());
    CliRun free = run("eval", "--data", d, "--preset", "tiny", "--run", seqRun.toString(),
        "--beam", "5", "--threads", "1", "--unconstrained");
    assertEquals(0, free.code(), free.err());
    assertTrue(free.out().contains("generator (sequence, unconstrained) test"), free.out());
    java.util.regex.Matcher inv = java.util.regex.Pattern.compile(
        "unconstrained decoding, test: ([0-9,]+) of ([0-9,]+) generated paths").matcher(free.out());
    assertTrue(inv.find(), free.out());
    // every test user gets its top 10 (the tiny catalogue has more items than that)
    assertEquals(10L * genrec.generator.data.LeaveOneOutSplit.of(
        genrec.generator.data.Datasets.load(data, false)).test().size(),
        Long.parseLong(inv.group(2).replace(",", "")));
    assertTrue(free.out().contains("unconstrained decoding, validation:"), free.out());
    CliRun freeMix = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--ensemble",
        seqRun.toString(), "--unconstrained");
    assertEquals(2, freeMix.code());
    assertTrue(freeMix.err().contains("--unconstrained measures one generator"), freeMix.err());

    // --ensemble: the tiger-layout run and the sequence run (same table) as one mixture
    CliRun mix = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--ensemble",
        seqRun.toString(), "--beam", "5", "--threads", "1");
    assertEquals(0, mix.code(), mix.err());
    assertTrue(mix.out().contains("mixture of [" + r + ", " + seqRun + "], each proposing 10 items"),
        mix.out());
    assertTrue(mix.out().contains("mixture of 2 generators test"), mix.out());
    assertTrue(mix.out().contains("mixture of 2 generators validation"), mix.out());
    CliRun twice = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--ensemble", r);
    assertEquals(2, twice.code());
    assertTrue(twice.err().contains("is listed twice (or is the --run folder itself)"), twice.err());
    Path alias = Files.createSymbolicLink(dir.resolve("alias"), runDir.toAbsolutePath());
    CliRun aliased = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--ensemble",
        alias.toString());
    assertEquals(2, aliased.code());
    assertTrue(aliased.err().contains("is listed twice"), aliased.err());

    // --refit: trains on the validation interactions too; eval then reports the test split only
    Path refitRun = runSharingIds(runDir, dir.resolve("refit"));
    String rr = refitRun.toString();
    CliRun clash = run("train", "--data", d, "--preset", "tiny", "--run", rr, "--refit",
        "--patience", "2");
    assertEquals(2, clash.code());
    assertTrue(clash.err().contains("--refit trains on the validation targets"), clash.err());
    CliRun rt = run("train", "--data", d, "--preset", "tiny", "--run", rr, "--refit", "--steps",
        "10", "--threads", "1");
    assertEquals(0, rt.code(), rt.err());
    assertTrue(rt.out().contains("10 steps, refit, seed 42"), rt.out());
    assertTrue(!rt.out().contains("best validation"), rt.out());
    assertTrue(Files.isRegularFile(refitRun.resolve("generator/model.bin")));
    assertTrue(!Files.exists(refitRun.resolve("generator/learning-curve.csv")));
    CliRun rr2 = run("train", "--data", d, "--preset", "tiny", "--run", rr, "--resume",
        "--threads", "1"); // recognised as a refit run from its checkpoint
    assertEquals(0, rr2.code(), rr2.err());
    assertTrue(rr2.out().contains("refit, seed 42 (resumed)"), rr2.out());
    CliRun re = run("eval", "--data", d, "--preset", "tiny", "--run", rr, "--beam", "5",
        "--threads", "1");
    assertEquals(0, re.code(), re.err());
    assertTrue(re.out().contains("refit run"), re.out());
    assertTrue(re.out().contains("generator (sequence, refit) test"), re.out());
    assertTrue(re.out().contains("ItemKNN"), re.out());
    assertTrue(!re.out().contains("validation  "), re.out()); // no validation rows
    CliRun mixedRefit = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--ensemble", rr,
        "--threads", "1");
    assertEquals(2, mixedRefit.code());
    assertTrue(mixedRefit.err().contains("run " + rr + " was trained with --refit but run " + r
        + " was not"), mixedRefit.err());
    // the plain run is not mistaken for a refit one
    assertTrue(!se.out().contains("refit"), se.out());
    alignAndEval(d, seqRun, rr);
  }

  /**
   * genrec align on a trained tiny run (sequence layout), its resume and eval --weights aligned;
   * a refit run is refused.
   */
  private static void alignAndEval(String d, Path runDir, String refitRun) throws IOException {
    String r = runDir.toString();
    CliRun refit = run("align", "--data", d, "--preset", "tiny", "--run", refitRun);
    assertEquals(2, refit.code());
    assertTrue(refit.err().contains("was trained with --refit"), refit.err());
    CliRun bad = run("align", "--data", d, "--preset", "tiny", "--run", r,
        "--reward-weights", "rel=1,fun=2");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown reward weight 'fun'"), bad.err());
    CliRun noNew = run("align", "--data", d, "--preset", "tiny", "--run", r,
        "--reward-weights", "new=1");
    assertEquals(2, noNew.code());
    assertTrue(noNew.err().contains("holds none out"), noNew.err());
    CliRun noAligned = run("eval", "--data", d, "--preset", "tiny", "--run", r,
        "--weights", "aligned");
    assertEquals(2, noAligned.code());
    assertTrue(noAligned.err().contains("run 'genrec align' first"), noAligned.err());

    CliRun a = run("align", "--data", d, "--preset", "tiny", "--run", r, "--steps", "4",
        "--rounds", "2", "--pairs-per-round", "8", "--users", "5", "--beta", "0.2",
        "--ce-weight", "0.1", "--reward-weights", "rel=1,hist=1", "--seed", "3",
        "--threads", "1", "--max-minutes", "5", "--validate-every", "2");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("with DPO: 4 steps in 2 rounds of 8 users"), a.out());
    assertTrue(a.out().contains("reward rel=1,div=0,new=0,hist=1"), a.out());
    assertTrue(a.out().contains("reward model (ItemKNN + Platt) on"), a.out());
    assertTrue(a.out().contains("AUC"), a.out());
    assertTrue(a.out().contains("aligned 4 steps"), a.out());
    assertTrue(a.out().contains("reference (step 0)"), a.out());
    assertTrue(a.err().contains("align round 2/2"), a.err());
    Path out = runDir.resolve("align");
    for (String f : new String[] {"model.bin", "model.json", "checkpoint.bin", "align-curve.csv",
        "reward-model.json", "reward.json"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertTrue(Files.readString(out.resolve("model.json")).contains("\"method\" : \"DPO\""));
    String alignCurve = Files.readString(out.resolve("align-curve.csv"));
    assertEquals(4, alignCurve.lines().count(), alignCurve); // header, steps 0, 2, 4
    assertTrue(alignCurve.startsWith("seconds,step,val_ndcg10,val_recall10,val_reward,"
        + "val_relevance,val_ild,val_new_share,val_history_share,"), alignCurve);

    CliRun again = run("align", "--data", d, "--preset", "tiny", "--run", r, "--resume",
        "--threads", "1", "--beta", "0.5");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(resumed)"), again.out());
    assertTrue(again.err().contains("--beta ignored"), again.err());

    CliRun e = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--beam", "6",
        "--threads", "1", "--weights", "aligned");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("generator (sequence, aligned) test"), e.out());
  }

  @Test
  void benchBeamMeasuresTheServedLayoutToo(@TempDir Path dir) throws Exception {
    String d = dir.resolve("data").toString();
    Path runDir = dir.resolve("run");
    String r = runDir.toString();
    assertEquals(0, run("data", "generate", "--out", d, "--preset", "tiny").code());
    assertEquals(0, run("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method",
        "rqkmeans").code());
    genrec.generator.model.GeneratorConfig tiny = genrec.generator.model.GeneratorConfig.tiny();
    String[] grid = {"--beams", "3", "--batches", "1,2", "--cache-only", "--seconds", "0.01",
        "--min-calls", "2", "--warmup", "1"};
    for (String layout : new String[] {"tiger", "sequence", "compact"}) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("bench", "beam",
          "--data", d, "--preset", "tiny", "--run", r, "--model", "tiny", "--layout", layout));
      args.addAll(java.util.List.of(grid));
      CliRun b = run(args.toArray(String[]::new));
      assertEquals(0, b.code(), b.err());
      int positions = tiny.historyWindow() * (layout.equals("tiger") ? tiny.levels() : 1);
      assertTrue(b.out().contains("tiny preset, " + layout + " layout (" + positions
          + " encoder positions)"), b.out());
      Path csv = runDir.resolve("bench").resolve(
          layout.equals("tiger") ? "beam.csv" : "beam-" + layout + ".csv");
      assertEquals(3, Files.readAllLines(csv).size(), csv.toString()); // header + 2 rows
      byte[] png = Files.readAllBytes(csv.resolveSibling(
          csv.getFileName().toString().replace(".csv", ".png")));
      assertTrue(png.length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
    }
    CliRun bad = run("bench", "beam", "--data", d, "--preset", "tiny", "--run", r, "--model",
        "tiny", "--layout", "flat");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("flat"), bad.err());
  }

  @Test
  void coldStartProtocolHoldsItemsOutOfTrainingAndMeasuresThem(@TempDir Path dir) {
    String d = dir.resolve("data").toString();
    String r = dir.resolve("run").toString();
    assertEquals(0, run("data", "generate", "--out", d, "--preset", "tiny").code());
    CliRun none = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--cold-items", "0.1");
    assertEquals(2, none.code());

    CliRun q = run("quantize", "--data", d, "--preset", "tiny", "--run", r, "--method",
        "rqkmeans", "--cold-items", "0.1", "--cold-seed", "5");
    assertEquals(0, q.code(), q.err());
    assertTrue(q.out().contains("cold-start protocol:"), q.out());
    genrec.generator.data.Dataset ds = genrec.generator.data.Datasets.load(Path.of(d), false,
        genrec.serving.config.Preset.load("tiny").data().synthetic());
    genrec.generator.data.ColdItems cold = genrec.generator.data.ColdItems.read(
        Path.of(r, "quantizer", genrec.generator.data.ColdItems.FILE), ds.catalog());
    assertEquals(Math.round(0.1 * ds.catalog().size()), cold.count());
    // every item, held out or not, has a semantic ID
    int[][] codes = genrec.serving.http.ModelFiles.itemCodes(ds, Path.of(r), "quantize");
    assertEquals(ds.catalog().size(), codes.length);

    CliRun t = run("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "20",
        "--threads", "1");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("items held out by 'quantize --cold-items 0.1' are not trained on"),
        t.out());
    // the generator was trained on the split without the held-out items' interactions
    genrec.generator.data.LeaveOneOutSplit split =
        cold.apply(genrec.generator.data.LeaveOneOutSplit.of(ds));
    try (genrec.generator.train.GeneratorModel m =
        genrec.serving.http.ModelFiles.loadGenerator(Path.of(r), codes)) {
      assertEquals(genrec.generator.train.TrainData.of(split, codes).dataFingerprint(),
          m.dataFingerprint());
    }
    CliRun refit = run("train", "--data", d, "--preset", "tiny", "--run", r, "--steps", "5",
        "--refit");
    assertEquals(2, refit.code());
    assertTrue(refit.err().contains("refit runs are not part of it"), refit.err());

    CliRun e = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--beam", "10",
        "--threads", "1", "--cold-items", "0.1");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("test users have one as target"), e.out());
    assertTrue(e.out().lines().anyMatch(l -> l.startsWith("ContentKNN") && l.contains("test-cold")),
        e.out());
    for (String row : new String[] {"test-cold", "test-warm", "without new items"}) {
      assertTrue(e.out().contains(row), e.out());
    }
    assertTrue(e.out().lines().anyMatch(l -> l.startsWith("ItemKNN") && l.contains("test-cold")
        && l.contains(" 0.0000    0.0000    0.0000    0.0000")), e.out());
    CliRun other = run("eval", "--data", d, "--preset", "tiny", "--run", r, "--cold-items", "0.2");
    assertEquals(2, other.code());
    assertTrue(other.err().contains("quantized with --cold-items 0.1"), other.err());
  }
}
