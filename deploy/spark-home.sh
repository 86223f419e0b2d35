#!/usr/bin/env bash
# Makes a SPARK_HOME from the Spark jars Maven resolves (no Spark download): target/spark-home/jars
# holds Spark 4.1.0 (Scala 2.13) and its runtime, not our own modules. Also builds the application
# jar (spark-jobs/target/hypergrad-spark-jobs-*-app.jar). Prints the SPARK_HOME path.
#   SPARK_HOME="$(deploy/spark-home.sh)"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="$ROOT/target/spark-home"
if [ ! -f "$HOME_DIR/.complete" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/spark-jobs/pom.xml" -newer "$HOME_DIR/.complete" -print -quit)" ]; then
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR/jars"
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl spark-jobs -am) >&2
  # spark-jobs' resolved classpath (Spark is `provided` there), minus our modules and the libraries
  # the application jar bundles
  tr ':' '\n' < "$ROOT/spark-jobs/target/classpath.txt" | while IFS= read -r jar || [ -n "$jar" ]; do
    case "$jar" in
      */io/hypergrad/*|*/hypergrad-*.jar|*/com/typesafe/*|*/info/picocli/*|*/org/jfree/*|"") ;;
      *) cp "$jar" "$HOME_DIR/jars/" ;;
    esac
  done
  touch "$HOME_DIR/.complete"
elif [ -z "$(ls "$ROOT"/spark-jobs/target/hypergrad-spark-jobs-*-app.jar 2>/dev/null)" ]; then
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl spark-jobs -am) >&2
fi
echo "$HOME_DIR"
