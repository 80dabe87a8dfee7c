package genrec.generator.decode;

/**
 * Which code may come next during decoding, and which item a finished code path names.
 * Implementations must be safe for concurrent readers.
 */
public interface DecodeConstraint {

  /** Codes per item (decoder steps). */
  int levels();

  /** Codes per level K. */
  int codebookSize();

  /** Items currently known; item indices are {@code [0, numItems())}. */
  int numItems();

  /**
   * Codes allowed after {@code prefix}, ascending.
   *
   * @param prefix the codes chosen so far (length = the level being decoded, < levels)
   * @return allowed codes in {@code [0, codebookSize)}; empty if the prefix is a dead end
   */
  int[] allowedNext(int[] prefix);

  /** The item whose codes are exactly {@code path} (length levels), or -1 for none. */
  int itemOf(int[] path);
}
