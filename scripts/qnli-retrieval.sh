#!/usr/bin/env bash
# Builds a retrieval set from GLUE QNLI dev for `spikelm rag --docs OUT/docs --questions OUT/questions.tsv`:
# every distinct dev sentence becomes one passage file, and a seeded sample of the questions whose
# sentence answers them (label "entailment") becomes question<TAB>the first 80 characters of that
# sentence. QNLI has no train split in ../shared/glue, and `spikelm distill --glue-text` reads train
# splits only, so no sentence here was distilled on.
#
#   scripts/qnli-retrieval.sh GLUE_DIR OUT_DIR [QUESTIONS=500] [SEED=42]
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
dev=$1/QNLI/dev.tsv out=$2 n=${3:-500} seed=${4:-42}
[ -f "$dev" ] || { echo "no QNLI dev file at $dev" >&2; exit 1; }
rm -rf "$out/docs" && mkdir -p "$out/docs"
awk -F'\t' -v docs="$out/docs" 'NR > 1 && !($3 in seen) { seen[$3] = 1; f = sprintf("%s/s%05d.txt", docs, ++k); print $3 > f; close(f) }' "$dev"
awk -F'\t' -v seed="$seed" 'BEGIN { srand(seed) } NR > 1 && $4 == "entailment" { printf "%.12f\t%s\t%s\n", rand(), $2, substr($3, 1, 80) }' "$dev" \
  | sort -k1,1 | awk -v n="$n" 'NR <= n' | cut -f2,3 \
  | iconv -c -f UTF-8 -t UTF-8 > "$out/questions.tsv"   # awk cuts bytes: drop a character cut in half
echo "$(ls "$out/docs" | wc -l) passages in $out/docs, $(wc -l < "$out/questions.tsv") questions in $out/questions.tsv"
