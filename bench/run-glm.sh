#!/usr/bin/env bash
# HVP throughput of the GLM losses and seconds per iteration on the §5.2 task configs, single-threaded.
# Run from the project root (the configs' data paths are relative to it; California and Fashion read
# ../shared/data):
#   bench/run-glm.sh [configs, comma-separated] [iterations] [repetitions]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -q -B -DskipTests package -pl bench -am)
CP="$ROOT/bench/target/hypergrad-bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
CONFS="${1:-conf/adult-l2.conf,conf/california-meta.conf,conf/fashion-influence.conf}"
exec java -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector -Xmx4g \
  -Djava.util.logging.config.file=/dev/null -cp "$CP" io.hypergrad.bench.GlmBenchmark "$CONFS" "${@:2}"
