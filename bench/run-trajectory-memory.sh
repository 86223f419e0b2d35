#!/usr/bin/env bash
# FDS's memory claim: forward-mode hypergradients through T steps of SGD with momentum use memory
# independent of T; reverse mode stores the trajectory (θ_t and v_t: 2·p·T doubles). One JVM per row
# (bench/TrajectoryMemory: softmax 784 × 10, p = 7840, 4000 generated rows, batch 64, 7 + 1 + 1
# windows), its peak resident memory from /usr/bin/time -v; the two modes' hypergradients agree.
#   bench/run-trajectory-memory.sh [horizons, comma-separated]   (default 1000,10000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
HORIZONS="${1:-1000,10000}"
WORK="${WORK:-/tmp/hg-trajectory}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
echo "| mode | T | seconds | ms / step | peak RSS (MB) | trajectory state (MB) | ‖hypergradient‖ |"
echo "|---|---|---|---|---|---|---|"
for t in ${HORIZONS//,/ }; do
  for mode in forward reverse; do
    /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx3g -cp "$CP" io.hypergrad.bench.TrajectoryMemory "$mode" "$t" \
      > "$WORK/$mode-$t.out" 2> "$WORK/$mode-$t.err" || { tail -20 "$WORK/$mode-$t.err" >&2; exit 1; }
    read -r _ _ seconds norm _ < "$WORK/$mode-$t.out"
    rss=$(awk '/Maximum resident set size/ {print int($6 / 1024)}' "$WORK/$mode-$t.err")
    # what the method keeps besides the rows: forward 2·p·H tangents (H = 9), reverse 2·p·(T + 1) states
    state=$(python3 -c "p=7840; print('%.1f' % ((2*p*9 if '$mode'=='forward' else 2*p*($t+1))*8/2**20))")
    python3 -c "print('| $mode | $t | %.1f | %.2f | $rss | $state | $norm |' % ($seconds, 1000*$seconds/$t))"
  done
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
