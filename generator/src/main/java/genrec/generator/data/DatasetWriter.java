package genrec.generator.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.quantizer.catalog.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes a dataset in the generic format ({@code items.jsonl} + {@code interactions.csv}). */
public final class DatasetWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatasetWriter() {}

  public static void writeGeneric(Dataset d, Path dir) {
    AtomicFiles.write(dir.resolve("items.jsonl"), out -> {
      for (Item it : d.catalog().items()) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", it.id());
        n.put("title", it.title());
        n.put("text", it.text());
        ArrayNode c = n.putArray("categories");
        it.categories().forEach(c::add);
        ArrayNode a = n.putArray("attributes");
        it.attributes().forEach(a::add);
        out.write(JSON.writeValueAsBytes(n));
        out.write('\n');
      }
    });
    AtomicFiles.write(dir.resolve("interactions.csv"), out -> {
      StringBuilder sb = new StringBuilder("user,item,timestamp,event,value\n");
      for (UserSequence u : d.users()) {
        for (int k = 0; k < u.length(); k++) {
          sb.append(csv(u.user())).append(',')
              .append(csv(d.catalog().get(u.items()[k]).id())).append(',')
              .append(u.times()[k]).append(',')
              .append(u.events()[k] == null ? "" : csv(u.events()[k])).append(',')
              .append(Float.isNaN(u.values()[k]) ? "" : Float.toString(u.values()[k])).append('\n');
        }
        if (sb.length() > 1 << 16) {
          out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          sb.setLength(0);
        }
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    });
  }

  private static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
