package genrec.cascade.rerank;

import java.util.ArrayList;
import java.util.List;

/**
 * The greedy slot loop every re-ranker shares: for each slot, the eligible candidates (not yet
 * placed, allowed by every rule in force), the objective's best among them, and the fallback that
 * drops the least important rule for a slot when none is eligible (see the package documentation).
 */
final class SlateFiller {
  private SlateFiller() {}

  /** A re-ranker's per-call state: gains for the next slot, updated after each pick. */
  interface Objective {
    /**
     * Fills {@code out[i]} with the gain of placing candidate i in the next slot, for every i
     * (values of placed candidates are ignored). One call per slot: the slot loop then reads a
     * plain array.
     */
    void gains(Slate slate, double[] out);

    /** Candidate {@code j} took slot {@code slate.size() - 1}; update the state. */
    void picked(int j, Slate slate, List<String> notes);
  }

  static RerankResult fill(Candidates candidates, int k, List<Rule> rules, Objective objective) {
    requireK(k);
    List<Rule> rs = List.copyOf(rules);
    int n = candidates.size();
    int target = Math.min(k, n);
    List<String> notes = new ArrayList<>();
    for (Rule r : rs) {
      String note = r.check(candidates, target);
      if (note != null) {
        notes.add(note);
      }
    }
    Slate slate = new Slate(candidates, target);
    double[] gains = new double[n];
    int relaxed = 0;
    for (int slot = 0; slot < target; slot++) {
      objective.gains(slate, gains);
      int inForce = rs.size();
      int best = best(slate, rs, inForce, gains);
      while (best < 0) {
        inForce--;
        relaxed++;
        notes.add("slot " + slot + ": no candidate met every rule; relaxed " + rs.get(inForce).describe());
        best = best(slate, rs, inForce, gains);
      }
      slate.add(best);
      objective.picked(best, slate, notes);
    }
    int[] order = slate.picks();
    List<String> ids = new ArrayList<>(order.length);
    for (int i : order) {
      ids.add(candidates.id(i));
    }
    return new RerankResult(order, ids, notes, relaxed);
  }

  private static int best(Slate slate, List<Rule> rules, int inForce, double[] gains) {
    int n = gains.length;
    int best = -1;
    double bestGain = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (slate.contains(i) || (inForce > 0 && !allowed(slate, rules, inForce, i))) {
        continue;
      }
      double g = gains[i];
      if (best < 0 || g > bestGain) {
        best = i;
        bestGain = g;
      }
    }
    return best;
  }

  private static boolean allowed(Slate slate, List<Rule> rules, int inForce, int i) {
    for (int r = 0; r < inForce; r++) {
      if (!rules.get(r).allows(slate, i)) {
        return false;
      }
    }
    return true;
  }

  static void requireK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k=" + k + " must be >= 1");
    }
  }

  /** Theta must lie in [0, 1] ({@code max} = 1) or [0, 1) ({@code max} exclusive). */
  static double requireTheta(double theta, boolean oneAllowed) {
    if (!(theta >= 0) || theta > 1 || (!oneAllowed && theta == 1)) {
      throw new IllegalArgumentException("theta=" + theta + " must be in [0, 1" + (oneAllowed ? "]" : ")"));
    }
    return theta;
  }

  static int requireWindow(int window) {
    if (window < 0) {
      throw new IllegalArgumentException("window=" + window + " must be >= 0 (0: the whole slate)");
    }
    return window;
  }

  static Similarity requireSimilarity(Candidates c, String who) {
    if (c.similarity() == null) {
      throw new IllegalArgumentException(who + " needs candidates with a similarity");
    }
    return c.similarity();
  }
}
