#!/usr/bin/env bash
# The whole cascade over HTTP on Amazon Beauty beside the generator-only route (issue 21's load
# numbers, docs/benchmarks.md "The cascade over HTTP"). Starts 'genrec serve' on a run that has a
# generator ('genrec train') and a ranker ('genrec rank train'), then drives it closed loop with
# 'genrec bench http' at concurrency 1, 8, 32:
#   1. the generator route (beam 20, top 10)                        -> RUN/bench/http-generator.csv
#   2. every request with "pipeline": {} (the preset's cascade: recall channels and quotas, the
#      run's ranker, MMR re-rank)                                    -> RUN/bench/http-pipeline.csv
#   3. one request's per-stage timing_ms                             -> RUN/bench/pipeline-response.json
# Env: RUN (default runs/amazon-beauty), DATA, PORT (default 18080), SECONDS_PER_LEVEL (default 15).
# On a shared machine: GENREC_JAVA_OPTS="-Xmx6g -Dai.djl.pytorch.num_threads=1".
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/data/amazon-beauty}
run=${RUN:-runs/amazon-beauty}
port=${PORT:-18080}
secs=${SECONDS_PER_LEVEL:-15}
url=http://127.0.0.1:$port
out=$run/bench
mkdir -p "$out"
./genrec --version >/dev/null # build once here, not twice in parallel below
./genrec serve --data "$data" --run "$run" --port "$port" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
bench() { ./genrec bench http --data "$data" --url "$url" --seconds "$secs" "$@"; }
bench --concurrency 1,8,32 --csv "$out/http-generator.csv"
bench --concurrency 1,8,32 --pipeline '{}' --csv "$out/http-pipeline.csv"
history=$(awk 'NR == 2 { printf "["; for (i = 2; i <= NF && i <= 21; i++) printf "%s\"%s\"", (i > 2 ? "," : ""), $i; printf "]" }' \
  "$data/sequences.txt")
curl -s -X POST "$url/v1/recommend" -H 'content-type: application/json' \
  -d "{\"history\": $history, \"k\": 10, \"pipeline\": {}}" > "$out/pipeline-response.json"
echo "wrote $out/http-generator.csv, $out/http-pipeline.csv, $out/pipeline-response.json"
