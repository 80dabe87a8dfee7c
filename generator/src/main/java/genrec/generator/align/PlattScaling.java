package genrec.generator.align;

import java.util.Arrays;

/**
 * Platt scaling: {@code p = σ(a·x + b)} fitted by Newton's method on labelled scores, with
 * Platt's smoothed targets ({@code (N₊+1)/(N₊+2)} for positives, {@code 1/(N₋+2)} for
 * negatives) so that separable data still has a finite optimum. Also the two numbers that judge
 * a calibrated score on held-out pairs: log-loss and AUC.
 *
 * @param a slope
 * @param b intercept
 */
public record PlattScaling(double a, double b) {

  public PlattScaling {
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      throw new IllegalArgumentException("Platt coefficients a=" + a + ", b=" + b
          + " must be finite");
    }
  }

  /** The calibrated probability of score {@code x}. */
  public double probability(double x) {
    return sigmoid(a * x + b);
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /**
   * Fits {@code a, b} to scores {@code x} with labels {@code y}.
   *
   * @throws IllegalArgumentException when the lengths differ or a class is missing
   */
  public static PlattScaling fit(double[] x, boolean[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " scores for " + y.length + " labels");
    }
    int pos = 0;
    for (boolean v : y) {
      pos += v ? 1 : 0;
    }
    int neg = y.length - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("Platt scaling needs positives and negatives (got "
          + pos + " and " + neg + ")");
    }
    double hi = (pos + 1.0) / (pos + 2.0);
    double lo = 1.0 / (neg + 2.0);
    double a = 0;
    double b = Math.log((pos + 1.0) / (neg + 1.0));
    double prev = Double.POSITIVE_INFINITY;
    for (int it = 0; it < 100; it++) {
      double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0, loss = 0;
      for (int i = 0; i < x.length; i++) {
        double t = y[i] ? hi : lo;
        double p = sigmoid(a * x[i] + b);
        loss -= t * Math.log(Math.max(p, 1e-300)) + (1 - t) * Math.log(Math.max(1 - p, 1e-300));
        double d = p - t;
        ga += d * x[i];
        gb += d;
        double w = Math.max(p * (1 - p), 1e-12);
        haa += w * x[i] * x[i];
        hab += w * x[i];
        hbb += w;
      }
      haa += 1e-9; // keeps the Hessian invertible when every x is equal
      hbb += 1e-9;
      double det = haa * hbb - hab * hab;
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      // a damped step: halve until the loss does not grow
      double step = 1;
      double na = a - da;
      double nb = b - db;
      while (step > 1e-6 && smoothedLoss(x, y, hi, lo, na, nb) > loss + 1e-12) {
        step /= 2;
        na = a - step * da;
        nb = b - step * db;
      }
      a = na;
      b = nb;
      if (Math.abs(prev - loss) < 1e-10 * Math.max(1, loss)) {
        break;
      }
      prev = loss;
    }
    return new PlattScaling(a, b);
  }

  private static double smoothedLoss(double[] x, boolean[] y, double hi, double lo, double a,
      double b) {
    double loss = 0;
    for (int i = 0; i < x.length; i++) {
      double t = y[i] ? hi : lo;
      double p = sigmoid(a * x[i] + b);
      loss -= t * Math.log(Math.max(p, 1e-300)) + (1 - t) * Math.log(Math.max(1 - p, 1e-300));
    }
    return loss;
  }

  /** Mean {@code −[y log p + (1 − y) log(1 − p)]} with hard labels. */
  public static double logLoss(double[] p, boolean[] y) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
      s -= y[i] ? Math.log(q) : Math.log(1 - q);
    }
    return p.length == 0 ? Double.NaN : s / p.length;
  }

  /**
   * Area under the ROC curve: the chance that a random positive scores above a random negative,
   * ties counting one half (Mann-Whitney).
   */
  public static double auc(double[] score, boolean[] y) {
    int n = score.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (p, q) -> Double.compare(score[p], score[q]));
    double rankSumPos = 0;
    long pos = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // 1-based average rank of the tie group
      for (int k = i; k <= j; k++) {
        if (y[order[k]]) {
          rankSumPos += midRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
