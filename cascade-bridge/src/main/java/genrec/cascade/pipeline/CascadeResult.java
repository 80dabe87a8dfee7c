package genrec.cascade.pipeline;

import java.util.List;
import java.util.Map;

/**
 * The {@link Pipeline}'s answer to one {@link CascadeRequest}.
 *
 * @param slots the items, slot by slot
 * @param candidates the merged list's size
 * @param filtered candidates left out as already shown
 * @param stageNanos time per stage ({@code generate} when the pipeline searched itself, {@code
 *     exposure}, {@code recall}, {@code rank} when it ran, {@code rerank}), in stage order
 * @param notes what did not go as asked
 * @param reranker the re-ranker as it ran, e.g. {@code mmr(theta=0.5, window=0)}
 */
public record CascadeResult(List<Slot> slots, int candidates, int filtered,
    Map<String, Long> stageNanos, List<String> notes, String reranker) {
  public CascadeResult {
    slots = List.copyOf(slots);
    stageNanos = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageNanos));
    notes = List.copyOf(notes);
  }

  /** The returned items, in order. */
  public int[] items() {
    return slots.stream().mapToInt(Slot::item).toArray();
  }

  /** Whether the ranking stage ran. */
  public boolean ranked() {
    return stageNanos.containsKey("rank");
  }

  /**
   * One returned item.
   *
   * @param item dense item index
   * @param channel the channel whose quota admitted it
   * @param recall that channel's own score
   * @param rank the ranker's score, NaN without the ranking stage
   * @param rerank the score the re-ranker read (ranker or fusion, plus a cold-start boost)
   * @param fresh whether the cold-start stage treated it as new
   */
  public record Slot(int item, String channel, float recall, float rank, double rerank,
      boolean fresh) {}
}
