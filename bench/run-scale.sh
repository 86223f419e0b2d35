#!/usr/bin/env bash
# The distributed oracle at 10⁵ / 10⁶ / 4·10⁶ rows × 100 dense features on an embedded local[2] Spark
# (about 3.4 GB of cached rows at 4·10⁶, so the JVM gets 12 GB).
#   bench/run-scale.sh [rows,comma-separated] [partitions] [repetitions]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../deploy/java-flags.sh
source "$ROOT/deploy/java-flags.sh"
(cd "$ROOT" && mvn -q -B -DskipTests package -pl bench -am)
CP="$ROOT/bench/target/hypergrad-bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
export SPARK_LOCAL_IP=127.0.0.1
exec java "${SPARK_JAVA_FLAGS[@]}" -Xmx12g -Dspark.master="${SPARK_MASTER:-local[2]}" \
  -Djava.util.logging.config.file=/dev/null -cp "$CP" io.hypergrad.bench.ScaleBenchmark "$@"
