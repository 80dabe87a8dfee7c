package genrec.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.quantizer.catalog.Item;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue routes: {@code GET /v1/items/{id}} and {@code POST /v1/items} (an admin route:
 * it adds items to the live model and writes the run folder, on the one {@code genrec-admin}
 * thread, so additions and reloads happen one at a time in arrival order).
 */
final class ItemRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GenrecServer.class);
  private static final ObjectMapper JSON = Replies.JSON;

  private final ModelHolder models;
  private final WorkerExecutor admin;
  private final int maxNewItems;
  private final Replies replies;

  ItemRoutes(ModelHolder models, WorkerExecutor admin, int maxNewItems, Replies replies) {
    this.models = models;
    this.admin = admin;
    this.maxNewItems = maxNewItems;
    this.replies = replies;
  }

  /** {@code GET /v1/items/{id}}: the item with its semantic ID and whether it was added live. */
  void getItem(HttpServerRequest req, long t0, String rawId) {
    String id;
    try {
      id = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      replies.error(req, t0, "items_get", new BadRequest(400, "id", "the item id in the path has a "
          + "malformed %-escape"));
      return;
    }
    ServingModel model = models.acquire();
    if (model == null) {
      replies.error(req, t0, "items_get", new BadRequest(503, null, "no model loaded yet"));
      return;
    }
    try {
      int i = model.indexOf(id);
      if (i < 0) {
        replies.error(req, t0, "items_get", new BadRequest(404, "id", "unknown item id '"
            + JsonBody.shown(id) + "'"));
        return;
      }
      ObjectNode it = ItemJson.itemJson(model, i, true);
      it.put("added", i >= model.numItems() - model.addedItems());
      replies.send(req, t0, "items_get", 200, it);
    } finally {
      model.release();
    }
  }

  /** {@code POST /v1/items} (admin): new items, given semantic IDs, live and persisted. */
  void addItems(HttpServerRequest req, long t0, Buffer body) {
    List<Item> items = ItemJson.parseItems(BodyReader.json(req, body, false, ItemJson.ITEMS_SHAPE),
        maxNewItems);
    // additions and reloads run one at a time, in arrival order, on the admin thread, and each
    // takes the model there: an addition queued behind a reload goes to the reloaded model, and
    // a reload queued behind an addition reads the files the addition wrote
    admin.executeBlocking(() -> {
      ServingModel model = models.acquire();
      if (model == null) {
        throw new BadRequest(503, null, "no model loaded yet");
      }
      try {
        int[] added;
        try {
          added = model.addItems(items);
        } catch (ServingModel.ItemExists e) {
          throw new BadRequest(409, "items", e.getMessage());
        } catch (ServingModel.NoRoom e) {
          throw new BadRequest(422, "items", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("items");
        for (int i : added) {
          arr.add(ItemJson.itemJson(model, i, false));
        }
        out.put("total_items", model.numItems());
        return out;
      } finally {
        model.release();
      }
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof BadRequest e) {
          replies.error(req, t0, "items_add", e);
        } else {
          LOG.error("adding items failed", ar.cause());
          replies.error(req, t0, "items_add", new BadRequest(500, null,
              "adding items failed; the server log has the details"));
        }
        return;
      }
      replies.send(req, t0, "items_add", 201, ar.result());
    });
  }
}
