package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import genrec.cascade.pipeline.CascadeRequest;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.RecallChannels;
import genrec.cascade.rerank.MaxConsecutive;
import genrec.cascade.rerank.MaxInFirst;
import genrec.cascade.rerank.MaxPerWindow;
import genrec.cascade.rerank.PinnedSlot;
import genrec.cascade.rerank.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cascade one request runs: the server's {@link PipelineConfig} with the request's {@code
 * pipeline} object laid over it, validated against the loaded run. Shape (every part optional):
 *
 * <pre>{@code
 * "pipeline": {
 *   "recall": {"generator": 50, "itemknn": 30, "popularity": 10, "content": 20},
 *   "rank": true,
 *   "rerank": {"method": "mmr", "theta": 0.5, "window": 0, "similarity": "sid"},
 *   "rules": [{"type": "max_consecutive", "label": "category", "max": 2},
 *             {"type": "max_per_window", "label": "category", "value": "Books", "max": 1, "window": 5},
 *             {"type": "max_in_first", "label": "category", "max": 1, "first": 3},
 *             {"type": "pinned_slot", "item": "B00X", "position": 0}],
 *   "cold_start": {"boost": 0.01, "share": 5, "cap": 1000, "max_age_hours": 72},
 *   "exposure": {"filter": true}
 * }
 * }</pre>
 *
 * {@code recall} replaces the configured quotas (its key order is the priority); a request's
 * {@code rerank} and {@code cold_start} fields replace the configured ones one by one. Every
 * refusal is a 400 naming the field ({@code pipeline.rerank.theta}).
 *
 * @param quotas channel -> quota, in priority order, only channels the run can serve
 * @param rank whether the ranking stage runs (the run has a scorer and the request did not turn
 *     it off)
 * @param rerank none, mmr or dpp
 * @param similarity sid, category or text
 * @param rules business rules, most important first
 * @param exposureFilter whether items the user was shown are left out (needs a user id)
 * @param notes what the service changed (a configured channel the run cannot serve)
 */
