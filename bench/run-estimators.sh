#!/usr/bin/env bash
# Seconds per iteration of each estimator on the 100×100 synthetic problem, single-threaded.
#   bench/run-estimators.sh [size] [pools] [iterations] [repetitions]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -q -B -DskipTests package -pl bench -am)
CP="$ROOT/bench/target/hypergrad-bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
exec java -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector -Xmx4g \
  -Djava.util.logging.config.file=/dev/null -cp "$CP" io.hypergrad.bench.EstimatorStepBenchmark "$@"
