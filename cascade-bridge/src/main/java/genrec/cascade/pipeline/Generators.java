package genrec.cascade.pipeline;

import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GeneratorMixture;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The generator stage: one trained generator, or the equal-weight mixture of several (each
 * decoding its own semantic-ID table), searched in batches. A mixture is ranked as {@code genrec
 * eval --ensemble} ranks it ({@link GeneratorMixture#combine}); reported codes are the first
 * member's. The searches are built once per (beam width, history exclusion) and cached. Does not
 * own the models: close them yourself. Thread-safe.
 */
public final class Generators {
  private final List<GeneratorModel> models;
  private final List<PrefixTrie> tries;
  private final IntSupplier numItems;
  private final List<Map<Long, BeamSearch>> searches = new ArrayList<>();

  /**
   * @param models the members, in order (the first one's codes are reported)
   * @param tries each member's decoding trie, same order
   * @param numItems the items served now (a server's count grows with live additions)
   */
  public Generators(List<GeneratorModel> models, List<PrefixTrie> tries, IntSupplier numItems) {
    if (models.isEmpty() || models.size() != tries.size()) {
      throw new IllegalArgumentException(models.size() + " generators and " + tries.size()
          + " tries: need one trie per generator, at least one");
    }
    this.models = List.copyOf(models);
    this.tries = List.copyOf(tries);
    this.numItems = Objects.requireNonNull(numItems, "numItems");
    for (int i = 0; i < models.size(); i++) {
      searches.add(new ConcurrentHashMap<>());
    }
  }

  /** One generator over one trie. */
  public static Generators of(GeneratorModel model, PrefixTrie trie) {
    return new Generators(List.of(model), List.of(trie), trie::numItems);
  }

  public int members() {
    return models.size();
  }

  /** The first member's trie (its codes are the reported ones). */
  public PrefixTrie trie() {
    return tries.get(0);
  }

  /** Member {@code m}'s search with these settings (built on first use). */
  public BeamSearch search(int m, int beam, boolean excludeHistory) {
    long key = ((long) beam << 1) | (excludeHistory ? 1 : 0);
    return searches.get(m).computeIfAbsent(key, x -> models.get(m).beamSearch(tries.get(m))
        .optBeamWidth(beam).optExcludeHistory(excludeHistory).build());
  }

  /**
   * Top-{@code topK} items for each history in one batched search per member.
   *
   * @param histories item indices, oldest first, each non-empty
   */
  public List<BeamResult> search(int[][] histories, int topK, int beam, boolean excludeHistory) {
    if (models.size() == 1) {
      return search(0, beam, excludeHistory).search(histories, null, topK);
    }
    // the rule eval --ensemble uses with k = 10: a request with k <= 10 is ranked as eval ranks it
    int perMember = GeneratorMixture.proposalsPerMember(topK, beam, numItems.getAsInt());
    List<List<BeamResult>> byMember = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      byMember.add(search(m, beam, excludeHistory).search(histories, null, perMember));
    }
    List<BeamResult> out = new ArrayList<>(histories.length);
    for (int h = 0; h < histories.length; h++) {
      List<BeamResult> perUser = new ArrayList<>(models.size());
      for (List<BeamResult> r : byMember) {
        perUser.add(r.get(h));
      }
      out.add(GeneratorMixture.combine(perUser, topK, tries.get(0)::codesOf));
    }
    return out;
  }

  /** Closes the cached searches (not the models). */
  public void closeSearches() {
    for (Map<Long, BeamSearch> m : searches) {
      m.values().forEach(BeamSearch::close);
      m.clear();
    }
  }
}
