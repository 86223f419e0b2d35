#!/usr/bin/env bash
# A user's CSV table at scale on a real standalone cluster (deploy/local-cluster.sh: executors in
# JVMs of their own) with the driver's heap fixed (DRIVER_XMX, default 512m) for every size: the CSV
# (id, label, is_val, 100 numeric columns; generated on the executors) goes through `prepare`
# (read, checked, assembled, split and written on the executors) and `influence` (on the prepared
# Parquet). The driver's peak RSS, from /usr/bin/time, must not grow with the row count.
#   bench/run-table-scale.sh [rows,comma-separated]      (WORK=/tmp/hg-table-scale)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
SIZES="${1:-1000000,4000000}"
WORK="${WORK:-/tmp/hg-table-scale}"
DRIVER_XMX="${DRIVER_XMX:-512m}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
JARS="$(ls "$WORK"/jars/*.jar | tr '\n' ',' | sed 's/,$//')"
peak() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1"; }
local2() { java "${SPARK_JAVA_FLAGS[@]}" -Xmx8g -Dspark.master="local[2]" -cp "$CP" "$@"; }
SCHEMA="$(local2 io.hypergrad.bench.IngestBenchmark csv-schema 2> /dev/null | sed 's/^seconds [0-9.]* //')"

WORKER_MEMORY="${WORKER_MEMORY:-7g}" "$ROOT/deploy/local-cluster.sh" start 2 > /dev/null
trap '"$ROOT/deploy/local-cluster.sh" stop > /dev/null' EXIT
on_cluster() { # log time args...
  local log="$1" time="$2"
  shift 2
  /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx"$DRIVER_XMX" -Dspark.master=spark://127.0.0.1:7077 \
    -Dspark.driver.host=127.0.0.1 -Dspark.executor.memory=6g -Dspark.cores.max=2 \
    -Dspark.executor.extraJavaOptions="${SPARK_JAVA_FLAGS[*]}" -Dspark.jars="$JARS" \
    -cp "$CP" io.hypergrad.cli.Hypergrad "$@" > "$log" 2> "$time" || { tail -n 20 "$log"; tail -n 20 "$time"; exit 1; }
}
rows=()
IFS=',' read -ra NS <<< "$SIZES"
for n in "${NS[@]}"; do
  csv="$WORK/csv-$n"
  if [ ! -d "$csv" ]; then
    echo "generating $n rows of CSV into $csv ..." >&2
    local2 io.hypergrad.bench.IngestBenchmark generate-csv "$csv" "$n" > /dev/null 2> "$WORK/generate.err" \
      || { tail "$WORK/generate.err"; exit 1; }
  fi
  prepared="$WORK/prepared-$n"
  out="$WORK/influence-$n"
  rm -rf "$prepared" "$out"
  echo "prepare, $n rows, driver -Xmx$DRIVER_XMX ..." >&2
  on_cluster "$WORK/prepare-$n.log" "$WORK/prepare-$n.time" prepare --conf "$ROOT/bench/table-scale-data.conf" \
    --set "data.source.path=\"$csv\"" --set "data.source.schema=\"$SCHEMA\"" --out "$prepared"
  echo "influence, $n rows, driver -Xmx$DRIVER_XMX ..." >&2
  on_cluster "$WORK/influence-$n.log" "$WORK/influence-$n.time" influence --conf "$ROOT/bench/table-scale.conf" \
    --set "data.prepared=\"$prepared\"" --out "$out"
  ps="$(sed -n 's/^wrote .*(\([0-9.]*\) s)$/\1/p' "$WORK/prepare-$n.log" | tail -1)"
  is="$(python3 -c "import json;print(round(json.load(open('$out/summary.json'))['seconds'],1))")"
  rows+=("$n|$ps|$(( $(peak "$WORK/prepare-$n.time") / 1024 ))|$is|$(( $(peak "$WORK/influence-$n.time") / 1024 ))")
done
echo
echo "| training rows | prepare s | prepare: driver peak RSS MB | influence s | influence: driver peak RSS MB |"
echo "|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
