# Sourced by the integration tests that kill and resume an hpo run (it-hpo-resume.sh, it-hadoop.sh,
# it-cluster.sh), after setting ROOT: small_hpo_conf FILE writes their run — Adult at 800/800/800 rows,
# plan distributed on 2 partitions, 8 outer steps — small enough for CI, long enough to kill mid-run;
# kill_after_step_2 kills a run writing to a local --out once its second checkpoint is there.
small_hpo_conf() {
  cat > "$1" <<CONF
include file("$ROOT/conf/hpo-adult.conf")
data.paths = ["$ROOT/data/adult/adult.data.gz"]
data.split { train = 800, val = 800, test = 800 }
plan = distributed
partitions = 2
outer.steps = 8
inner.steps = 25
depth = 50
baseline.enabled = false
CONF
}

# kill_after_step_2 OUT LOG TRIES: waits up to TRIES × 0.2 s for OUT/checkpoint/step-000002.json, then
# kills the run writing to --out OUT with kill -9 and waits for it; fails (showing LOG) when the
# checkpoint never came, the run had already finished, or the killed run left a summary.json.
kill_after_step_2() {
  local out="$1" log="$2" tries="$3" pid
  for _ in $(seq 1 "$tries"); do
    [ -f "$out/checkpoint/step-000002.json" ] && break
    sleep 0.2
  done
  test -f "$out/checkpoint/step-000002.json" || { echo "no checkpoint of step 2 appeared"; cat "$log"; exit 1; }
  pid="$(pgrep -f -- "--out $out" | head -n 1 || true)"
  [ -n "$pid" ] || { echo "the run finished before it could be killed"; exit 1; }
  kill -9 "$pid"
  wait || true
  [ ! -f "$out/summary.json" ] || { echo "a killed run left a summary.json"; exit 1; }
  echo "killed pid $pid with $(ls "$out/checkpoint" | grep -c '^step-') checkpoint file(s) in place"
}
