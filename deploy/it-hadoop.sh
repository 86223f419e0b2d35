#!/usr/bin/env bash
# Integration test against real Hadoop services (run by .ci/run): an HDFS (MiniDFSCluster, one
# DataNode) and a YARN (MiniYARNCluster: a ResourceManager and two NodeManagers whose containers are
# separate JVMs) from the Maven-resolved Hadoop minicluster 3.4.2, the Hadoop version Spark 4.1 is
# built against (deploy/it-hadoop/). Checks, each against a run on local files with local[2]:
#   HDFS  prepare reads the raw Adult file from hdfs:// and writes its Parquet there; influence reads
#         that and writes its scores there — the same top.csv as the local run;
#         hpo checkpoints to hdfs://, is killed with kill -9 after its second step, and the same command
#         resumes it to the uninterrupted run's λ, model and history byte for byte (that run's --out,
#         checkpoint inside, on HDFS too); a checkpoint damaged on HDFS is refused, naming it;
#   YARN  deploy/submit.sh --master yarn (client mode) runs `estimate --set plan=chains` and `influence`
#         with the same results byte for byte; an executor container killed with kill -9 mid-job and the
#         job still ends with the same result; cluster mode (the driver in a container, the config
#         shipped with --files, data and --out on HDFS) gives influence's result too.
# YARN runs Spark 4.2.0's runtime with its spark-yarn (the registry serves no spark-yarn 4.1.x; see
# deploy/it-hadoop/yarn-spark/pom.xml): our application jar, built against 4.1.0, is submitted unchanged.
# Exits 0 only when every check holds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=java-flags.sh
source deploy/java-flags.sh
# shellcheck source=it-hpo-small.sh
source deploy/it-hpo-small.sh
WORK="$(mktemp -d)"
start=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - start )) s)"; }
fail() { echo "it-hadoop: $1" >&2; shift; for f in "$@"; do echo "--- $f" >&2; tail -n 40 "$f" >&2; done; exit 1; }

step "building the minicluster and the YARN cluster's Spark runtime"
(cd deploy/it-hadoop && mvn -q -B package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt) >&2
(cd deploy/it-hadoop/yarn-spark && mvn -q -B dependency:copy-dependencies -DoutputDirectory=target/jars \
  -DincludeScope=runtime) >&2
deploy/spark-home.sh > /dev/null # the application jar
HCP="$ROOT/deploy/it-hadoop/target/hypergrad-it-hadoop-0.1.0-SNAPSHOT.jar:$(cat deploy/it-hadoop/target/classpath.txt)"
hadoop() { java "${SPARK_JAVA_FLAGS[@]}" -Xmx256m -cp "$HCP" io.hypergrad.it.HadoopMiniCluster "$@" 2>> "$WORK/hadoop-tools.log"; }

step "starting HDFS and YARN"
mkdir -p "$WORK/hadoop"
(cd "$WORK/hadoop" && exec java "${SPARK_JAVA_FLAGS[@]}" -Xmx1g -cp "$HCP" io.hypergrad.it.HadoopMiniCluster serve \
  "$WORK/hadoop") > "$WORK/hadoop.log" 2>&1 &
