#!/usr/bin/env bash
# Quantizer benchmark on Amazon Beauty: MiniLM title embeddings, then RQ-VAE and residual k-means
# on the text alone, side by side, and residual k-means on the text mixed with item-CF neighbours
# (the beauty preset's default): utilisation, perplexity, prefix uniqueness, largest collision
# group, attribute Jaccard ratios, training time. Optional: --determinism reruns RQ-VAE and
# the item-CF table and compares each with its first run.
# Needs ../shared/data/amazon-beauty; writes runs/amazon-beauty/.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/data/amazon-beauty}
run=runs/amazon-beauty
./genrec embed --data "$data" --run "$run"
for m in rqvae rqkmeans; do
  echo "== $m (text only)"
  ./genrec quantize --data "$data" --run "$run" --preset beauty --method "$m" --cf-weight 0 \
    --out "$run/quantizer-$m" 2>&1 | grep -v '^rq-'
done
echo "== rqkmeans with the preset's item-CF mix (quantizer.cfWeight in configs/beauty.yaml)"
./genrec quantize --data "$data" --run "$run" --preset beauty --method rqkmeans \
  --out "$run/quantizer-rqkmeans-cf" 2>&1 | grep -v '^rq-'
if [[ "${1:-}" == "--determinism" ]]; then
  ./genrec quantize --data "$data" --run "$run" --preset beauty --method rqvae --cf-weight 0 --out "$run/quantizer-rqvae-again" 2>&1 | grep -v '^rq-' >/dev/null
  if cmp -s "$run/quantizer-rqvae/sid.tsv" "$run/quantizer-rqvae-again/sid.tsv"; then
    echo "determinism: same seed, same data -> identical sid.tsv"
  else
    echo "determinism: tables DIFFER"; exit 1
  fi
  ./genrec quantize --data "$data" --run "$run" --preset beauty --method rqkmeans \
    --out "$run/quantizer-rqkmeans-cf-again" 2>&1 | grep -v '^rq-' >/dev/null
  if cmp -s "$run/quantizer-rqkmeans-cf/sid.tsv" "$run/quantizer-rqkmeans-cf-again/sid.tsv"; then
    echo "determinism: item-CF table, same seed, same data -> identical sid.tsv"
  else
    echo "determinism: item-CF tables DIFFER"; exit 1
  fi
fi
