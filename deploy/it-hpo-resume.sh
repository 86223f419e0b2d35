#!/usr/bin/env bash
# Integration test of scheduled, resumable hpo (run by .ci/run): a small Adult hpo run in plan
# distributed through deploy/scheduled-hpo.sh (spark-submit path, local[2]); the driver JVM is killed
# with kill -9 after its second outer-step checkpoint; the next trigger resumes it, and the final λ
# and history must equal those of an uninterrupted run byte for byte. A third trigger finds the run
# complete and does nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=it-hpo-small.sh
source deploy/it-hpo-small.sh
WORK="$(mktemp -d)"
CONF="$WORK/hpo-small.conf"
small_hpo_conf "$CONF"

echo "== uninterrupted"
RUN_DATE=whole deploy/scheduled-hpo.sh "$CONF" "$WORK/runs" --master 'local[2]' > "$WORK/whole.log" 2>&1 \
  || { cat "$WORK/whole.log"; exit 1; }
WHOLE="$WORK/runs/hpo-small/whole"
test -s "$WHOLE/summary.json"

echo "== killed after outer step 2, then resumed"
RUN_DATE=killed deploy/scheduled-hpo.sh "$CONF" "$WORK/runs" --master 'local[2]' > "$WORK/killed.log" 2>&1 &
KILLED="$WORK/runs/hpo-small/killed"
kill_after_step_2 "$KILLED" "$WORK/killed.log" 600
RUN_DATE=killed deploy/scheduled-hpo.sh "$CONF" "$WORK/runs" --master 'local[2]' > "$WORK/resumed.log" 2>&1 \
  || { cat "$WORK/resumed.log"; exit 1; }
grep -q "resuming from the checkpoint of outer step" "$WORK/resumed.log" || { cat "$WORK/resumed.log"; exit 1; }
cmp "$WHOLE/lambda.json" "$KILLED/lambda.json"
cmp "$WHOLE/model.json" "$KILLED/model.json"
cmp <(cut -d, -f1-11 "$WHOLE/history.csv") <(cut -d, -f1-11 "$KILLED/history.csv")
echo "resumed run = uninterrupted run (λ, model and history, byte for byte)"

RUN_DATE=killed deploy/scheduled-hpo.sh "$CONF" "$WORK/runs" --master 'local[2]' | grep -q "is complete"
echo "a finished run is not repeated"
rm -rf "$WORK"
