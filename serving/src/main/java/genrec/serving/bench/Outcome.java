package genrec.serving.bench;

/**
 * The result of one request.
 *
 * @param key null for a 200 with items, else the failure key: the status code, {@code 200-no-items},
 *     or {@code io-ExceptionName}
 * @param retryAfterMs back-off asked by a 503, else 0
 */
record Outcome(String key, long retryAfterMs) {}
