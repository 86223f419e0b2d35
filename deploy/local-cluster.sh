#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Spark jars Maven resolves: one master and
# N workers (default 2), each worker with 1 core and 2 GiB; every executor is a JVM of its own. The
# master's port and every web UI's are free ones the system picks (set SPARK_MASTER_PORT to fix the
# master's); start prints the master URL on stdout and the ports on stderr. Logs, pid files and the
# master URL (master.url) go to target/local-cluster/.
#   deploy/local-cluster.sh start [workers]    deploy/local-cluster.sh stop    deploy/local-cluster.sh status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=java-flags.sh
source "$ROOT/deploy/java-flags.sh"
RUN="$ROOT/target/local-cluster"
PORT="${SPARK_MASTER_PORT:-0}"
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
    echo "local-cluster: already running ($(cat "$RUN/master.url"))" >&2
    cat "$RUN/master.url"
    return 0
  fi
  mkdir -p "$RUN"
  # port 0: the system picks a free one, so two clusters (or another user's) on one host do not collide
  "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 0 > "$RUN/master.log" 2>&1 &
  echo $! > "$RUN/master.pid"
  wait_for_log "$RUN/master.log" "I have been elected leader" 60
  local master
  master="$(grep -o 'Starting Spark master at spark://[^ ]*' "$RUN/master.log" | head -n 1 | sed 's/.* at //')"
  [ -n "$master" ] || { echo "local-cluster: no master URL in $RUN/master.log" >&2; return 1; }
  echo "$master" > "$RUN/master.url"
  for w in $(seq 1 "$workers"); do
    mkdir -p "$RUN/work-$w"
    "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Xmx256m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "$master" \
      --host 127.0.0.1 --port 0 --cores 1 --memory "${WORKER_MEMORY:-2g}" --webui-port 0 --work-dir "$RUN/work-$w" \
      > "$RUN/worker-$w.log" 2>&1 &
    echo $! > "$RUN/worker-$w.pid"
  done
  for w in $(seq 1 "$workers"); do
    wait_for_log "$RUN/worker-$w.log" "Successfully registered with master" 60
  done
  echo "local-cluster: master $master with $workers workers (logs in $RUN); web UIs: $(ui_ports)" >&2
  echo "$master"
}

# the web UIs' ports, as each daemon's log reports the one it bound
ui_ports() {
  local f port list=""
  for f in "$RUN"/master.log "$RUN"/worker-*.log; do
    port="$(grep -o "started at http://[^ ]*" "$f" | head -n 1 | sed 's/.*://')"
    list="$list $(basename "$f" .log) ${port:-?}"
  done
  echo "${list# }"
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
  rm -f "$RUN/master.url"
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
