#!/usr/bin/env bash
# HPM, PBT and plain hypergradient descent on Rastrigin and Ackley (2-d and 5-d) over SEEDS seeds:
# prints the markdown table of docs/RESULTS.md (a few seconds; no Spark).
#   bench/run-population-synthetic.sh [SEEDS]   (WORK=/tmp/hg-population-synthetic)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
WORK="${WORK:-/tmp/hg-population-synthetic}"
mkdir -p "$WORK"
CP="$(bench_classpath bench "$WORK/jars")"
java -cp "$CP" io.hypergrad.bench.PopulationSynthetic "${1:-50}"
