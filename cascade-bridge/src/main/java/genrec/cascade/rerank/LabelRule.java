package genrec.cascade.rerank;

/**
 * Shared parts of the rules that count candidates by a label's value: the label, an optional
 * single value the rule is limited to, and the note when the candidates lack the label.
 */
abstract class LabelRule implements Rule {
  final String label;
  final String value; // null: every value

  LabelRule(String label, String value) {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("label is empty");
    }
    if (value != null && value.isEmpty()) {
      throw new IllegalArgumentException("value is empty (null: every value)");
    }
    this.label = label;
    this.value = value;
  }

  /** The code the rule counts for {@code candidate}, or NO_LABEL when it does not apply to it. */
  final int countedCode(Candidates c, int candidate) {
    int code = c.labelCode(label, candidate);
    if (code == Candidates.NO_LABEL || value == null) {
      return code;
    }
    return code == c.codeOf(label, value) ? code : Candidates.NO_LABEL;
  }

  /** How many of slots [from, to) hold a candidate with label code {@code code}. */
  static int count(Slate slate, String label, int code, int from, int to) {
    int hits = 0;
    for (int s = Math.max(0, from); s < to; s++) {
      if (slate.candidates().labelCode(label, slate.at(s)) == code) {
        hits++;
      }
    }
    return hits;
  }

  final String of() {
    return value == null ? "by " + label : "of " + label + "=" + value;
  }

  @Override
  public String check(Candidates candidates, int k) {
    return candidates.hasLabel(label) ? null
        : "candidates have no label '" + label + "': " + describe() + " has no effect";
  }

  static int requireAtLeast(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + "=" + v + " must be >= " + min);
    }
    return v;
  }
}
