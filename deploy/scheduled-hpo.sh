#!/usr/bin/env bash
# One scheduled hpo run, for cron or a systemd timer: submits the job through deploy/submit.sh with
# an --out per run date, so that a run that failed (node lost, job killed, machine rebooted) is
# simply started again by the next trigger or by hand and resumes from its last outer-step
# checkpoint; a run already finished is not repeated. A lock keeps two triggers from overlapping.
#   deploy/scheduled-hpo.sh CONF RUNS_DIR [spark-submit options...]
# e.g. deploy/scheduled-hpo.sh conf/hpo-adult.conf /srv/hypergrad/runs --master spark://head:7077
# The checkpoint goes wherever the config's checkpoint_dir says (HDFS, s3a://…), default RUN/checkpoint.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 CONF RUNS_DIR [spark-submit options...]" >&2
  exit 2
fi
CONF="$1"
RUNS="$2"
shift 2
SUBMIT_OPTS=("$@")
[ ${#SUBMIT_OPTS[@]} -gt 0 ] || SUBMIT_OPTS=(--master "local[2]")
RUN_DATE="${RUN_DATE:-$(date -u +%F)}"
NAME="$(basename "$CONF" .conf)"
OUT="$RUNS/$NAME/$RUN_DATE"
mkdir -p "$RUNS/$NAME"
exec 9> "$RUNS/$NAME/.lock"
if ! flock -n 9; then
  echo "scheduled-hpo: another $NAME run holds $RUNS/$NAME/.lock; not starting a second one" >&2
  exit 0
fi
if [ -f "$OUT/summary.json" ]; then
  echo "scheduled-hpo: $OUT is complete (summary.json); nothing to do"
  exit 0
fi
echo "scheduled-hpo: $NAME into $OUT ($(date -u +%FT%TZ))"
# resumes from $OUT/checkpoint when an earlier attempt of this date left one
exec "$ROOT/deploy/submit.sh" "${SUBMIT_OPTS[@]}" -- hpo --conf "$CONF" --out "$OUT"
