package genrec.generator.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wall time of each phase of beam-search calls, recorded per call so a benchmark can report
 * medians (the engine runs every op synchronously on the CPU, so a phase's time is its ops'
 * time). Pass one to {@link BeamSearch#search(int[][], long[], int, SearchPhases)}; not
 * thread-safe.
 */
public final class SearchPhases {
  /** The phases of one call, in call order. */
  public enum Phase {
    /** History tokens built, encoder forward pass. */
    ENCODE("encode"),
    /** Cross-attention keys/values of every layer from the encoder memory; KV cache allocated. */
    MEMORY("cross-kv"),
    /** The decoder steps (one per level), up to their logits. */
    DECODE("decode"),
    /** Log-softmax of the logits, copied to Java, and the constrained top-W per user. */
    SELECT("select"),
    /** The KV cache reordered by parent row after each step but the last. */
    REORDER("reorder");

    private final String label;

    Phase(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final int N = Phase.values().length;
  private final List<long[]> calls = new ArrayList<>();
  private long[] current;

  /** Starts recording a new call. */
  void beginCall() {
    current = new long[N];
    calls.add(current);
  }

  /** Adds {@code nanos} to {@code phase} of the current call. */
  void add(Phase phase, long nanos) {
    current[phase.ordinal()] += nanos;
  }

  /** Calls recorded. */
  public int calls() {
    return calls.size();
  }

  /** Median over the recorded calls of {@code phase}'s time per call, in milliseconds. */
  public double medianMs(Phase phase) {
    if (calls.isEmpty()) {
      return Double.NaN;
    }
    long[] v = new long[calls.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = calls.get(i)[phase.ordinal()];
    }
    Arrays.sort(v);
    return v[(v.length - 1) / 2] / 1e6;
  }
}
