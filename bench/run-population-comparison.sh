#!/usr/bin/env bash
# HPM's comparison on one task: HPM (attention teacher), PBT (random mutation), a single hpo member
# (plain hypergradient descent by the conf's method, from problem.lambda_init) and random search, each
# run to the same wall-time budget; the population methods' students run the conf's hypergradient
# method and start at lambda_init ± init_spread. One figure (validation loss against wall time and
# against samples, test accuracy against wall time) and a markdown table (HpoComparison).
#   bench/run-population-comparison.sh ijcnn1|cleaning [BUDGET_SECONDS] [FIGURE.png]   (WORK=/tmp/hg-population)
# METHODS="hpm pbt" re-runs only those; the figure takes every method's latest run in WORK.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
TASK="${1:?ijcnn1 or cleaning}"
BUDGET="${2:-60}"
FIGURE="${3:-$ROOT/docs/figures/population-$TASK.png}"
WORK="${WORK:-/tmp/hg-population}/$TASK"
CONF="$ROOT/conf/hpo-$TASK.conf"
mkdir -p "$WORK" "$(dirname "$FIGURE")"
JARS="$WORK/jars"
CP="$(bench_classpath bench "$JARS")"

# hyper-cleaning's member step (q = 20,000, 10 full-batch Adam steps on 20,000 × 784) takes ≈ 0.5 s: a
# population of 10 makes ≈ 20 rounds in 4 minutes on 2 cores; IJCNN1's ≈ 25 ms step affords the paper's 20
case "$TASK" in
  ijcnn1) POP=20 ;;
  cleaning) POP=10 ;;
  *) echo "unknown task $TASK" >&2; exit 2 ;;
esac
label() { [ "$1" = single ] && echo "single member" || echo "$1"; }
for m in ${METHODS:-hpm pbt random-search single}; do
  out="$WORK/$m"
  args=()
  [ "$m" = single ] || args=(--set "method=$m" --set "population.size=$POP" --set "population.member_method=mixed-fp-km")
  echo "$TASK: $(label "$m") for ${BUDGET} s ..."
  (cd "$ROOT" && java "${SPARK_JAVA_FLAGS[@]}" -Xmx6g -Dspark.master='local[2]' -cp "$CP" io.hypergrad.cli.Hypergrad hpo \
    --conf "$CONF" "${args[@]}" --set "time_budget=$BUDGET" --set outer.steps=100000000 --out "$out" --overwrite \
    > "$out.log" 2>&1) || { tail -5 "$out.log"; exit 1; }
done
runs=()
for m in hpm pbt random-search single; do
  [ -f "$WORK/$m/summary.json" ] && runs+=("$(label "$m")=$WORK/$m")
done
java -Djava.awt.headless=true -cp "$CP" io.hypergrad.bench.HpoComparison "$FIGURE" \
  "population hpo on $TASK: ${BUDGET} s per method (2-core EPYC, plan driver, local[2])" "${runs[@]}"
echo "figure: $FIGURE"
