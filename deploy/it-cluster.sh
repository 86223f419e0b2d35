#!/usr/bin/env bash
# Integration test on a real standalone cluster (run by .ci/run): starts a master and 2 workers on
# this machine (deploy/local-cluster.sh; every executor its own JVM), submits `estimate` on the
# shipped Adult data in plan `distributed`, checks the error curves equal a local[2] run of the same
# config, then submits it again, kills one executor JVM (kill -9) mid-job and checks the job still
# finishes with the same curves. Then an hpo population (method hpm, driver plan: every student a Spark
# task on the executors) must give the local[2] run's λ, model, history and population log; its driver
# killed with kill -9 after round 2 and submitted again must resume to the same bytes. Exits non-zero
# on any difference.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=it-hpo-small.sh
source deploy/it-hpo-small.sh
WORK="$(mktemp -d)"
trap 'deploy/local-cluster.sh stop || true' EXIT

JOB=(estimate --conf conf/adult-l2.conf --set plan=distributed --set partitions=4 --set iterations=150 --set seeds=2
  --set reference=cg --set 'estimators=[{method=neumann},{method=mixed-fp-km,alpha=0.95,schedule=linear,eta0=20,t0=50},{method=cg}]')

echo "== local[2]"
HYPERGRAD_JAVA_OPTS="-Dspark.master=local[2]" bin/hypergrad "${JOB[@]}" --out "$WORK/local" > "$WORK/local.log" 2>&1 \
  || { cat "$WORK/local.log"; exit 1; }

MASTER="$(deploy/local-cluster.sh start 2)"
echo "== $MASTER"
start=$(date +%s)
deploy/submit.sh --master "$MASTER" --executor-memory 1g -- "${JOB[@]}" --out "$WORK/cluster" > "$WORK/cluster.log" 2>&1 \
  || { cat "$WORK/cluster.log"; exit 1; }
echo "cluster run: $(( $(date +%s) - start )) s"
cmp "$WORK/local/errors.csv" "$WORK/cluster/errors.csv"
cmp "$WORK/local/hypergradient.json" "$WORK/cluster/hypergradient.json"
echo "cluster result = local[2] result"

echo "== again, killing an executor mid-job"
deploy/submit.sh --master "$MASTER" --executor-memory 1g -- "${JOB[@]}" --out "$WORK/killed" > "$WORK/killed.log" 2>&1 &
job=$!
for _ in $(seq 1 120); do
  grep -q "^plan distributed:" "$WORK/killed.log" && break
  sleep 0.5
done
sleep 3
# this cluster's own executor: a child of one of its workers (not any executor JVM on the host)
victim=""
for pidfile in target/local-cluster/worker-*.pid; do
  victim="$(pgrep -P "$(cat "$pidfile")" -f 'org.apache.spark.executor.CoarseGrainedExecutorBackend' | head -n 1 || true)"
  [ -n "$victim" ] && break
done
[ -n "$victim" ] || { echo "no executor JVM found to kill" >&2; cat "$WORK/killed.log"; exit 1; }
kill -9 "$victim"
echo "killed executor JVM $victim"
if ! wait "$job"; then
  cat "$WORK/killed.log"
  exit 1
fi
grep -q "wrote " "$WORK/killed.log"
cmp "$WORK/local/errors.csv" "$WORK/killed/errors.csv"
echo "the job survived the lost executor with the same result"
grep -h "Lost executor\|Removed executor\|Executor.*exited\|lost" "$WORK/killed.log" | head -n 3 || true

echo "== hpm: a population of students as tasks on the cluster, the driver killed after round 2 and resumed"
HPM_CONF="$WORK/hpm.conf"
cat > "$HPM_CONF" <<CONF
include file("$ROOT/conf/hpo-adult.conf")
data.paths = ["$ROOT/data/adult/adult.data.gz"]
data.split { train = 800, val = 800, test = 800 }
plan = driver
method = hpm
population { size = 6, ready_steps = 2 }
outer.steps = 8
inner.steps = 25
depth = 40
baseline.enabled = false
CONF
HYPERGRAD_JAVA_OPTS="-Dspark.master=local[2]" bin/hypergrad hpo --conf "$HPM_CONF" --out "$WORK/hpm-local" \
  > "$WORK/hpm-local.log" 2>&1 || { cat "$WORK/hpm-local.log"; exit 1; }
HPM="$WORK/hpm-cluster"
deploy/submit.sh --master "$MASTER" --executor-memory 1g -- hpo --conf "$HPM_CONF" --out "$HPM" > "$WORK/hpm-killed.log" 2>&1 &
kill_after_step_2 "$HPM" "$WORK/hpm-killed.log" 900
deploy/submit.sh --master "$MASTER" --executor-memory 1g -- hpo --conf "$HPM_CONF" --out "$HPM" > "$WORK/hpm-resumed.log" 2>&1 \
  || { cat "$WORK/hpm-resumed.log"; exit 1; }
grep -q "resuming from the checkpoint of round" "$WORK/hpm-resumed.log" || { cat "$WORK/hpm-resumed.log"; exit 1; }
grep -q '"student_tasks" : true' "$HPM/summary.json" || { echo "the students did not run as tasks"; exit 1; }
for f in lambda.json model.json population.csv; do
  cmp "$WORK/hpm-local/$f" "$HPM/$f"
done
cmp <(cut -d, -f1-11 "$WORK/hpm-local/history.csv") <(cut -d, -f1-11 "$HPM/history.csv")
echo "hpm on the cluster, killed and resumed = hpm on local[2] (λ, model, history, population log)"
