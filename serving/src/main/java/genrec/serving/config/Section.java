package genrec.serving.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One section of a preset file ({@code generator:}, {@code train:}, {@code align:}) read key by
 * key, each key with its line, so that an unknown key or a bad value is an error naming the file,
 * the line and the key ({@code configs/mine.yaml:41 field 'generator.dModel'}). A key left out
 * takes the default the section's builder documents.
 */
final class Section {
  /** The attribute of the Jackson reader that holds the file being read. */
  static final String FILE = "genrec.preset.file";

  private record Value(JsonNode node, int line) {}

  private final String name;
  private final Path file;
  private final int line;
  private final Map<String, Value> values;

  private Section(String name, Path file, int line, Map<String, Value> values) {
    this.name = name;
    this.file = file;
    this.line = line;
    this.values = values;
  }

  /** A Jackson deserializer reading a section with these keys, then {@code build}. */
  static <T> JsonDeserializer<T> reader(String name, List<String> keys,
      Function<Section, T> build) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return build.apply(read(p, ctxt, name, keys));
      }
    };
  }

  private static Section read(JsonParser p, DeserializationContext ctxt, String name,
      List<String> keys) throws IOException {
    Path file = (Path) ctxt.getAttribute(FILE);
    int at = p.currentTokenLocation().getLineNr();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new DataFormatException(file, at, name, "'" + name + "' must be a mapping of "
          + "settings (key: value), not '" + p.getText() + "'");
    }
    Map<String, Value> values = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int line = p.currentTokenLocation().getLineNr();
      if (!keys.contains(key)) {
        throw new DataFormatException(file, line, name + "." + key, "unknown setting '" + key
            + "' in '" + name + "' (settings: " + String.join(", ", keys) + ")");
      }
      if (values.containsKey(key)) {
        throw new DataFormatException(file, line, name + "." + key, "'" + key
            + "' is set twice (also on line " + values.get(key).line() + ")");
      }
      p.nextToken();
      values.put(key, new Value(ctxt.readTree(p), line));
    }
    return new Section(name, file, at, values);
  }

  /** Whether the file sets {@code key}. */
  boolean has(String key) {
    return values.containsKey(key);
  }

  /** An integer setting, or {@code otherwise} when the key is left out. */
  int integer(String key, int otherwise) {
    Value v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    if (v.node().isIntegralNumber() && v.node().canConvertToInt()) {
      return v.node().intValue();
    }
    throw bad(key, v, "must be a whole number");
  }

  /** A list of whole numbers ({@code [512, 256, 128]}), or {@code otherwise} when left out. */
  List<Integer> integers(String key, List<Integer> otherwise) {
    Value v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    if (v.node().isArray()) {
      java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
      for (JsonNode e : v.node()) {
        if (!e.isIntegralNumber() || !e.canConvertToInt()) {
          throw bad(key, v, "must be a list of whole numbers");
        }
        out.add(e.intValue());
      }
      return List.copyOf(out);
    }
    throw bad(key, v, "must be a list of whole numbers, e.g. [512, 256, 128]");
  }

  /** A number setting (also written 1e-6), or {@code otherwise} when the key is left out. */
  double number(String key, double otherwise) {
    Value v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    if (v.node().isNumber()) {
      return v.node().doubleValue();
    }
    if (v.node().isTextual()) { // YAML 1.1 reads 1e-6 (no dot) as text
      try {
        double d = Double.parseDouble(v.node().textValue().trim());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // named below
      }
    }
    throw bad(key, v, "must be a number");
  }

  /** A number setting as a float. */
  float decimal(String key, float otherwise) {
    return (float) number(key, otherwise);
  }

  /** A true/false setting, or {@code otherwise} when the key is left out. */
  boolean bool(String key, boolean otherwise) {
    Value v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    if (v.node().isBoolean()) {
      return v.node().booleanValue();
    }
    throw bad(key, v, "must be true or false");
  }

  /** One of an enum's constants, written in lower case with '-' for '_'. */
  <E extends Enum<E>> E choice(String key, Class<E> type, E otherwise) {
    Value v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    // (an unquoted true / false reads as a boolean: the same word)
    String given = v.node().isTextual() || v.node().isBoolean()
        ? v.node().asText().trim().toLowerCase(Locale.ROOT) : null;
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String n = spelling(e);
      if (n.equals(given)) {
        return e;
      }
      names.append(names.length() == 0 ? "" : ", ").append(n);
    }
    throw bad(key, v, "must be one of " + names);
  }

  /** How a choice is written in a preset file: {@code PER_PREFIX} is {@code per-prefix}. */
  static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Builds the section's config; a value its builder refuses ({@code dModel=130 is not divisible
   * by heads=6}) becomes an error naming the file, the line of the first key the message names
   * and that key.
   */
  <T> T build(java.util.function.Supplier<T> builder) {
    try {
      return builder.get();
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage() == null ? "invalid setting" : e.getMessage();
      String key = null;
      int best = Integer.MAX_VALUE;
      for (String k : values.keySet()) { // the key named first in the message
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("\\b" + java.util.regex.Pattern.quote(k) + "(\\[\\d+])?=").matcher(msg);
        if (m.find() && m.start() < best) {
          best = m.start();
          key = k;
        }
      }
      int where = key == null ? line : values.get(key).line();
      throw new DataFormatException(file, where, key == null ? name : name + "." + key,
          name + ": " + msg);
    }
  }

  private DataFormatException bad(String key, Value v, String problem) {
    String shown = v.node().isTextual() ? "'" + v.node().textValue() + "'" : v.node().toString();
    return new DataFormatException(file, v.line(), name + "." + key,
        name + "." + key + "=" + shown + " " + problem);
  }
}
