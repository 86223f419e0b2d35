#!/usr/bin/env bash
# FDS's memory claim: forward-mode hypergradients through T steps of SGD with momentum use memory
# independent of T; reverse mode stores the trajectory (θ_t and v_t: 2·p·T doubles). One JVM per row
# (bench/TrajectoryMemory: softmax 784 × 10, p = 7840, 4000 generated rows, batch 64, 7 + 1 + 1
# windows), its peak resident memory from /usr/bin/time -v (the JVM grows its heap with garbage up to
# -Xmx), and whether the same run fits in a small heap (SMALL_HEAP, default 256m); the two modes'
# hypergradients agree.
#   bench/run-trajectory-memory.sh [horizons, comma-separated]   (default 1000,10000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
HORIZONS="${1:-1000,10000}"
WORK="${WORK:-/tmp/hg-trajectory}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
echo "| mode | T | seconds | ms / step | peak RSS (MB), -Xmx3g | trajectory state (MB) | in -Xmx${SMALL_HEAP:=256m} | ‖hypergradient‖ |"
echo "|---|---|---|---|---|---|---|---|"
for t in ${HORIZONS//,/ }; do
  for mode in forward reverse; do
    /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx3g -cp "$CP" io.hypergrad.bench.TrajectoryMemory "$mode" "$t" \
      > "$WORK/$mode-$t.out" 2> "$WORK/$mode-$t.err" || { tail -20 "$WORK/$mode-$t.err" >&2; exit 1; }
    read -r _ _ seconds norm _ < "$WORK/$mode-$t.out"
    rss=$(awk '/Maximum resident set size/ {print int($6 / 1024)}' "$WORK/$mode-$t.err")
    # what the method keeps besides the rows: forward 2·p·H tangents (H = 9), reverse 2·p·(T + 1) states
    state=$(python3 -c "p=7840; print('%.1f' % ((2*p*9 if '$mode'=='forward' else 2*p*($t+1))*8/2**20))")
    # the same run in a small heap: the forward mode's memory does not grow with T, the reverse mode's does
    if java "${SPARK_JAVA_FLAGS[@]}" -Xmx"$SMALL_HEAP" -cp "$CP" io.hypergrad.bench.TrajectoryMemory "$mode" "$t" \
        > "$WORK/$mode-$t-small.out" 2> "$WORK/$mode-$t-small.err"; then small=runs; else
      small="$(grep -o -m 1 'OutOfMemoryError[^"]*' "$WORK/$mode-$t-small.err" | head -c 40 || echo failed)"; fi
    python3 -c "print('| $mode | $t | %.1f | %.2f | $rss | $state | $small | $norm |' % ($seconds, 1000*$seconds/$t))"
  done
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
