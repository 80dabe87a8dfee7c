package genrec.generator.decode;

/**
 * Allows every code at every level. Only for measuring how often free decoding produces paths
 * that name no item (invalid rate); full paths are still mapped to items through the catalogue.
 */
public final class Unconstrained implements DecodeConstraint {
  private final PrefixTrie catalogue;
  private final int[] all;

  public Unconstrained(PrefixTrie catalogue) {
    this.catalogue = catalogue;
    this.all = new int[catalogue.codebookSize()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
  }

  @Override
  public int levels() {
    return catalogue.levels();
  }

  @Override
  public int codebookSize() {
    return catalogue.codebookSize();
  }

  @Override
  public int numItems() {
    return catalogue.numItems();
  }

  @Override
  public int[] allowedNext(int[] prefix) {
    return all.clone();
  }

  @Override
  public int itemOf(int[] path) {
    return catalogue.itemOf(path);
  }
}
