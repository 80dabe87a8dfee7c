#!/usr/bin/env bash
# Quantizer benchmark on Amazon Beauty: MiniLM title embeddings, then RQ-VAE and residual k-means
# side by side (utilisation, perplexity, prefix uniqueness, largest collision group, attribute
# Jaccard ratios, training time). Optional: --determinism reruns RQ-VAE and compares the tables.
# Needs ../shared/data/amazon-beauty; writes runs/amazon-beauty/.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/data/amazon-beauty}
run=runs/amazon-beauty
./genrec embed --data "$data" --run "$run"
for m in rqvae rqkmeans; do
  echo "== $m"
  ./genrec quantize --data "$data" --run "$run" --preset beauty --method "$m" --out "$run/quantizer-$m" 2>&1 \
    | grep -v '^rq-' 
done
if [[ "${1:-}" == "--determinism" ]]; then
  ./genrec quantize --data "$data" --run "$run" --preset beauty --method rqvae --out "$run/quantizer-rqvae-again" 2>&1 | grep -v '^rq-' >/dev/null
  if cmp -s "$run/quantizer-rqvae/sid.tsv" "$run/quantizer-rqvae-again/sid.tsv"; then
    echo "determinism: same seed, same data -> identical sid.tsv"
  else
    echo "determinism: tables DIFFER"; exit 1
  fi
fi
