#!/usr/bin/env bash
# Per-query attribution at scale: m = 1 against m = 1000 queries over the same 10⁶-row table (100 dense
# features, local[2], one 12 GB JVM per run), the whole influence job timed, with its phases and the
# JVM's peak RSS (local mode: the driver and the executor are one JVM, so the RSS holds the cached rows
# too; what matters is that it does not grow with m).
#   bench/run-queries.sh [rows] [m,comma-separated] [method: cg|exact]   (WORK=/tmp/hg-ingest, shared with run-ingest.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
N="${1:-1000000}"
MS="${2:-1,1000}"
METHOD="${3:-cg}"
WORK="${WORK:-/tmp/hg-ingest}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
data="$WORK/table-$N"
if [ ! -d "$data/vector" ]; then
  echo "generating $N rows into $data ..." >&2
  rm -rf "$data"
  java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.bench.IngestBenchmark \
    generate "$data" "$N" > /dev/null 2> "$WORK/last.err"
fi
echo "| training rows | queries m | method | job s | inner s | solve s | cg passes | scoring s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|"
IFS=',' read -ra LIST <<< "$MS"
for m in "${LIST[@]}"; do
  out="$WORK/queries-$m"
  rm -rf "$out"
  /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.cli.Hypergrad \
    influence --conf "$ROOT/bench/queries-influence.conf" --set "data.source.path=\"$data/vector\"" \
    --set "influence.max_queries=$m" --set "method=$METHOD" --out "$out" > "$WORK/queries-$m.log" 2> "$WORK/queries-$m.err" \
    || { tail -20 "$WORK/queries-$m.err" >&2; exit 1; }
  rss=$(awk '/Maximum resident set size/ {print int($6 / 1024)}' "$WORK/queries-$m.err")
  python3 - "$out/summary.json" "$N" "$m" "$rss" "$METHOD" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ph = s["phase_seconds"]
print("| %s | %s | %s | %.1f | %.1f | %.1f | %s | %.1f | %s |" % (sys.argv[2], sys.argv[3], sys.argv[5], s["seconds"],
      ph["inner"], ph["solve"], s["solve"].get("passes", "-"), ph["scores"], sys.argv[4]))
PY
done
