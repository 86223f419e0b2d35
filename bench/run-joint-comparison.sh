#!/usr/bin/env bash
# The NBO paper's comparison on one task: SOBA, NBO-GD, NSBO-SGD, NHGD and our Mixed FP-KM-based hpo,
# each run to the same wall-time budget from the same start; one figure (validation loss against
# wall time and against samples, test accuracy against wall time) and a markdown table with each
# method's lowest validation loss within the time every run reached.
#   bench/run-joint-comparison.sh ijcnn1|cleaning [BUDGET_SECONDS] [FIGURE.png]   (WORK=/tmp/hg-joint)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
TASK="${1:?ijcnn1 or cleaning}"
BUDGET="${2:-60}"
FIGURE="${3:-$ROOT/docs/figures/hpo-$TASK.png}"
WORK="${WORK:-/tmp/hg-joint}/$TASK"
CONF="$ROOT/conf/hpo-$TASK.conf"
mkdir -p "$WORK" "$(dirname "$FIGURE")"
JARS="$WORK/jars"
CP="$(bench_classpath bench "$JARS")"

# the full-batch NBO-GD takes several full passes per iteration: evaluate it more often
case "$TASK" in
  ijcnn1) NBO_EVERY=50 ;;
  cleaning) NBO_EVERY=5 ;;
  *) echo "unknown task $TASK" >&2; exit 2 ;;
esac
runs=()
for m in soba nbo-gd nsbo-sgd nhgd mixed-fp-km; do
  out="$WORK/$m"
  extra=()
  [ "$m" = nbo-gd ] && extra=(--set "joint.eval_every=$NBO_EVERY")
  echo "$TASK: $m for ${BUDGET} s ..."
  (cd "$ROOT" && java "${SPARK_JAVA_FLAGS[@]}" -Xmx6g -Dspark.master='local[2]' -cp "$CP" io.hypergrad.cli.Hypergrad hpo \
    --conf "$CONF" --set "method=$m" --set "time_budget=$BUDGET" --set outer.steps=100000000 "${extra[@]}" --out "$out" --overwrite > "$out.log" 2>&1) \
    || { tail -5 "$out.log"; exit 1; }
  runs+=("$m=$out")
done
java -Djava.awt.headless=true -cp "$CP" io.hypergrad.bench.HpoComparison "$FIGURE" \
  "hpo on $TASK: ${BUDGET} s per method (2-core EPYC, plan driver)" "${runs[@]}"
echo "figure: $FIGURE"
