package genrec.generator.decode;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Beam bookkeeping for U users, kept on the Java side: per decoding row its code path so far
 * and its summed log-probability. Rows are user-major with W rows per user (W = 1 before the
 * first step). A row with score {@code -Infinity} is dead (its user had fewer live candidates
 * than W) and never produces candidates. Not thread-safe. Legend in {@link
 * genrec.generator.decode}.
 */
public final class BeamState {
  private final int users;
  private final int levels;
  private int width = 1;
  private int level;
  private int[][] paths;
  private float[] scores;

  private BeamState(int users, int levels) {
    this.users = users;
    this.levels = levels;
    this.paths = new int[users][levels];
    this.scores = new float[users];
  }

  /** One empty live row per user. */
  public static BeamState start(int users, int levels) {
    if (users < 1) {
      throw new IllegalArgumentException("users=" + users + " must be >= 1");
    }
    return new BeamState(users, levels);
  }

  public int users() {
    return users;
  }

  /** Rows per user W. */
  public int width() {
    return width;
  }

  /** Rows N = U·W. */
  public int rows() {
    return users * width;
  }

  /** Codes decoded so far per row (t). */
  public int level() {
    return level;
  }

  public float score(int row) {
    return scores[row];
  }

  /** The first {@link #level()} codes of {@code row}. */
  public int[] prefix(int row) {
    return Arrays.copyOf(paths[row], level);
  }

  /** The user of every row. */
  public int[] userOfRows() {
    int[] u = new int[rows()];
    for (int r = 0; r < u.length; r++) {
      u[r] = r / width;
    }
    return u;
  }

  /**
   * Extends every live row by every allowed code, keeps the best {@code newWidth} candidates per
   * user (ties: lower parent row, then lower code) and returns each new row's parent row.
   *
   * @param logProbs row-major {@code (N, K)} log-probabilities of level {@link #level()}
   * @param k codebook size K
   * @param constraint allowed codes and, at the last level, path → item
   * @param newWidth rows per user after this step
   * @param excluded per user the items never to finish on (null for none)
   * @return parent row of each of the {@code U·newWidth} new rows
   */
  public int[] advance(float[] logProbs, int k, DecodeConstraint constraint, int newWidth,
      BitSet[] excluded) {
    if (level >= levels) {
      throw new IllegalStateException("all " + levels + " levels are decoded");
    }
    if (logProbs.length != rows() * k) {
      throw new IllegalArgumentException(
          logProbs.length + " log-probabilities, expected " + rows() + " rows × " + k);
    }
    boolean last = level == levels - 1;
    int[] parents = new int[users * newWidth];
    int[][] newPaths = new int[users * newWidth][];
    float[] newScores = new float[users * newWidth];
    int[] path = new int[levels];
    for (int u = 0; u < users; u++) {
      int cap = width * k;
      float[] cs = new float[cap];
      int[] cr = new int[cap];
      int[] cc = new int[cap];
      int n = 0;
      for (int r = u * width; r < (u + 1) * width; r++) {
        if (scores[r] == Float.NEGATIVE_INFINITY) {
          continue;
        }
        System.arraycopy(paths[r], 0, path, 0, level);
        for (int code : constraint.allowedNext(prefix(r))) {
          float s = scores[r] + logProbs[r * k + code];
          if (Float.isNaN(s) || s == Float.NEGATIVE_INFINITY) {
            continue;
          }
          if (last && excluded != null && excluded[u] != null) {
            path[level] = code;
            int item = constraint.itemOf(path);
            if (item >= 0 && excluded[u].get(item)) {
              continue;
            }
          }
          cs[n] = s;
          cr[n] = r;
          cc[n] = code;
          n++;
        }
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> {
        int c = Float.compare(cs[b], cs[a]);
        if (c != 0) {
          return c;
        }
        c = Integer.compare(cr[a], cr[b]);
        return c != 0 ? c : Integer.compare(cc[a], cc[b]);
      });
      for (int j = 0; j < newWidth; j++) {
        int row = u * newWidth + j;
        if (j < n) {
          int c = order[j];
          parents[row] = cr[c];
          newPaths[row] = paths[cr[c]].clone();
          newPaths[row][level] = cc[c];
          newScores[row] = cs[c];
        } else { // dead row: fewer live candidates than rows
          parents[row] = u * width;
          newPaths[row] = paths[u * width].clone();
          newScores[row] = Float.NEGATIVE_INFINITY;
        }
      }
    }
    paths = newPaths;
    scores = newScores;
    width = newWidth;
    level++;
    return parents;
  }

  /** The code each row chose at the latest level. */
  public int[] lastCodes() {
    if (level == 0) {
      throw new IllegalStateException("no level decoded yet");
    }
    int[] c = new int[rows()];
    for (int r = 0; r < c.length; r++) {
      c[r] = paths[r][level - 1];
    }
    return c;
  }

  /** After the last level: per user its live rows, best first, mapped to items. */
  public BeamResult[] results(DecodeConstraint constraint) {
    if (level != levels) {
      throw new IllegalStateException("decoded " + level + " of " + levels + " levels");
    }
    BeamResult[] out = new BeamResult[users];
    for (int u = 0; u < users; u++) {
      int live = 0;
      while (live < width && scores[u * width + live] != Float.NEGATIVE_INFINITY) {
        live++;
      }
      int[] items = new int[live];
      float[] s = new float[live];
      int[][] p = new int[live][];
      for (int j = 0; j < live; j++) {
        int r = u * width + j;
        p[j] = paths[r].clone();
        s[j] = scores[r];
        items[j] = constraint.itemOf(p[j]);
      }
      out[u] = new BeamResult(items, s, p);
    }
    return out;
  }
}
