#!/usr/bin/env bash
# Submits a hypergrad job to a Spark cluster with the application jar (Spark itself is provided by
# the cluster). Options before `--` go to spark-submit, the rest to the job:
#   deploy/submit.sh --master spark://127.0.0.1:7077 -- estimate --conf conf/adult-l2.conf --set plan=chains --out out/x
#   deploy/submit.sh --master yarn --deploy-mode cluster --executor-memory 4g -- estimate --conf conf/adult-l2.conf --out hdfs:///runs/x
#   deploy/submit.sh --master k8s://https://API:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=IMAGE -- estimate --conf /opt/conf/adult-l2.conf --out s3a://bucket/x
# With a Spark distribution ($SPARK_HOME/bin/spark-submit, as on YARN and Kubernetes gateways) its
# spark-submit is used; otherwise SparkSubmit runs from the jars Maven resolves (deploy/spark-home.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=java-flags.sh
source "$ROOT/deploy/java-flags.sh"

submit_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  submit_args+=("$1")
  shift
done
if [ $# -eq 0 ]; then
  echo "usage: $0 --master URL [spark-submit options] -- <job> [job options]" >&2
  exit 2
fi
shift

master=""
for ((i = 0; i < ${#submit_args[@]}; i++)); do
  if [ "${submit_args[$i]}" = "--master" ]; then master="${submit_args[$((i + 1))]:-}"; fi
done
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*)
    # a cluster on this machine: bind the driver to the loopback address
    export SPARK_LOCAL_IP=127.0.0.1
    submit_args+=(--conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1) ;;
esac

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  APP_JAR="$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar 2>/dev/null | head -n 1 || true)"
  [ -n "$APP_JAR" ] || { (cd "$ROOT" && mvn -q -B -DskipTests package -pl spark-jobs -am) >&2; APP_JAR="$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar)"; }
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" --class io.hypergrad.cli.Hypergrad "$APP_JAR" "$@"
fi

SPARK_HOME="$("$ROOT/deploy/spark-home.sh")"
export SPARK_HOME SPARK_SCALA_VERSION=2.13
APP_JAR="$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086
exec "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Dlog4j2.configurationFile="$ROOT/spark-jobs/src/main/resources/log4j2.properties" \
  ${HYPERGRAD_JAVA_OPTS:--Xmx2g} -cp "$SPARK_HOME/jars/*" \
  org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" --class io.hypergrad.cli.Hypergrad "$APP_JAR" "$@"
