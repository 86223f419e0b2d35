#!/usr/bin/env bash
# Influence on sparse high-dimensional data: a LIBSVM file of 10⁶ rows, 2¹⁸ hashed features and
# about 50 non-zeros per row (generated on the executors), logistic + L2, s by cg, local[2] in one
# JVM: the job's time, its phases and the process's peak RSS; then method = exact, which must be
# refused with a message naming exact_max_p.
#   bench/run-sparse-influence.sh [rows]      (WORK=/tmp/hg-sparse)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
N="${1:-1000000}"
WORK="${WORK:-/tmp/hg-sparse}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
data="$WORK/rows-$N.libsvm"
if [ ! -d "$data" ]; then
  echo "generating $N rows into $data ..." >&2
  java "${SPARK_JAVA_FLAGS[@]}" -Xmx8g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.bench.IngestBenchmark \
    generate-libsvm "$data" "$N" > /dev/null 2> "$WORK/generate.err" || { tail "$WORK/generate.err"; exit 1; }
fi
out="$WORK/out-$N"
rm -rf "$out"
/usr/bin/time -v java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.cli.Hypergrad \
  influence --conf "$ROOT/bench/sparse-influence.conf" --set "data.source.path=\"$data\"" --out "$out" \
  > "$WORK/cg.log" 2> "$WORK/cg.time" || { tail -20 "$WORK/cg.log" "$WORK/cg.time"; exit 1; }
set +e
java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="local[2]" -cp "$CP" io.hypergrad.cli.Hypergrad influence \
  --conf "$ROOT/bench/sparse-influence.conf" --set "data.source.path=\"$data\"" --set method=exact \
  --out "$WORK/exact-$N" > "$WORK/exact.log" 2> "$WORK/exact.err"
rc=$?
set -e
python3 - "$out/summary.json" "$WORK/cg.time" "$N" "$rc" "$WORK/exact.err" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) // 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)", t).group(1)
ph = s["phase_seconds"]
print("| rows | features | job s | wall | peak RSS MB | phases (s) | exact |")
print("|---|---|---|---|---|---|---|")
err = [l for l in open(sys.argv[5]).read().splitlines() if l.startswith("hypergrad:")]
print("| %s | %d | %.1f | %s | %d | %s | exit %s: %s |" % (sys.argv[3], s.get("p", 0), s["seconds"], wall, rss,
      ", ".join("%s %.1f" % (k, v) for k, v in ph.items()), sys.argv[4], err[0] if err else "(no message)"))
PY
