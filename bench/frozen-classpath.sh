# Sourced by the bench scripts. frozen_classpath ROOT MODULE JARS copies MODULE's jar and the
# project's own module jars on its classpath into JARS, so that a rebuild of the tree while a
# benchmark runs cannot change them, and prints the classpath over the copies and the resolved
# dependencies (Maven's repository):
#   CP="$(frozen_classpath "$ROOT" bench "$WORK/jars")"
frozen_classpath() {
  local root="$1" module="$2" jars="$3" e
  local -a entries deps=()
  rm -rf "$jars" && mkdir -p "$jars"
  cp "$root/$module"/target/hypergrad-*[0-9T].jar "$jars"/
  IFS=':' read -ra entries < <(tr -d '\n' < "$root/$module/target/classpath.txt"; echo)
  for e in "${entries[@]}"; do
    case "$e" in
      "$root"/*) cp "$e" "$jars"/ ;;
      *) deps+=("$e") ;;
    esac
  done
  echo "$(ls "$jars"/*.jar | tr '\n' ':')$(IFS=:; echo "${deps[*]}")"
}