HADOOP_PID=$!
OK=0
cleanup() {
  touch "$WORK/hadoop/stop"
  for _ in $(seq 1 50); do kill -0 "$HADOOP_PID" 2>/dev/null || break; sleep 0.2; done
  kill "$HADOOP_PID" 2>/dev/null || true
  # the containers of a YARN application this test started, should one outlive it
  pkill -9 -f "$WORK/hadoop/" 2>/dev/null || true
  if [ "$OK" = 1 ]; then rm -rf "$WORK"; else echo "it-hadoop: logs kept in $WORK" >&2; fi
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  [ -f "$WORK/hadoop/fs.uri" ] && break
  kill -0 "$HADOOP_PID" 2>/dev/null || fail "the minicluster did not start" "$WORK/hadoop.log"
  sleep 0.2
done
[ -f "$WORK/hadoop/fs.uri" ] || fail "the minicluster did not start within 120 s" "$WORK/hadoop.log"
FS="$(cat "$WORK/hadoop/fs.uri")"
grep -E "^(HDFS|YARN)" "$WORK/hadoop.log"

local2() { # a run on local files with local[2]: log name, job args
  local name="$1"; shift
  HYPERGRAD_JAVA_OPTS="-Dspark.master=local[2]" bin/hypergrad "$@" > "$WORK/$name.log" 2>&1 \
    || fail "$name failed" "$WORK/$name.log"
}

step "HDFS: prepare reads the raw file from hdfs:// and writes Parquet there; influence reads it and writes there"
hadoop put data/adult/adult.data.gz "$FS/raw/adult.data.gz"
local2 inf-local influence --conf conf/influence-adult-table.conf --set partitions=2 --out "$WORK/inf-local"
local2 prep-hdfs prepare --conf conf/prepare-adult-table.conf --set partitions=2 \
  --set "data.source.path=\"$FS/raw/adult.data.gz\"" --out "$FS/prepared"
hadoop exists "$FS/prepared/train/_SUCCESS" || fail "no train/ Parquet on HDFS" "$WORK/prep-hdfs.log"
local2 inf-hdfs influence --conf conf/influence-adult.conf --set partitions=2 --set "data.prepared=\"$FS/prepared\"" \
  --out "$FS/influence"
hadoop exists "$FS/influence/scores/_SUCCESS" || fail "no scores/ Parquet on HDFS" "$WORK/inf-hdfs.log"
hadoop get "$FS/influence/top.csv" "$WORK/inf-hdfs-top.csv"
cmp "$WORK/inf-local/top.csv" "$WORK/inf-hdfs-top.csv" || fail "HDFS scores differ from the local run's"
echo "prepared on HDFS from HDFS, influence from and to HDFS: the local run's top.csv byte for byte"

step "HDFS: hpo checkpoints there, is killed after outer step 2, and resumes"
CONF="$WORK/hpo-small.conf"
small_hpo_conf "$CONF"
hpo() { # name, more args
  local name="$1"; shift
  bin/hypergrad hpo --conf "$CONF" --set "checkpoint_dir=\"$FS/checkpoints/$name\"" --out "$WORK/$name" "$@"
}
# the uninterrupted run writes its results (and its checkpoint, inside them) to HDFS
bin/hypergrad hpo --conf "$CONF" --out "$FS/hpo/whole" > "$WORK/whole.log" 2>&1 || fail "hpo failed" "$WORK/whole.log"
hadoop exists "$FS/hpo/whole/checkpoint/step-000008.json" || fail "no checkpoint in the HDFS --out" "$WORK/whole.log"
mkdir -p "$WORK/whole"
for f in lambda.json model.json history.csv summary.json; do hadoop get "$FS/hpo/whole/$f" "$WORK/whole/$f"; done
hpo killed > "$WORK/killed.log" 2>&1 &
HPO_PID=$!
hadoop await "$FS/checkpoints/killed/step-000002.json" 120 || fail "no checkpoint of step 2" "$WORK/killed.log"
pid="$(pgrep -f -- "--out $WORK/killed" | while read -r p; do
  [ "$(ps -o comm= -p "$p")" = java ] && echo "$p"; done | head -n 1 || true)"
[ -n "$pid" ] || fail "the run finished before it could be killed" "$WORK/killed.log"
kill -9 "$pid"
wait "$HPO_PID" || true
[ ! -f "$WORK/killed/summary.json" ] || fail "a killed run left a summary.json"
echo "killed pid $pid after its checkpoint of step 2 on HDFS"
hpo killed > "$WORK/resumed.log" 2>&1 || fail "the resumed run failed" "$WORK/resumed.log"
grep -q "resuming from the checkpoint of outer step" "$WORK/resumed.log" || fail "it did not resume" "$WORK/resumed.log"
cmp "$WORK/whole/lambda.json" "$WORK/killed/lambda.json"
cmp "$WORK/whole/model.json" "$WORK/killed/model.json"
cmp <(cut -d, -f1-11 "$WORK/whole/history.csv") <(cut -d, -f1-11 "$WORK/killed/history.csv")
echo "resumed from HDFS = the uninterrupted run (λ, model and history, byte for byte)"

step "HDFS: a damaged checkpoint is refused"
hadoop corrupt "$FS/checkpoints/killed/step-000008.json"
if hpo killed --set outer.steps=9 > "$WORK/corrupt.log" 2>&1; then
  fail "a damaged checkpoint was accepted" "$WORK/corrupt.log"
fi
grep "hypergrad: error:" "$WORK/corrupt.log" | grep -q "step-000008" || fail "the refusal does not name the file" \
  "$WORK/corrupt.log"
grep "hypergrad: error:" "$WORK/corrupt.log"

# spark-submit to YARN, the ResourceManager and HDFS named by the minicluster's client configuration
export HADOOP_CONF_DIR="$WORK/hadoop/conf" SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$WORK/spark-yarn"
ln -s "$ROOT/deploy/it-hadoop/yarn-spark/target/jars" "$WORK/spark-yarn/jars"
YARN_ARGS=(--master yarn --num-executors 2 --executor-cores 1 --executor-memory 640m
  # the NodeManagers run on this machine: the runtime is there, nothing to upload
  --conf "spark.yarn.jars=local:$WORK/spark-yarn/jars/*")
