package genrec.generator.model;

import java.util.Map;

/**
 * A slow, loop-by-loop re-implementation of {@link SidTransformer} on plain float arrays, the
 * known answer for the fixed-weight forward test. Reads weights by their DJL parameter names.
 */
final class ReferenceTransformer {
  private final GeneratorConfig c;
  private final Map<String, float[]> w;

  ReferenceTransformer(GeneratorConfig c, Map<String, float[]> w) {
    this.c = c;
    this.w = w;
  }

  /** Logits [T][K] of one user: encoder ids (S·G, row-major) and decoder ids (T). */
  float[][] logits(int[] encIds, int[] decIds) {
    int s = c.encoderLength();
    int g = c.tokensPerPosition();
    int d = c.dModel();
    float[] table = w.get("tokens_weight");
    float[][] x = new float[s][d];
    boolean[] real = new boolean[s];
    float[] pos = w.get("encoder_positions_weight");
    for (int p = 0; p < s; p++) {
      for (int j = 0; j < g; j++) {
        int id = encIds[p * g + j];
        if (id != SidVocabulary.PAD) {
          real[p] = true;
          for (int k = 0; k < d; k++) {
            x[p][k] += table[id * d + k];
          }
        }
      }
      for (int k = 0; k < d; k++) {
        x[p][k] += pos[p * d + k];
      }
    }
    for (int l = 0; l < c.encoderLayers(); l++) {
      String n = "encoder_layer" + l + "_";
      float[][] h = rms(x, n + "norm1_gamma");
      add(x, attention(h, h, real, c.causalEncoder(), n + "selfAttention_"));
      h = rms(x, n + "norm2_gamma");
      add(x, mlp(h, n + "feedForward_"));
    }
    float[][] memory = rms(x, "encoder_finalNorm_gamma");

    int t = decIds.length;
    float[][] y = new float[t][d];
    float[] dpos = w.get("decoder_positions_weight");
    for (int i = 0; i < t; i++) {
      for (int k = 0; k < d; k++) {
        y[i][k] = table[decIds[i] * d + k] + dpos[i * d + k];
      }
    }
    boolean[] all = new boolean[t];
    java.util.Arrays.fill(all, true);
    for (int l = 0; l < c.decoderLayers(); l++) {
      String n = "decoder_layer" + l + "_";
      float[][] h = rms(y, n + "norm1_gamma");
      add(y, attention(h, h, all, true, n + "selfAttention_"));
      h = rms(y, n + "norm2_gamma");
      add(y, attention(h, memory, real, false, n + "crossAttention_"));
      h = rms(y, n + "norm3_gamma");
      add(y, mlp(h, n + "feedForward_"));
    }
    float[][] out = rms(y, "decoder_finalNorm_gamma");
    float[][] logits = new float[t][];
    for (int i = 0; i < t; i++) {
      logits[i] = linear(out[i], "head" + i + "_weight");
    }
    return logits;
  }

  private float[][] attention(float[][] xq, float[][] xkv, boolean[] keyReal, boolean causal,
      String n) {
    int h = c.heads();
    int dh = c.headDim();
    int tq = xq.length;
    int tk = xkv.length;
    float[][] q = new float[tq][];
    float[][] k = new float[tk][];
    float[][] v = new float[tk][];
    for (int i = 0; i < tq; i++) {
      q[i] = linear(xq[i], n + "query_weight");
    }
    for (int j = 0; j < tk; j++) {
      k[j] = linear(xkv[j], n + "key_weight");
      v[j] = linear(xkv[j], n + "value_weight");
    }
    float[][] out = new float[tq][];
    for (int i = 0; i < tq; i++) {
      float[] ctx = new float[h * dh];
      for (int hh = 0; hh < h; hh++) {
        double[] sc = new double[tk];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
          double dot = 0;
          for (int e = 0; e < dh; e++) {
            dot += q[i][hh * dh + e] * k[j][hh * dh + e];
          }
          sc[j] = dot / Math.sqrt(dh);
          if (!keyReal[j] || (causal && j > i)) {
            sc[j] += MultiHeadAttention.MASKED;
          }
          max = Math.max(max, sc[j]);
        }
        double z = 0;
        for (int j = 0; j < tk; j++) {
          sc[j] = Math.exp(sc[j] - max);
          z += sc[j];
        }
        for (int j = 0; j < tk; j++) {
          for (int e = 0; e < dh; e++) {
            ctx[hh * dh + e] += (float) (sc[j] / z * v[j][hh * dh + e]);
          }
        }
      }
      out[i] = linear(ctx, n + "output_weight");
    }
    return out;
  }

  private float[][] mlp(float[][] x, String n) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      float[] hid = linear(x[i], n + "in_weight");
      for (int j = 0; j < hid.length; j++) {
        hid[j] = Math.max(0f, hid[j]);
      }
      out[i] = linear(hid, n + "out_weight");
    }
    return out;
  }

  /** y = W x with W stored (out, in) as DJL's Linear does. */
  private float[] linear(float[] x, String name) {
    float[] wt = w.get(name);
    if (wt == null) {
      throw new IllegalStateException("no parameter " + name + " in " + w.keySet());
    }
    int in = x.length;
    int out = wt.length / in;
    float[] y = new float[out];
    for (int o = 0; o < out; o++) {
      double acc = 0;
      for (int i = 0; i < in; i++) {
        acc += wt[o * in + i] * x[i];
      }
      y[o] = (float) acc;
    }
    return y;
  }

  private float[][] rms(float[][] x, String name) {
    float[] gamma = w.get(name);
    float[][] out = new float[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
      double ms = 0;
      for (float v : x[i]) {
        ms += v * v;
      }
      ms /= x[i].length;
      double inv = 1.0 / Math.sqrt(ms + c.normEps());
      for (int k = 0; k < x[i].length; k++) {
        out[i][k] = (float) (x[i][k] * inv * gamma[k]);
      }
    }
    return out;
  }

  private static void add(float[][] x, float[][] delta) {
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < x[i].length; k++) {
        x[i][k] += delta[i][k];
      }
    }
  }
}
