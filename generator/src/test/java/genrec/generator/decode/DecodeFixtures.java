package genrec.generator.decode;

import ai.djl.ndarray.NDManager;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.TestModels;
import java.util.Random;

/** A tiny random-weight model and a catalogue whose codes share prefixes (a bushy trie). */
final class DecodeFixtures {
  private DecodeFixtures() {}

  static GeneratorConfig config() {
    return GeneratorConfig.tiny().toBuilder().optHistoryWindow(5).build();
  }

  static SidTransformer model(NDManager weights) {
    return TestModels.randomModel(config(), weights, 2024, 0.5f);
  }

  /**
   * {@code n} distinct items whose first three codes come from few values (so prefixes are
   * shared) and whose last code is a dedup counter.
   */
  static int[][] clusteredCodes(int n, long seed) {
    Random r = new Random(seed);
    int[][] codes = new int[n][];
    java.util.Map<String, Integer> dedup = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      int a = r.nextInt(4);
      int b = 10 + r.nextInt(3);
      int c = 100 + r.nextInt(3);
      String key = a + "," + b + "," + c;
      int d = dedup.merge(key, 1, Integer::sum) - 1;
      codes[i] = new int[] {a, b, c, d};
    }
    return codes;
  }
}
