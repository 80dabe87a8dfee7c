package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.tensor.TensorFile;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlignRewardTest {
  private static EvalCase user(int u) {
    return new EvalCase(u, new int[] {u}, u + 1);
  }

  @Test
  void calibrationLeavesOutTheValidationSubset() {
    List<EvalCase> all = List.of(user(0), user(1), user(2), user(3));
    // the subset's cases are other objects of the same users: users are matched, not cases
    assertEquals(List.of(all.get(1), all.get(3)),
        AlignReward.calibrationCases(all, List.of(user(0), user(2))));
    // a subset of every user leaves nothing: calibrate on all of them
    assertEquals(all, AlignReward.calibrationCases(all, all));
  }

  @Test
  void aNewRunWritesTheRewardAndAResumedRunReadsItBack(@TempDir Path dir) throws Exception {
    LeaveOneOutSplit split = AlignFixtures.split();
    RewardWeights w = RewardWeights.parse("rel=1,div=0.5,new=0,hist=1");
    BitSet fresh = new BitSet();
    fresh.set(3);
    fresh.set(7);
    Path out = dir.resolve("align");
    KnnRewardModel fit = AlignReward.fit(out, split, AlignConfig.tiny(), 42, w, fresh, true, 1);
    assertTrue(Files.isRegularFile(out.resolve(AlignReward.MODEL_FILE)));
    var json = TensorFile.JSON.readTree(Files.readString(out.resolve(AlignReward.FILE)));
    assertEquals(w.toString(), json.path("weights").asText());
    assertEquals(2, json.path("newItems").asInt());
    assertTrue(json.path("vectors").asBoolean());
    assertEquals(w.toString(), AlignReward.savedWeights(out).toString());
    KnnRewardModel back = AlignReward.load(out, split, 1);
    assertEquals(fit.calibration().summary(), back.calibration().summary());
    try (var files = Files.list(out)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp")));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AlignReward.savedWeights(dir.resolve("none")));
    assertTrue(e.getMessage().startsWith("cannot resume: ") && e.getMessage().endsWith(
        AlignReward.FILE + " is missing or unreadable"), e.getMessage());
  }
}
