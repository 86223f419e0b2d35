#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Spark jars Maven resolves: one master
# (spark://127.0.0.1:7077) and N workers (default 2), each worker with 1 core and 2 GiB; every
# executor is a JVM of its own. Logs and pid files go to target/local-cluster/.
#   deploy/local-cluster.sh start [workers]    deploy/local-cluster.sh stop    deploy/local-cluster.sh status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=java-flags.sh
source "$ROOT/deploy/java-flags.sh"
RUN="$ROOT/target/local-cluster"
PORT="${SPARK_MASTER_PORT:-7077}"
MASTER="spark://127.0.0.1:$PORT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

wait_for_log() { # file pattern seconds
  for _ in $(seq 1 "$3"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "local-cluster: '$2' did not appear in $1 within $3 s:" >&2
  tail -20 "$1" >&2
  return 1
}

start() {
  local workers="${1:-2}"
  SPARK_HOME="$("$ROOT/deploy/spark-home.sh")"
  export SPARK_HOME SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
  export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
  if [ -f "$RUN/master.pid" ] && kill -0 "$(cat "$RUN/master.pid")" 2>/dev/null; then
    echo "local-cluster: already running ($MASTER)" >&2
    return 0
  fi
  mkdir -p "$RUN"
  "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 8080 > "$RUN/master.log" 2>&1 &
  echo $! > "$RUN/master.pid"
  wait_for_log "$RUN/master.log" "I have been elected leader" 60
  for w in $(seq 1 "$workers"); do
    mkdir -p "$RUN/work-$w"
    "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Xmx256m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "$MASTER" \
      --host 127.0.0.1 --cores 1 --memory "${WORKER_MEMORY:-2g}" --webui-port $((8080 + w)) --work-dir "$RUN/work-$w" > "$RUN/worker-$w.log" 2>&1 &
    echo $! > "$RUN/worker-$w.pid"
  done
  for w in $(seq 1 "$workers"); do
    wait_for_log "$RUN/worker-$w.log" "Successfully registered with master" 60
  done
  echo "local-cluster: master $MASTER with $workers workers (logs in $RUN)" >&2
  echo "$MASTER"
}

stop() {
  [ -d "$RUN" ] || return 0
  for f in "$RUN"/worker-*.pid "$RUN"/master.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    # a worker's executors are its children: take them down with it
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  pkill -f "org.apache.spark.executor.CoarseGrainedExecutorBackend.*127.0.0.1:$PORT" 2>/dev/null || true
  echo "local-cluster: stopped" >&2
}

status() {
  for f in "$RUN"/master.pid "$RUN"/worker-*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running ($pid)"; else echo "$(basename "$f" .pid): dead"; fi
  done
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [workers] | stop | status" >&2; exit 2 ;;
esac
