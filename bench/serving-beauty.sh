#!/usr/bin/env bash
# Serving benchmark on Amazon Beauty (the numbers in README "HTTP service"). Starts 'genrec serve'
# on the trained run and drives it with 'genrec bench http' (closed loop, beam 20, top-10):
#   1. concurrency 1, 8, 32                                  -> RUN/bench/http.csv
#   2. HTTP vs in-process beam search at matched settings: concurrency 1 vs 1 thread x batch 1,
#      concurrency 32 vs 2 threads x batch 16 (what micro-batching can form) -> http-vs-in-process-c*.csv
#   3. the server again with micro-batching off (--max-batch 1), concurrency 8, 32 -> http-no-batching.csv
#   4. with --soak: open loop at half the best throughput of step 1 for SOAK_SECONDS (default 600),
#      p50/p99, 5xx, and the server's RSS after warm-up and at the end -> http-soak.csv
# Needs ../shared/data/amazon-beauty and a trained RUN (default runs/amazon-beauty).
# Env: RUN, PORT (default 18080), DATA, SERVE_ARGS (extra 'genrec serve' options), SOAK_SECONDS.
# On a shared machine: GENREC_JAVA_OPTS="-Xmx6g -Dai.djl.pytorch.num_threads=1".
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/data/amazon-beauty}
run=${RUN:-runs/amazon-beauty}
port=${PORT:-18080}
url=http://127.0.0.1:$port
out=$run/bench
./genrec --version >/dev/null # build once here, not twice in parallel below
server=
start_server() {
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
  ./genrec serve --data "$data" --run "$run" --port "$port" ${SERVE_ARGS:-} "$@" &
  server=$!
}
stop_server() {
  if [[ -n "$server" ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
trap stop_server EXIT
bench() { ./genrec bench http --data "$data" --url "$url" "$@"; }

start_server
bench --concurrency 1,8,32 --csv "$out/http.csv"
bench --concurrency 1 --run "$run" --workers 1 --in-process-batch 1 --csv "$out/http-vs-in-process-c1.csv"
bench --concurrency 32 --run "$run" --workers 2 --in-process-batch 16 --csv "$out/http-vs-in-process-c32.csv"
if [[ "${1:-}" == "--soak" ]]; then
  # column 5 is throughput_rps; soak at half the best level
  rate=$(awk -F, 'NR > 1 && $5 > max { max = $5 } END { printf "%.1f", max / 2 }' "$out/http.csv")
  echo "== soak at $rate req/s for ${SOAK_SECONDS:-600} s"
  bench --rate "$rate" --seconds "${SOAK_SECONDS:-600}" --csv "$out/http-soak.csv"
fi
stop_server
echo "== micro-batching off (--max-batch 1)"
start_server --max-batch 1
bench --concurrency 8,32 --csv "$out/http-no-batching.csv"
