package genrec.core.train;

/** Why a {@link TrainingLoop} session stopped. */
public enum StopReason {
  /** All steps done. */
  DONE("done"),
  /** {@code patience} validations in a row without a better metric. */
  EARLY_STOPPING("early stopping"),
  /** The session's wall-time limit was reached. */
  TIME_LIMIT("time limit"),
  /** Ctrl-C (JVM shutdown): the current step was finished and a checkpoint written. */
  INTERRUPTED("interrupted"),
  /** The session's step limit was reached (a checkpoint to resume from was written). */
  STOP_AFTER("stop after");

  private final String text;

  StopReason(String text) {
    this.text = text;
  }

  /** The reason as people read it ("time limit"); {@link #STOP_AFTER} without its count. */
  public String text() {
    return text;
  }

  /** Whether a session that stopped so validates once more at its last step. */
  boolean validatesAtEnd() {
    return this == DONE || this == TIME_LIMIT;
  }
}
