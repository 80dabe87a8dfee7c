package genrec.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptimiserChecksTest {
  @Test
  void everyBadValueIsNamedOnce() {
    StringBuilder bad = new StringBuilder();
    OptimiserChecks.check(bad, -1, 0f, -0.1f, 1f, -0.5f, 0f, Float.NaN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimiserChecks.throwIfAny(bad));
    assertEquals("batchSize=-1 is required; learningRate=0.0 must be > 0; weightDecay=-0.1 "
        + "must be >= 0; beta1=1.0 must be in [0, 1); beta2=-0.5 must be in [0, 1); "
        + "epsilon=0.0 must be > 0; clipNorm=NaN must be >= 0 (0 = off)", e.getMessage());
    StringBuilder good = new StringBuilder();
    OptimiserChecks.check(good, 64, 1e-3f, 0f, 0.9f, 0.999f, 1e-8f, 0f);
    assertEquals("", good.toString());
    OptimiserChecks.throwIfAny(good); // nothing to throw
  }
}
