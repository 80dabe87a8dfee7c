package genrec.cascade.rerank;

/**
 * A business rule: restricts which candidates may take the next slot of a slate. Rules act before
 * the re-ranker picks each slot; the re-ranker then picks the best of the candidates every rule
 * allows. Implementations are immutable and thread-safe.
 */
public interface Rule {
  /**
   * Whether {@code candidate} may take slot {@link Slate#size()} of {@code slate}.
   *
   * @param slate the slots filled so far
   * @param candidate a candidate index, not yet in the slate
   */
  boolean allows(Slate slate, int candidate);

  /**
   * A note when this rule cannot act on these candidates at all (e.g. a pinned item that is not
   * among them), recorded once in the result; null when it can.
   */
  default String check(Candidates candidates, int k) {
    return null;
  }

  /** How the rule reads in a note ({@code "max 2 consecutive by category"}). */
  String describe();
}
