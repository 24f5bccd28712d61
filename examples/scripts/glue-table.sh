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
#
# DISTILLED="t1d=runs/minilm-t1/best t4d=runs/minilm-t4/best" adds, per task, a spiking model made of
# that distilled encoder (a `spikelm distill` output) under the fine-tuned ANN's head, fine-tuned
# like the converted rows (1 epoch, distillation from the fine-tuned ANN; run TASK-NAME-kd).
# ROWS="t1 t1kd t4 t4kd" (the default) picks the converted-ANN rows; ROWS= runs none of them.
# PAIRS=siamese fine-tunes the ANN of each sentence-pair task as a bi-encoder (glue --pairs siamese;
# the spiking rows inherit the head from its checkpoint); POOLING=mean puts every ANN's head on the
# mean of the real tokens (glue --pooling mean). SPIKING_OPTS="..." adds options to every spiking
# row, e.g. "--kd-task 1 --encoder-lr 2e-5"; SPIKING_EPOCHS=N trains every spiking row N epochs (default 1).
# SPIKELM="java -jar /path/spikelm.jar" runs another build than this checkout's ./spikelm.
set -u
if [ $# -lt 2 ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
here="$(cd "$(dirname "$0")/../.." && pwd)"
glue=$1 out=$2
spikelm=${SPIKELM:-$here/spikelm}
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
  $spikelm glue "$@" --out "$out/$name" --json "$out/$name.json" --chart "$out/$name.png" 2> "$out/$name.err" \
    || { echo "== $name failed, see $out/$name.err"; return 1; }
}

rows=${ROWS-t1 t1kd t4 t4kd}
read -r -a distilled <<< "${DISTILLED:-}"
read -r -a spiking <<< "${SPIKING_OPTS:-}"
has() { [[ " $rows " == *" $1 "* ]]; }

for task in "${tasks[@]}"; do
  slug=$(echo "$task" | tr -d '-' | tr '[:upper:]' '[:lower:]')
  if [ "$task" = QNLI ] && [ ! -f "$glue/QNLI/train.tsv" ]; then data=(--train-from-dev 1000); else data=(--train-subset 1000); fi
  t=(--task "$task" "${common[@]}" "${data[@]}")
  head=()
  [ -n "${POOLING:-}" ] && head+=(--pooling "$POOLING")
  case $task in SST-2|CoLA) ;; *) [ -n "${PAIRS:-}" ] && head+=(--pairs "$PAIRS") ;; esac
  ann="$out/$slug-ann/best"
  run "$slug-ann" "${t[@]}" --ann --epochs 3 "${head[@]}" || continue
  s=("${t[@]}" --model "$ann" --epochs "${SPIKING_EPOCHS:-1}" "${spiking[@]}")
  has t1 && run "$slug-t1" "${s[@]}" -T 1
  has t1kd && run "$slug-t1kd" "${s[@]}" -T 1 --distill-from "$ann"
  has t4 && run "$slug-t4" "${s[@]}" -T 4
  has t4kd && run "$slug-t4kd" "${s[@]}" -T 4 --distill-from "$ann"
  for d in "${distilled[@]}"; do
    run "$slug-${d%%=*}-kd" "${s[@]}" --encoder-from "${d#*=}" --distill-from "$ann"
  done
done
$spikelm glue-report "$out" --chart "$out/glue.png"
