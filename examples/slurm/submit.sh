#!/bin/bash
# Submits a chartsim sweep to Slurm as an array of SHARDS tasks, then the merge job that
# waits for all of them (afterok: it runs only if every shard succeeded).
#
#   SHARDS=50 SCENARIO=scenarios/quota-sweep.toml OUT=results/q examples/slurm/submit.sh
set -euo pipefail
here=$(dirname "$0")
SHARDS=${SHARDS:-4}
export SCENARIO=${SCENARIO:-scenarios/quota-sweep.toml} OUT=${OUT:-results/sweep-shards} EXTRA=${EXTRA:-}
array=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" "$here/sweep.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" "$here/merge.sbatch")
echo "submitted shards as job $array and the merge as job $merge; results in $OUT/merged"
