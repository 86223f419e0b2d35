# Sourced by the bench scripts (after setting ROOT): Spark's JVM flags (SPARK_JAVA_FLAGS), the
# loopback address, and bench_classpath MODULE JARS, which builds MODULE (and the modules it needs),
# copies its jar and the project's own module jars into JARS — so that a rebuild of the tree while a
# benchmark runs cannot change them — and prints the classpath over the copies and the resolved
# dependencies (Maven's repository):
#   CP="$(bench_classpath bench "$WORK/jars")"
# shellcheck source=../deploy/java-flags.sh
source "$ROOT/deploy/java-flags.sh"
export SPARK_LOCAL_IP=127.0.0.1

bench_classpath() {
  local module="$1" jars="$2" e
  local -a entries deps=()
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl "$module" -am) >&2
  rm -rf "$jars" && mkdir -p "$jars"
  cp "$ROOT/$module"/target/hypergrad-*[0-9T].jar "$jars"/
  IFS=':' read -ra entries < <(tr -d '\n' < "$ROOT/$module/target/classpath.txt"; echo)
  for e in "${entries[@]}"; do
    case "$e" in
      "$ROOT"/*) cp "$e" "$jars"/ ;;
      *) deps+=("$e") ;;
    esac
  done
  echo "$(ls "$jars"/*.jar | tr '\n' ':')$(IFS=:; echo "${deps[*]}")"
}