public record PipelineRequest(
    Map<String, Integer> quotas,
    boolean rank,
    String rerank,
    double theta,
    int window,
    String similarity,
    List<Rule> rules,
    double coldStartBoost,
    int coldStartShare,
    int coldStartCap,
    Duration coldStartMaxAge,
    boolean exposureFilter,
    List<String> notes) {
  static final Set<String> FIELDS = Set.of("recall", "rank", "rerank", "rules", "cold_start",
      "exposure");
  static final Set<String> RERANK_FIELDS = Set.of("method", "theta", "window", "similarity");
  static final Set<String> COLD_START_FIELDS = Set.of("boost", "share", "cap", "max_age_hours");
  static final Set<String> EXPOSURE_FIELDS = Set.of("filter");
  static final List<String> RULES = List.of("max_consecutive", "max_per_window", "max_in_first",
      "pinned_slot");
  /** The one label candidates carry: an item's first category. */
  static final String LABEL = Pipeline.LABEL;
  /** Largest quota of a channel other than the generator (whose limit is the largest beam). */
  static final int MAX_QUOTA = 1000;
  static final int MAX_RULES = 20;
  static final int MAX_WINDOW = 1000;

  public PipelineRequest {
    quotas = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quotas));
    rules = List.copyOf(rules);
    notes = List.copyOf(notes);
  }

  /**
   * The cascade of a request.
   *
   * @param p the request's {@code pipeline} value, or null / JSON null for the configured one
   * @throws BadRequest naming the field ({@code pipeline.recall.itemknn}, {@code
   *     pipeline.rules[1].max})
   */
  static PipelineRequest parse(JsonNode p, PipelineConfig d, ServingModel model,
      ServerConfig config) {
    if (p != null && !p.isNull() && !p.isObject()) {
      throw new BadRequest(400, "pipeline", "pipeline must be an object {recall, rank, rerank, "
          + "rules, cold_start, exposure}, got " + JsonBody.kind(p));
    }
    boolean given = p != null && p.isObject();
    if (given) {
      JsonBody.onlyFields(p, FIELDS, "pipeline.");
    }
    List<String> notes = new ArrayList<>();
    Pipeline sources = model.pipeline();
    // recall
    Map<String, Integer> quotas = new LinkedHashMap<>();
    JsonNode recall = given ? p.get("recall") : null;
    if (recall != null && !recall.isNull()) {
      if (!recall.isObject()) {
        throw new BadRequest(400, "pipeline.recall", "pipeline.recall must be an object "
            + "{channel: quota} (channels: " + String.join(", ", PipelineConfig.CHANNELS)
            + "), got " + JsonBody.kind(recall));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = recall.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = "pipeline.recall." + JsonBody.shown(e.getKey());
        if (!PipelineConfig.CHANNELS.contains(e.getKey())) {
          throw new BadRequest(400, at, "unknown channel '" + at + "' (channels: "
              + String.join(", ", PipelineConfig.CHANNELS) + ")");
        }
        if (!sources.has(e.getKey())) {
          throw new BadRequest(400, at, at + ": " + RecallChannels.missing(e.getKey()));
        }
        int max = e.getKey().equals("generator") ? config.maxBeam() : MAX_QUOTA;
        quotas.put(e.getKey(), intValue(e.getValue(), at, 0, max));
      }
    } else {
      PipelineConfig.quotaMap(d.quotas()).forEach((c, q) -> {
        if (sources.has(c)) {
          quotas.put(c, Math.min(q, c.equals("generator") ? config.maxBeam() : MAX_QUOTA));
        } else if (q > 0) {
          notes.add("recall: channel " + c + " skipped (" + RecallChannels.missing(c) + ")");
        }
      });
    }
    if (quotas.values().stream().noneMatch(q -> q > 0)) {
      throw new BadRequest(400, "pipeline.recall", "pipeline.recall: every quota is 0 (or no "
          + "configured channel is available): the candidate list would be empty");
    }
    // rank
    boolean rank = model.scorer() != null;
    JsonNode rk = given ? p.get("rank") : null;
    if (rk != null && !rk.isNull()) {
      if (!rk.isBoolean()) {
        throw new BadRequest(400, "pipeline.rank", "pipeline.rank must be true or false, got "
            + JsonBody.kind(rk));
      }
      if (rk.booleanValue() && model.scorer() == null) {
        throw new BadRequest(400, "pipeline.rank", "pipeline.rank: this run has no trained "
            + "ranker (leave rank out or set it to false)");
      }
      rank = rk.booleanValue();
    }
    // rerank
    String method = d.rerank();
    double theta = d.theta();
    int window = d.window();
    String similarity = d.similarity();
    JsonNode rr = given ? p.get("rerank") : null;
    if (rr != null && !rr.isNull()) {
      if (!rr.isObject()) {
        throw new BadRequest(400, "pipeline.rerank", "pipeline.rerank must be an object "
            + "{method, theta, window, similarity}, got " + JsonBody.kind(rr));
      }
      JsonBody.onlyFields(rr, RERANK_FIELDS, "pipeline.rerank.");
      method = choice(rr.get("method"), "pipeline.rerank.method", PipelineConfig.RERANKERS,
          method);
      theta = number(rr.get("theta"), "pipeline.rerank.theta", 0, 1, theta);
      window = rr.get("window") == null || rr.get("window").isNull() ? window
          : intValue(rr.get("window"), "pipeline.rerank.window", 0, MAX_WINDOW);
      similarity = choice(rr.get("similarity"), "pipeline.rerank.similarity",
          PipelineConfig.SIMILARITIES, similarity);
    }
    if (method.equals("dpp") && theta >= 1) {
      throw new BadRequest(400, "pipeline.rerank.theta", "pipeline.rerank.theta=" + theta
          + " must be below 1 for dpp (1 would ignore diversity: use method 'none')");
    }
    if (!method.equals("none") && similarity.equals("text") && !sources.recall().hasVectors()) {
      if (rr != null && rr.has("similarity")) {
        throw new BadRequest(400, "pipeline.rerank.similarity", "pipeline.rerank.similarity: "
            + "'text' needs the run's item embeddings: run 'genrec embed' for this run");
      }
      notes.add("rerank: no item embeddings in this run, similarity 'sid' instead of 'text'");
      similarity = "sid";
    }
    // rules
    List<Rule> rules = new ArrayList<>();
    JsonNode rl = given ? p.get("rules") : null;
    if (rl != null && !rl.isNull()) {
      if (!rl.isArray()) {
        throw new BadRequest(400, "pipeline.rules", "pipeline.rules must be an array of rule "
            + "objects, got " + JsonBody.kind(rl));
      }
      if (rl.size() > MAX_RULES) {
        throw new BadRequest(400, "pipeline.rules", "pipeline.rules has " + rl.size()
            + " rules; the limit is " + MAX_RULES);
      }
      for (int i = 0; i < rl.size(); i++) {
        rules.add(rule(rl.get(i), "pipeline.rules[" + i + "]", model));
      }
    }
    // cold start
    double boost = d.coldStartBoost();
    int share = d.coldStartShare();
    int cap = d.coldStartCap();
    Duration maxAge = d.coldStartMaxAge();
    JsonNode cs = given ? p.get("cold_start") : null;
    if (cs != null && !cs.isNull()) {
      if (!cs.isObject()) {
        throw new BadRequest(400, "pipeline.cold_start", "pipeline.cold_start must be an object "
            + "{boost, share, cap, max_age_hours}, got " + JsonBody.kind(cs));
      }
      JsonBody.onlyFields(cs, COLD_START_FIELDS, "pipeline.cold_start.");
      boost = number(cs.get("boost"), "pipeline.cold_start.boost", 0, 1e6, boost);
      share = cs.get("share") == null || cs.get("share").isNull() ? share
          : intValue(cs.get("share"), "pipeline.cold_start.share", 0, MAX_WINDOW);
      cap = cs.get("cap") == null || cs.get("cap").isNull() ? cap
          : intValue(cs.get("cap"), "pipeline.cold_start.cap", 1, Integer.MAX_VALUE);
      JsonNode age = cs.get("max_age_hours");
      if (age != null && !age.isNull()) {
        double h = number(age, "pipeline.cold_start.max_age_hours", 0, 24 * 365 * 100, 0);
        if (!(h > 0)) {
          throw new BadRequest(400, "pipeline.cold_start.max_age_hours",
              "pipeline.cold_start.max_age_hours must be above 0");
        }
        maxAge = Duration.ofMillis(Math.max(1, Math.round(h * 3_600_000)));
      }
    }
    // exposure
    boolean filter = d.exposureFilter();
    JsonNode ex = given ? p.get("exposure") : null;
    if (ex != null && !ex.isNull()) {
      if (!ex.isObject()) {
        throw new BadRequest(400, "pipeline.exposure", "pipeline.exposure must be an object "
            + "{filter}, got " + JsonBody.kind(ex));
      }
      JsonBody.onlyFields(ex, EXPOSURE_FIELDS, "pipeline.exposure.");
      JsonNode f = ex.get("filter");
      if (f != null && !f.isNull()) {
        if (!f.isBoolean()) {
          throw new BadRequest(400, "pipeline.exposure.filter", "pipeline.exposure.filter must "
              + "be true or false, got " + JsonBody.kind(f));
        }
        filter = f.booleanValue();
      }
    }
    return new PipelineRequest(quotas, rank, method, theta, window, similarity, rules, boost,
        share, cap, maxAge, filter, notes);
  }

  private static Rule rule(JsonNode n, String at, ServingModel model) {
    if (!n.isObject()) {
      throw new BadRequest(400, at, at + " must be a rule object {type, ...}, got "
          + JsonBody.kind(n));
    }
    JsonNode t = n.get("type");
    if (t == null || t.isNull()) {
      throw new BadRequest(400, at + ".type", at + ".type is required: one of "
          + String.join(", ", RULES));
    }
    String type = choice(t, at + ".type", RULES, null);
    String p = at + ".";
    switch (type) {
      case "pinned_slot" -> {
        JsonBody.onlyFields(n, Set.of("type", "item", "position"), p);
        JsonNode item = n.get("item");
        if (item == null || item.isNull() || !(item.isTextual() || item.isIntegralNumber())
            || item.asText().isEmpty()) {
          throw new BadRequest(400, p + "item", p + "item must be an item id (string or "
              + "integer)" + (item == null || item.isNull() ? "" : ", got " + JsonBody.kind(item)));
        }
        if (model.indexOf(item.asText()) < 0) { // a pin that can never be placed is a mistake
          throw new BadRequest(400, p + "item", p + "item '" + JsonBody.shown(item.asText())
              + "' is not in the catalogue", List.of(item.asText()));
        }
        return PinnedSlot.of(item.asText(), required(n, p, "position", 0, MAX_WINDOW));
      }
      case "max_consecutive" -> {
        JsonBody.onlyFields(n, Set.of("type", "label", "value", "max"), p);
        String value = labelValue(n, p);
        int max = required(n, p, "max", 1, MAX_WINDOW);
        return value == null ? MaxConsecutive.of(LABEL, max) : MaxConsecutive.of(LABEL, value, max);
      }
      case "max_per_window" -> {
        JsonBody.onlyFields(n, Set.of("type", "label", "value", "max", "window"), p);
        String value = labelValue(n, p);
        int max = required(n, p, "max", 0, MAX_WINDOW);
        int w = required(n, p, "window", 1, MAX_WINDOW);
        return value == null ? MaxPerWindow.of(LABEL, max, w)
            : MaxPerWindow.of(LABEL, value, max, w);
      }
      default -> { // max_in_first
        JsonBody.onlyFields(n, Set.of("type", "label", "value", "max", "first"), p);
        String value = labelValue(n, p);
        int max = required(n, p, "max", 0, MAX_WINDOW);
        int first = required(n, p, "first", 1, MAX_WINDOW);
        return value == null ? MaxInFirst.of(LABEL, max, first)
            : MaxInFirst.of(LABEL, value, max, first);
      }
    }
  }

  /** Checks {@code label} (only "category", the default) and returns {@code value} or null. */
  private static String labelValue(JsonNode n, String p) {
    choice(n.get("label"), p + "label", List.of(LABEL), LABEL);
    JsonNode v = n.get("value");
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new BadRequest(400, p + "value", p + "value must be a non-empty string (a "
          + "category), got " + (v.isTextual() ? "an empty string" : JsonBody.kind(v)));
    }
    return v.asText();
  }

  private static int required(JsonNode n, String p, String field, int min, int max) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new BadRequest(400, p + field, p + field + " is required: an integer in [" + min
          + ", " + max + "]");
    }
    return intValue(v, p + field, min, max);
  }

  private static int intValue(JsonNode v, String name, int min, int max) {
    if (!v.isIntegralNumber()) {
      throw new BadRequest(400, name, name + " must be an integer, got " + JsonBody.kind(v));
    }
    if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw new BadRequest(400, name, name + "=" + JsonBody.shown(v.asText())
          + " is out of range [" + min + ", " + max + "]");
    }
    return v.intValue();
  }

  private static double number(JsonNode v, String name, double min, double max, double dflt) {
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new BadRequest(400, name, name + " must be a number, got " + JsonBody.kind(v));
    }
    double x = v.doubleValue();
    if (!(x >= min && x <= max)) {
      throw new BadRequest(400, name, name + "=" + JsonBody.shown(v.asText())
          + " is out of range [" + min + ", " + max + "]");
    }
    return x;
  }

  private static String choice(JsonNode v, String name, List<String> allowed, String dflt) {
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual() || !allowed.contains(v.asText())) {
      throw new BadRequest(400, name, name + " must be one of " + String.join(", ", allowed)
          + ", got " + (v.isTextual() ? "'" + JsonBody.shown(v.asText()) + "'"
              : JsonBody.kind(v)));
    }
    return v.asText();
  }

  /** Whether the cold-start stage does anything (a boost or a share). */
  boolean coldStart() {
    return coldStartBoost > 0 || coldStartShare > 0;
  }

  /**
   * The library's request for this cascade and the user's part of {@code r} (history, k, user
   * id, record exposure, beam): what {@link Pipeline#recommend} answers. The generator searches
   * twice its quota (room for the items the exposure filter drops) with the request's beam, at
   * least that wide, both at most {@code maxBeam}.
   */
  CascadeRequest toRequest(RecommendRequest r, int maxBeam) {
    int quota = quotas.getOrDefault("generator", 0);
    Integer topK = quota > 0 ? Math.min(maxBeam, 2 * quota) : null;
    Integer beam = quota > 0 ? Math.min(maxBeam, Math.max(r.beam(), topK)) : null;
    return CascadeRequest.builder().setHistory(r.history()).optK(r.k()).optUserId(r.userId())
        .optGeneratorLength(topK).optBeam(beam)
        .optRecordExposure(r.recordExposure() && r.userId() != null).optQuotas(quotas)
        .optRank(rank).optRerank(rerank, theta, window).optSimilarity(similarity)
        .optRules(rules)
        .optColdStart(coldStartBoost, coldStartShare, coldStartCap, coldStartMaxAge)
        .optExposureFilter(exposureFilter).build();
  }
}
