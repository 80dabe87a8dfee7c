package genrec.generator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.train.TrainData;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainedOnTest {
  private static final int[][] CODES = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  private static final LeaveOneOutSplit SPLIT = new LeaveOneOutSplit(4,
      List.of(new int[] {0, 1}, new int[] {2}),
      List.of(new EvalCase(0, new int[] {0, 1}, 2), new EvalCase(1, new int[] {2}, 3)),
      List.of(new EvalCase(0, new int[] {0, 1, 2}, 3), new EvalCase(1, new int[] {2, 3}, 0)), 0);

  @Test
  void refitDataIsRecognisedAndTrainingDataIsNot() {
    String refit = TrainData.refit(SPLIT, CODES).dataFingerprint();
    String plain = TrainData.of(SPLIT, CODES).dataFingerprint();
    assertEquals(TrainedOn.TRAINING_AND_VALIDATION, TrainedOn.of(refit, SPLIT, CODES));
    assertTrue(TrainedOn.of(refit, SPLIT, CODES).refit());
    assertEquals(TrainedOn.TRAINING, TrainedOn.of(plain, SPLIT, CODES));
    assertFalse(TrainedOn.of(plain, SPLIT, CODES).refit());
    // a generator trained on other data (another dataset, held-out items removed) is not refit
    assertEquals(TrainedOn.TRAINING, TrainedOn.of("0123abcd", SPLIT, CODES));
  }

  @Test
  void codesOfAnotherCatalogueAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> TrainedOn.of("x", SPLIT, new int[][] {{0}, {1}}));
  }
}
