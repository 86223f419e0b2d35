#!/usr/bin/env bash
# The Mixed-FP paper's Appendix E (conf/hpo-adult.conf) for each of its seven hypergradient methods
# (and cg, the deterministic solve) over SEEDS sampler seeds: final test/validation accuracy and BCE
# after 100 outer steps, as a markdown table beside the paper's figure values.
#   bench/run-hpo-adult.sh [seeds]        (WORK=/tmp/hg-hpo-adult)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-env.sh
source "$ROOT/bench/bench-env.sh"
SEEDS="${1:-5}"
WORK="${WORK:-/tmp/hg-hpo-adult}"
mkdir -p "$WORK"
JARS="$WORK/jars"
CP="$(bench_classpath spark-jobs "$JARS")"

# name | --set options (the paper's fixed parameters, PAPER-NUMBERS.md A5)
METHODS=(
  "StocFP|method=neumann scale=1"
  "StocRB|method=unroll scale=1"
  "MixedFP|method=mixed-fp a=0.02 scale=1"
  "StocFP+KM const|method=sid scale=1 schedule=const eta=0.2"
  "MixedFP+KM const|method=mixed-fp-km a=0.05 scale=1 schedule=const eta=0.5"
  "StocFP+KM decr|method=sid scale=1 schedule=linear eta0=10 t0=10"
  "MixedFP+KM decr|method=mixed-fp-km a=0.2 scale=1 schedule=linear eta0=50 t0=100"
  "cg|method=cg"
)
for m in "${METHODS[@]}"; do
  name="${m%%|*}"
  read -ra opts <<< "${m#*|}"
  sets=()
  for o in "${opts[@]}"; do sets+=(--set "$o"); done
  # `a` and `alpha` are exclusive: drop the config's alpha when a method gives a
  case " ${opts[*]} " in *" a="*) sets+=(--set 'alpha=null') ;; esac
  for seed in $(seq 0 $((SEEDS - 1))); do
    out="$WORK/$(echo "$name" | tr ' +' '_p')-$seed"
    rm -rf "$out"
    echo "$name, seed $seed ..."
    java "${SPARK_JAVA_FLAGS[@]}" -Xmx2g -Dspark.master='local[2]' -cp "$CP" io.hypergrad.cli.Hypergrad hpo \
      --conf "$ROOT/conf/hpo-adult.conf" --set "data.paths=[\"$ROOT/data/adult/adult.data.gz\"]" \
      --set baseline.enabled=false --set "seed=$seed" "${sets[@]}" --out "$out" > "$out.log" 2>&1 \
      || { tail -5 "$out.log"; exit 1; }
  done
done
java "${SPARK_JAVA_FLAGS[@]}" -Xmx2g -Dspark.master='local[2]' -cp "$CP" io.hypergrad.cli.Hypergrad hpo \
  --conf "$ROOT/conf/hpo-adult.conf" --set "data.paths=[\"$ROOT/data/adult/adult.data.gz\"]" --set outer.steps=1 \
  --out "$WORK/baseline" --overwrite > "$WORK/baseline.log" 2>&1 || { tail -5 "$WORK/baseline.log"; exit 1; }

python3 - "$WORK" "$SEEDS" <<'PY'
import json, os, statistics, sys
work, seeds = sys.argv[1], int(sys.argv[2])
paper = {"StocFP": (0.788, 0.457, 0.792, 0.446), "StocRB": (0.773, 0.466, 0.775, 0.456),
         "MixedFP": (0.787, 0.457, 0.791, 0.447), "StocFP+KM const": (0.797, 0.427, 0.803, 0.4225),
         "MixedFP+KM const": (0.787, 0.448, 0.794, 0.438), "StocFP+KM decr": (0.797, 0.427, 0.803, 0.4225),
         "MixedFP+KM decr": (0.799, 0.426, 0.802, 0.422)}
names = ["StocFP", "StocRB", "MixedFP", "StocFP+KM const", "MixedFP+KM const", "StocFP+KM decr", "MixedFP+KM decr", "cg"]
print(f"| method | test accuracy | test BCE | val accuracy | val BCE | paper (test acc / test BCE / val acc / val BCE) | seconds per run (100 outer steps) |")
print("|---|---|---|---|---|---|---|")
first = None
for n in names:
    runs = [json.load(open(os.path.join(work, n.replace(" ", "_").replace("+", "p") + f"-{s}", "summary.json"))) for s in range(seeds)]
    first = first or runs[0]["initial"]
    def ms(k):
        v = [r[k] for r in runs]
        return f"{statistics.mean(v):.4f} ± {statistics.pstdev(v):.4f}"
    p = paper.get(n)
    ptxt = " / ".join(f"≈{x}" for x in p) if p else "—"
    print(f"| {n} | {ms('test_accuracy')} | {ms('test_loss')} | {ms('val_accuracy')} | {ms('val_loss')} | {ptxt} | {statistics.mean(r['seconds'] for r in runs):.2f} |")
print(f"| initial model (step 0) | {first['test_accuracy']:.4f} | {first['test_loss']:.4f} | {first['val_accuracy']:.4f} | {first['val_loss']:.4f} | ≈0.759 / ≈0.54 / ≈0.755 / ≈0.54 | |")
b = json.load(open(os.path.join(work, "baseline", "summary.json")))["baseline"]
print(f"\nMLlib TrainValidationSplit (regParam grid {b['reg_params']}): best regParam {b['best_reg_param']:g}; "
      f"refit on train ∪ val: test accuracy {b['test_accuracy']:.4f}, test BCE {b['test_loss']:.4f}; fitted on train only: "
      f"val {b['fit_on_train_val_accuracy']:.4f} / {b['fit_on_train_val_loss']:.4f}, test {b['fit_on_train_test_accuracy']:.4f} / "
      f"{b['fit_on_train_test_loss']:.4f}; {b['seconds']:.1f} s")
PY
