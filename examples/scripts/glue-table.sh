#!/usr/bin/env bash
# Reproduces the README's GLUE table: for each task, the ANN fine-tuned from the embedded
# all-MiniLM-L6-v2, then SpikeLM T = 1 and T = 4 started from that fine-tuned ANN, each with and
# without distillation from it. Resumable: a run whose JSON exists is skipped; each run's stderr
# is kept beside its JSON.
#
#   examples/scripts/glue-table.sh GLUE_DIR OUT_DIR [TASK...]     (default: every task in GLUE_DIR)
#
# Protocol: seeded 1000-example train subset (QNLI, which has no train split here: 1000 of dev,
# scored on the rest), seeded dev subset of at most 500, batch 16, constant lr 1e-4, max length 64,
# seed 42; the ANN trains 3 epochs, each spiking model 1. JAVA_OPTS passes JVM options, e.g.
# JAVA_OPTS=-Dai.djl.pytorch.num_threads=1 to run two tasks side by side on two cores.
set -u
if [ $# -lt 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
here="$(cd "$(dirname "$0")/../.." && pwd)"
glue=$1 out=$2
shift 2
mkdir -p "$out"
tasks=("$@")
if [ ${#tasks[@]} -eq 0 ]; then
  for t in CoLA SST-2 MRPC STS-B QQP MNLI QNLI RTE WNLI; do
    [ -d "$glue/$t" ] && tasks+=("$t")
  done
fi
common=(--data "$glue" --train --batch-size 16 --lr 1e-4 --max-length 64 --seed 42 --dev-subset 500)

run() { # name args...
  local name=$1; shift
  if [ -f "$out/$name.json" ]; then echo "== $name: done"; return 0; fi
  echo "== $name: spikelm glue $*"
  "$here/spikelm" glue "$@" --out "$out/$name" --json "$out/$name.json" --chart "$out/$name.png" 2> "$out/$name.err" \
    || { echo "== $name failed, see $out/$name.err"; return 1; }
}

for task in "${tasks[@]}"; do
  slug=$(echo "$task" | tr -d '-' | tr '[:upper:]' '[:lower:]')
  if [ "$task" = QNLI ] && [ ! -f "$glue/QNLI/train.tsv" ]; then data=(--train-from-dev 1000); else data=(--train-subset 1000); fi
  t=(--task "$task" "${common[@]}" "${data[@]}")
  ann="$out/$slug-ann/best"
  run "$slug-ann" "${t[@]}" --ann --epochs 3 || continue
  run "$slug-t1" "${t[@]}" --model "$ann" --epochs 1 -T 1
  run "$slug-t1kd" "${t[@]}" --model "$ann" --epochs 1 -T 1 --distill-from "$ann"
  run "$slug-t4" "${t[@]}" --model "$ann" --epochs 1 -T 4
  run "$slug-t4kd" "${t[@]}" --model "$ann" --epochs 1 -T 4 --distill-from "$ann"
done
"$here/spikelm" glue-report "$out" --chart "$out/glue.png"
