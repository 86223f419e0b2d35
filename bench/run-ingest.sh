#!/usr/bin/env bash
# Ingest and the whole influence job against MLlib's LogisticRegression.fit with the same objective,
# on the same generated Parquet, local[2]: 10⁶ and 4·10⁶ training rows × 100 dense features, stored
# (a) as one vector column and (b) as 100 numeric columns (the common shape of a user's table).
# Every figure is one JVM of its own, timed after its SparkSession is up:
#   scan      spark.read + (VectorAssembler) + a count over the assembled vectors
#   ingest    the table into cached, numbered partitions of contiguous rows (the jobs' first step)
#   influence the whole influence job (data.source on the table)
#   fit       MLlib LogisticRegression.fit (regParam = ρ = 1e-3, no intercept, no standardisation)
#   bench/run-ingest.sh [rows,comma-separated] [repetitions]      (WORK=/tmp/hg-ingest)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
SIZES="${1:-1000000,4000000}"
REPS="${2:-1}"
WORK="${WORK:-/tmp/hg-ingest}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
run() { java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -Djava.util.logging.config.file=/dev/null \
  -cp "$CP" io.hypergrad.bench.IngestBenchmark "$@" 2> "$WORK/last.err" | grep '^seconds' \
  || { tail -20 "$WORK/last.err" >&2; exit 1; }; }
best() { # the smallest "seconds" of REPS runs, with that run's remark
  local out="" line
  for _ in $(seq "$REPS"); do line="$(run "$@")"; out="$(printf '%s\n%s\n' "$out" "$line")"; done
  printf '%s\n' "$out" | sed '/^$/d' | sort -k2 -g | head -1
}
rows=()
IFS=',' read -ra NS <<< "$SIZES"
for n in "${NS[@]}"; do
  data="$WORK/table-$n"
  if [ ! -d "$data/columns" ]; then
    echo "generating $n rows into $data ..." >&2
    rm -rf "$data"
    run generate "$data" "$n" > /dev/null
  fi
  for shape in vector columns; do
    echo "n = $n, $shape: scan, ingest, influence, fit ..." >&2
    scan="$(best scan "$data" "$shape")"
    ingest="$(best ingest "$data" "$shape")"
    influence="$(best influence "$data" "$shape" "$ROOT/bench/ingest-influence.conf")"
    fit="$(best fit "$data" "$shape")"
    s() { echo "$1" | awk '{print $2}'; }
    ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
    rows+=("$n|$shape|$(s "$scan")|$(s "$ingest")|$(ratio "$(s "$ingest")" "$(s "$scan")")|$(s "$influence")|$(s "$fit")|$(ratio "$(s "$influence")" "$(s "$fit")")|$(echo "$influence" | cut -d' ' -f3-); fit $(echo "$fit" | cut -d' ' -f3-)")
  done
done
echo
echo "| training rows | stored as | scan s | ingest s | ingest / scan | influence job s | MLlib fit s | influence / fit | notes |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
