package genrec.cascade.pipeline;

import genrec.cascade.recall.MergedCandidates;

/**
 * The ranking stage of the cascade: scores a user's merged candidate list (the hook a trained
 * ranker plugs into; the server's {@code ServingModel.setScorer}). Absent by default, and then the re-ranker
 * reads the reciprocal-rank fusion of the recall channels instead. Implementations are
 * thread-safe: the cascade calls them from several worker threads at once, never on the event
 * loop.
 */
public interface CandidateScorer {
  /**
   * One score per candidate, in the list's order, higher is better, every one finite.
   *
   * @param history the user's items (dense indices, oldest first), within the history window;
   *     indices at or beyond the dataset's item count are items added live
   * @param candidates the merged list, with every channel's score and rank of each item
   */
  float[] score(int[] history, MergedCandidates candidates);

  /** A short name for the response's notes and logs, e.g. {@code "mmoe(run 12)"}. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
