# Sourced by the integration tests that kill and resume an hpo run (it-hpo-resume.sh, it-hadoop.sh),
# after setting ROOT: small_hpo_conf FILE writes their run — Adult at 800/800/800 rows, plan
# distributed on 2 partitions, 8 outer steps — small enough for CI, long enough to kill mid-run.
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
