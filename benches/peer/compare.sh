#!/bin/sh
# chartsim against the vectorised numpy model of ../shared/peers (the peer workload),
# alternated in one sitting: numpy, chartsim, numpy, chartsim, ...
#
#   benches/peer/compare.sh PEERS_DIR PYTHON [REPEATS]
#
# PEERS_DIR holds numpy_bench.py and common.py; PYTHON has numpy (1.26 as measured) and
# psutil. Prints one line per run and the ratio numpy step-loop seconds / chartsim
# whole-process seconds (plots and report included) as min / median / max.
set -eu
peers=$1
python=$2
repeats=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/chartsim"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ratios=""
i=0
while [ "$i" -lt "$repeats" ]; do
    numpy_s=$("$python" "$peers/numpy_bench.py" --one 1000000 10000 49 $((1000 + i)) |
        "$python" -c 'import json, sys; print(json.loads(sys.stdin.readlines()[-1])["run_s"])')
    start=$(date +%s.%N)
    "$bin" run "$here/chartsim-peer.toml" --out "$out/run" --force --quiet
    end=$(date +%s.%N)
    chartsim_s=$(echo "$end - $start" | bc -l)
    ratio=$(echo "$numpy_s / $chartsim_s" | bc -l)
    printf 'run %d: numpy %.2f s, chartsim %.2f s, ratio %.2f\n' "$i" "$numpy_s" "$chartsim_s" "$ratio"
    ratios="$ratios $ratio"
    i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n |
    awk '{ r[NR] = $1 } END { printf "ratio min %.2f, median %.2f, max %.2f (%d runs)\n", r[1], r[int((NR + 1) / 2)], r[NR], NR }'
