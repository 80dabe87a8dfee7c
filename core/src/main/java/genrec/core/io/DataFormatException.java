package genrec.core.io;

import java.nio.file.Path;

/**
 * Bad input, located precisely: the file, the 1-based line (0 when the problem is the file as a
 * whole) and the field, so a user can open the file and fix it.
 */
public final class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final long line;
  private final String field;

  public DataFormatException(Path file, long line, String field, String problem) {
    super(format(file, line, field, problem));
    this.file = file;
    this.line = line;
    this.field = field;
  }

  private static String format(Path file, long line, String field, String problem) {
    StringBuilder sb = new StringBuilder();
    sb.append(file == null ? "<input>" : file.toString());
    if (line > 0) {
      sb.append(':').append(line);
    }
    if (field != null && !field.isEmpty()) {
      sb.append(" field '").append(field).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, or 0 for a whole-file problem. */
  public long line() {
    return line;
  }

  public String field() {
    return field;
  }
}
