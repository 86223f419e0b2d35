#!/usr/bin/env bash
# Submits a hypergrad job to a Spark cluster with the application jar (Spark itself is provided by
# the cluster). Options before `--` go to spark-submit, the rest to the job:
#   deploy/submit.sh --master spark://127.0.0.1:7077 -- estimate --conf conf/adult-l2.conf --set plan=chains --out out/x
#   deploy/submit.sh --master yarn --deploy-mode cluster --executor-memory 4g -- estimate --conf conf/adult-l2.conf --out hdfs:///runs/x
#   deploy/submit.sh --master k8s://https://API:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=IMAGE -- estimate --conf /opt/conf/adult-l2.conf --out s3a://bucket/x
# With a Spark distribution ($SPARK_HOME/bin/spark-submit, as on YARN and Kubernetes gateways) its
# spark-submit is used; with a SPARK_HOME that holds only jars/, SparkSubmit runs from those; otherwise
# from the jars Maven resolves (deploy/spark-home.sh). For YARN, HADOOP_CONF_DIR (or YARN_CONF_DIR)
# names the directory with the cluster's core-site.xml and yarn-site.xml.
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

if [ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ]; then
  # a Spark runtime without its launch scripts (the cluster's jars): the application jar is ours to build
  [ -n "$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar 2>/dev/null)" ] \
    || (cd "$ROOT" && mvn -q -B -DskipTests package -pl spark-jobs -am) >&2
else
  SPARK_HOME="$("$ROOT/deploy/spark-home.sh")"
fi
export SPARK_HOME SPARK_SCALA_VERSION=2.13
APP_JAR="$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# as spark-submit does: the Hadoop/YARN client configuration (where the ResourceManager and HDFS are) on the classpath
CP="$SPARK_HOME/jars/*"
for d in "${YARN_CONF_DIR:-}" "${HADOOP_CONF_DIR:-}"; do
  [ -n "$d" ] && CP="$d:$CP"
done
# shellcheck disable=SC2086
exec "$JAVA" "${SPARK_JAVA_FLAGS[@]}" -Dlog4j2.configurationFile="$ROOT/spark-jobs/src/main/resources/log4j2.properties" \
  ${HYPERGRAD_JAVA_OPTS:--Xmx2g} -cp "$CP" \
  org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" --class io.hypergrad.cli.Hypergrad "$APP_JAR" "$@"
