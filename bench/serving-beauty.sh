#!/usr/bin/env bash
# Serving benchmark on Amazon Beauty: starts 'genrec serve' on the trained run, then drives it with
# 'genrec bench http' (closed loop at concurrency 1, 8, 32; in-process beam search beside it for the
# HTTP / in-process ratio). Optional: --soak adds an open-loop soak at half the best measured
# throughput for SOAK_SECONDS (default 600), reporting p50/p99, 5xx and the server's RSS growth.
# Needs ../shared/data/amazon-beauty and a trained RUN (default runs/amazon-beauty); writes RUN/bench/.
# Env: RUN, PORT (default 18080), SERVE_ARGS (extra 'genrec serve' options), SOAK_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/data/amazon-beauty}
run=${RUN:-runs/amazon-beauty}
port=${PORT:-18080}
url=http://127.0.0.1:$port
./genrec --version >/dev/null # build once here, not twice in parallel below
# shellcheck disable=SC2086 # SERVE_ARGS is a list of options
./genrec serve --data "$data" --run "$run" --port "$port" ${SERVE_ARGS:-} &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
./genrec bench http --data "$data" --url "$url" --run "$run" --csv "$run/bench/http.csv"
if [[ "${1:-}" == "--soak" ]]; then
  # column 5 is throughput_rps; soak at half the best level
  rate=$(awk -F, 'NR > 1 && $5 > max { max = $5 } END { printf "%.1f", max / 2 }' "$run/bench/http.csv")
  echo "== soak at $rate req/s for ${SOAK_SECONDS:-600} s"
  ./genrec bench http --data "$data" --url "$url" --rate "$rate" --seconds "${SOAK_SECONDS:-600}" \
    --csv "$run/bench/http-soak.csv"
fi