CLIENT=(--deploy-mode client --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1)
yarn() { # log name, submit args -- job args
  local name="$1"; shift
  SPARK_HOME="$WORK/spark-yarn" HYPERGRAD_JAVA_OPTS=-Xmx1g deploy/submit.sh "${YARN_ARGS[@]}" "$@" > "$WORK/$name.log" 2>&1
}

step "YARN (client mode): estimate --set plan=chains"
EST=(estimate --conf conf/adult-l2.conf --set plan=chains --set partitions=4)
local2 est-local "${EST[@]}" --out "$WORK/est-local"
yarn est-yarn "${CLIENT[@]}" -- "${EST[@]}" --out "$WORK/est-yarn" || fail "estimate on YARN failed" "$WORK/est-yarn.log"
grep -q "on yarn" "$WORK/est-yarn.log" || fail "estimate did not run on YARN" "$WORK/est-yarn.log"
cmp "$WORK/est-local/errors.csv" "$WORK/est-yarn/errors.csv"
cmp "$WORK/est-local/hypergradient.json" "$WORK/est-yarn/hypergradient.json"
echo "estimate on YARN = local[2] (errors.csv, hypergradient.json)"

step "YARN (client mode): influence from HDFS to HDFS"
yarn inf-yarn "${CLIENT[@]}" -- influence --conf conf/influence-adult.conf --set partitions=2 \
  --set "data.prepared=\"$FS/prepared\"" --out "$FS/influence-yarn" || fail "influence on YARN failed" "$WORK/inf-yarn.log"
hadoop get "$FS/influence-yarn/top.csv" "$WORK/inf-yarn-top.csv"
cmp "$WORK/inf-local/top.csv" "$WORK/inf-yarn-top.csv" || fail "YARN scores differ from the local run's"
echo "influence on YARN = local[2] (top.csv)"

step "YARN (client mode): an executor container killed with kill -9 mid-job"
DIST=(estimate --conf conf/adult-l2.conf --set plan=distributed --set partitions=4 --set iterations=150 --set seeds=2
  --set reference=cg --set 'estimators=[{method=neumann},{method=mixed-fp-km,alpha=0.95,schedule=linear,eta0=20,t0=50},{method=cg}]')
local2 dist-local "${DIST[@]}" --out "$WORK/dist-local"
yarn dist-yarn "${CLIENT[@]}" -- "${DIST[@]}" --out "$WORK/dist-yarn" &
JOB_PID=$!
for _ in $(seq 1 300); do
  grep -q "^plan distributed:" "$WORK/dist-yarn.log" 2>/dev/null && break
  kill -0 "$JOB_PID" 2>/dev/null || break
  sleep 0.2
done
sleep 2
# an executor of this test's YARN: its container's log directory is under the minicluster's
victim="$(pgrep -f "YarnCoarseGrainedExecutorBackend" | while read -r p; do
  tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "$WORK/hadoop/" && echo "$p"; done | head -n 1 || true)"
[ -n "$victim" ] || { wait "$JOB_PID" || true; fail "no executor container to kill" "$WORK/dist-yarn.log"; }
container="$(tr '\0' ' ' < "/proc/$victim/cmdline" 2>/dev/null | grep -o 'container_[0-9_]*' | head -n 1 || true)"
kill -9 "$victim"
echo "killed executor JVM $victim ($container)"
wait "$JOB_PID" || fail "the job did not survive the lost container" "$WORK/dist-yarn.log"
cmp "$WORK/dist-local/errors.csv" "$WORK/dist-yarn/errors.csv"
cmp "$WORK/dist-local/hypergradient.json" "$WORK/dist-yarn/hypergradient.json"
grep -h -m 2 -i "lost executor\|Container .* exited\|Completed container" "$WORK/dist-yarn.log" || true
echo "the job survived the lost container with local[2]'s result"

step "YARN (cluster mode): the driver in a container, the config shipped, data and --out on HDFS"
yarn inf-cluster --deploy-mode cluster --driver-memory 768m --files conf/influence-adult.conf \
  -- influence --conf influence-adult.conf --set partitions=2 --set "data.prepared=\"$FS/prepared\"" \
  --out "$FS/influence-cluster" || fail "influence in cluster mode failed" "$WORK/inf-cluster.log"
hadoop get "$FS/influence-cluster/top.csv" "$WORK/inf-cluster-top.csv"
cmp "$WORK/inf-local/top.csv" "$WORK/inf-cluster-top.csv" || fail "cluster-mode scores differ from the local run's"
echo "influence in cluster mode = local[2] (top.csv)"

echo "it-hadoop: every check held ($(( $(date +%s) - start )) s)"
OK=1
