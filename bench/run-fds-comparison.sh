#!/usr/bin/env bash
# FDS's comparison on one task: hpo method=fds (its conf's horizon, 30 outer steps from the zero
# schedule, to see step 10 and beyond) against SGD with momentum 0.9 under a constant, a step-decay and a cosine learning rate,
# each the best of a learning-rate × weight-decay grid (ScheduleBaselines: the curve is the best so
# far as the grid is walked), and against plain hpo of one weight decay (Mixed FP-KM hypergradients,
# Adam inner solver) for as long as FDS took (at least 20 s). One figure (validation loss against wall time and
# against samples, test accuracy against wall time) and markdown tables.
#   bench/run-fds-comparison.sh fashion|ijcnn1 [FIGURE.png]   (WORK=/tmp/hg-fds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
TASK="${1:?fashion or ijcnn1}"
FIGURE="${2:-$ROOT/docs/figures/fds-$TASK.png}"
WORK="${WORK:-/tmp/hg-fds}/$TASK"
mkdir -p "$WORK" "$(dirname "$FIGURE")"
JARS="$WORK/jars"
CP="$(bench_classpath bench "$JARS")"
case "$TASK" in
  fashion)
    CONF="$ROOT/conf/hpo-fds-fashion.conf"
    FDS=(--set outer.steps=30)
    GRID=()
    PLAIN=(--set method=mixed-fp-km --set problem.lambda_init=0.1) ;;
  ijcnn1)
    # the IJCNN1 conf's per-feature ridge switched off (exp(−30) ≈ 1e-13), FDS's defaults on its data;
    # the plain hpo tunes one weight decay (l2, λ₀ = 0.1) with the conf's Mixed FP-KM settings
    CONF="$ROOT/conf/hpo-ijcnn1.conf"
    FDS=(--set method=fds --set problem.lambda_init=-30 --set outer.steps=30)
    GRID=(problem.lambda_init=-30)
    PLAIN=(--set problem.hyper_model=l2 --set problem.rho=1.0 --set problem.lambda_init=0.1
      --set outer.optimizer=adam --set outer.lr=0.05) ;;
  *) echo "unknown task $TASK" >&2; exit 2 ;;
esac
hpo() { # OUT ARGS...
  local out="$1"
  shift
  (cd "$ROOT" && java "${SPARK_JAVA_FLAGS[@]}" -Xmx6g -Dspark.master='local[2]' -cp "$CP" io.hypergrad.cli.Hypergrad hpo \
    --conf "$CONF" "$@" --out "$out" --overwrite > "$out.log" 2>&1) || { tail -5 "$out.log"; exit 1; }
}
echo "$TASK: fds ..."
hpo "$WORK/fds" "${FDS[@]}"
FDS_SECONDS="$(grep -o '"seconds" : [0-9.]*' "$WORK/fds/summary.json" | head -n 1 | awk '{s = int($3) + 1; print s < 20 ? 20 : s}')"
echo "$TASK: hand-tuned schedules ..."
(cd "$ROOT" && java -Xmx6g -cp "$CP" io.hypergrad.bench.ScheduleBaselines "$CONF" "$WORK/schedules" "${GRID[@]}" \
  > "$WORK/schedules.md" 2> "$WORK/schedules.log") || { tail -5 "$WORK/schedules.log"; exit 1; }
cat "$WORK/schedules.md"
echo "$TASK: plain hpo of weight decay for ${FDS_SECONDS} s ..."
hpo "$WORK/hpo-weight-decay" "${PLAIN[@]}" --set "time_budget=$FDS_SECONDS" --set outer.steps=100000000
# the loss axes cut a little above the hand-tuned schedules' first points: FDS's zero start sits at log K
LOSS_MAX="$(awk -F, 'NR == 2 {print $4 * 1.3}' "$WORK/schedules/constant/history.csv")"
java -Djava.awt.headless=true -Dhpo.comparison.loss_max="$LOSS_MAX" -cp "$CP" io.hypergrad.bench.HpoComparison "$FIGURE" \
  "FDS on $TASK against hand-tuned schedules and hpo of weight decay (2-core EPYC, plan driver)" \
  "fds=$WORK/fds" "constant (grid)=$WORK/schedules/constant" "step decay (grid)=$WORK/schedules/step-decay" \
  "cosine (grid)=$WORK/schedules/cosine" "hpo of weight decay=$WORK/hpo-weight-decay"
echo "figure: $FIGURE"
