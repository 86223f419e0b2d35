#!/usr/bin/env bash
# Self-influence beyond exact_max_p: the rank-k approximation of A⁻¹ against the exact Cholesky form on
# Fashion-MNIST with 10% flipped labels (conf/influence-fashion.conf: 10,000 training rows, softmax
# 784×10, p = 7840, local[2], one JVM a run). Each row: the job's time and phases, the error of every
# row's score against exact (relative: median, 90th percentile, largest; Pearson), the share of flipped
# rows among the top 10% by self-influence, and the smallest Ritz value (1: the rank holds all the
# data's curvature). The exact run raises exact_max_p to 8000: a 490 MB dense Hessian, whose per-partition
# partials (4 × 490 MB) pass Spark's default 1 GB spark.driver.maxResultSize: lifted here, so they come in one
# parallel pass (under the limit the job fetches them one partition at a time).
#   bench/run-self-influence.sh [ranks, comma-separated]   (WORK=/tmp/hg-self; reads ../shared/data)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
RANKS="${1:-25,50,100,200}"
WORK="${WORK:-/tmp/hg-self}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
cd "$ROOT"
run() {
  local name="$1"; shift
  rm -rf "$WORK/$name"
  /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx10g -Dspark.master="local[2]" -Dspark.driver.maxResultSize=0 \
    -cp "$CP" io.hypergrad.cli.Hypergrad \
    influence --conf conf/influence-fashion.conf --set influence.target=self "$@" --out "$WORK/$name" \
    > "$WORK/$name.log" 2> "$WORK/$name.err" || { tail -20 "$WORK/$name.err" >&2; exit 1; }
}
row() {
  local name="$1" label="$2" compare="$3"
  local rss
  rss=$(awk '/Maximum resident set size/ {print int($6 / 1024)}' "$WORK/$name.err")
  python3 - "$WORK/$name/summary.json" "$label" "$rss" "$compare" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ph = s["phase_seconds"]
noise = s["label_noise"]
print("| %s | %.1f | %.1f | %.1f | %s | %s | %.1f%% | %.1f%% | %s |" % (sys.argv[2], s["seconds"], ph["solve"], ph["scores"],
      sys.argv[3], sys.argv[4], 100 * noise["share_in_top_self_influence"], 100 * noise["share_in_top_loss"],
      "%.3f" % s["self_ritz_min"] if "self_ritz_min" in s else "–"))
PY
}
# the exact run takes ~9 minutes: kept between runs of this script (delete $WORK/exact to redo it)
[ -f "$WORK/exact/summary.json" ] || run exact --set exact_max_p=8000
echo "| A⁻¹ | job s | solve s | scoring s | peak RSS MB | rows | median rel. error | 90% | largest | Pearson | flipped in top 10% by self-influence | by loss | smallest Ritz value |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
row exact "exact (Cholesky)" "– | – | – | – | –"
IFS=',' read -ra LIST <<< "$RANKS"
for k in "${LIST[@]}"; do
  run "rank-$k" --set "influence.rank=$k"
  cmp=$(java "${SPARK_JAVA_FLAGS[@]}" -Xmx2g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.bench.ScoreComparison \
    "$WORK/exact/scores" "$WORK/rank-$k/scores" self_influence 2> "$WORK/compare-$k.err" | tail -1)
  row "rank-$k" "rank $k" "$cmp"
done
