#!/usr/bin/env bash
# The influence job at scale: generated binary-logistic data, 100 dense features, 10⁶ and 4·10⁶
# training rows (prepare-format Parquet, generated on the executors and cached under $WORK).
# Each size runs the real job twice:
#   - embedded local[2] in one 12 GB JVM: total time and the process's peak RSS (which holds the
#     executors' cached rows too);
#   - on a standalone cluster (deploy/local-cluster.sh, executors in their own JVMs) with the driver
#     capped at a fixed -Xmx (DRIVER_XMX, default 768m) for every n: the driver's peak RSS. A driver
#     that held anything of size n would fail at 4·10⁶ rows (32 MB per n-vector, 3.2 GB of rows).
#   bench/run-influence-scale.sh [rows,comma-separated]      (WORK=/tmp/hg-influence-scale)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
SIZES="${1:-1000000,4000000}"
WORK="${WORK:-/tmp/hg-influence-scale}"
DRIVER_XMX="${DRIVER_XMX:-768m}"
mkdir -p "$WORK"
JARS="$WORK/jars"
CP="$(bench_classpath bench "$JARS")"

peak() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$1"; }

rows=()
IFS=',' read -ra NS <<< "$SIZES"
for n in "${NS[@]}"; do
  data="$WORK/data-$n"
  if [ ! -f "$data/metadata.json" ]; then
    echo "generating $n rows into $data ..."
    rm -rf "$data"
    java "${SPARK_JAVA_FLAGS[@]}" -Xmx8g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.bench.LogisticDataGenerator "$data" "$n"
  fi
  out="$WORK/out-local-$n"
  rm -rf "$out"
  echo "influence on local[2], $n rows ..."
  /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.cli.Hypergrad \
    influence --conf "$ROOT/bench/influence-scale.conf" --set "data.prepared=\"$data\"" --out "$out" \
    > "$WORK/local-$n.log" 2> "$WORK/local-$n.time" || { tail -20 "$WORK/local-$n.log" "$WORK/local-$n.time"; exit 1; }
  local_s="$(python3 -c "import json;print(round(json.load(open('$out/summary.json'))['seconds'],1))")"
  local_phase="$(python3 -c "import json;s=json.load(open('$out/summary.json'))['phase_seconds'];print('inner %.1f, solve %.1f, scores %.1f' % (s['inner'], s['solve'], s['scores']))")"
  rows+=("$n|local[2]|$local_s|$(wall "$WORK/local-$n.time")|$(( $(peak "$WORK/local-$n.time") / 1024 ))|$local_phase")
done

if [ "${CLUSTER:-1}" = "1" ]; then
  WORKER_MEMORY="${WORKER_MEMORY:-7g}" "$ROOT/deploy/local-cluster.sh" start 2 > /dev/null
  trap '"$ROOT/deploy/local-cluster.sh" stop > /dev/null' EXIT
  for n in "${NS[@]}"; do
    data="$WORK/data-$n"
    out="$WORK/out-cluster-$n"
    rm -rf "$out"
    echo "influence on the standalone cluster, $n rows, driver -Xmx$DRIVER_XMX ..."
    /usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx"$DRIVER_XMX" -Dspark.master=spark://127.0.0.1:7077 \
      -Dspark.driver.host=127.0.0.1 -Dspark.executor.memory=6g -Dspark.cores.max=2 \
      -Dspark.executor.extraJavaOptions="${SPARK_JAVA_FLAGS[*]}" -Dspark.jars="$(ls "$JARS"/*.jar | tr '\n' ',' | sed 's/,$//')" \
      -cp "$CP" io.hypergrad.cli.Hypergrad influence --conf "$ROOT/bench/influence-scale.conf" \
      --set "data.prepared=\"$data\"" --out "$out" > "$WORK/cluster-$n.log" 2> "$WORK/cluster-$n.time" \
      || { tail -20 "$WORK/cluster-$n.log" "$WORK/cluster-$n.time"; exit 1; }
    cs="$(python3 -c "import json;print(round(json.load(open('$out/summary.json'))['seconds'],1))")"
    cphase="$(python3 -c "import json;s=json.load(open('$out/summary.json'))['phase_seconds'];print('inner %.1f, solve %.1f, scores %.1f' % (s['inner'], s['solve'], s['scores']))")"
    rows+=("$n|cluster, driver -Xmx$DRIVER_XMX|$cs|$(wall "$WORK/cluster-$n.time")|$(( $(peak "$WORK/cluster-$n.time") / 1024 ))|$cphase")
  done
fi

echo
echo "| training rows | where | job seconds | wall (incl. JVM start) | peak RSS of the measured JVM (MB) | phases (s) |"
echo "|---|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
