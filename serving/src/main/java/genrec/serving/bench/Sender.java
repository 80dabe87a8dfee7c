package genrec.serving.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Sends the prepared bodies; collects warm-up failures and the first error message. */
final class Sender {
  private final HttpClient client;
  private final URI uri;
  private final Duration timeout;
  private final String[] bodies;
  private final Map<String, Long> warmupFailures = new TreeMap<>();
  private volatile String firstError;

  Sender(HttpClient client, URI uri, Duration timeout, String[] bodies) {
    this.client = client;
    this.uri = uri;
    this.timeout = timeout;
    this.bodies = bodies;
  }

  int size() {
    return bodies.length;
  }

  Outcome send(int which) {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(bodies[which])).build();
    try {
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      int status = r.statusCode();
      if (status == 200) {
        if (r.body().contains("\"items\"")) {
          return new Outcome(null, 0);
        }
        noteError("200 without \"items\": " + abbreviate(r.body()));
        return new Outcome("200-no-items", 0);
      }
      if (status == 503) {
        return new Outcome("503", BenchStats.retryAfterMs(r.headers().firstValue("Retry-After").orElse(null)));
      }
      noteError("status " + status + ": " + abbreviate(r.body()));
      return new Outcome(Integer.toString(status), 0);
    } catch (IOException e) {
      noteError(BenchStats.describe(e));
      return new Outcome("io-" + e.getClass().getSimpleName(), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome("interrupted", 0);
    }
  }

  private void noteError(String message) {
    if (firstError == null) {
      firstError = message;
    }
  }

  String firstError() {
    return firstError;
  }

  synchronized void warmupFailure(String key) {
    warmupFailures.merge(key, 1L, Long::sum);
  }

  synchronized Map<String, Long> warmupFailures() {
    return new TreeMap<>(warmupFailures);
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }
}
