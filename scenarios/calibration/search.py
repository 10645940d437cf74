#!/usr/bin/env python3
"""The calibration search of scenarios/uk-market.toml: a coordinate search over a few
behavioural keys, scored by how far the bands of bands.py are missed.

    python3 scenarios/calibration/search.py [--chartsim PATH] [--scale 0.1] [--passes 2]

Each evaluation runs chartsim on scenarios/uk-market.toml scaled down (listeners and
tracks × --scale, the population weight unchanged, so each track draws the listening it
would at full scale), one replicate, 52 weeks, with the candidate keys set by --set. The
bands are measured as at full scale: listening concentrates on a few hundred artists
whatever the catalogue's size, so a tenth-scale world's top-k artist shares are close to,
and somewhat above, the full-scale world's with the same keys (12.5%, 66% and 97% against
14.7%, 61% and 93% for the top 10, 100 and 1,000 with taste 4 and prior popularity 3;
8.8%, 47% and 86% against 8.1%, 41% and 75% with the calibrated keys). The loss is the sum over bands
of the squared distance outside the band in band widths (bands.distance). For each key in
turn, every value of its grid is tried with the others at their current best; the best
is kept; the whole round is repeated --passes times. Every evaluation is printed as a JSON
line (keys, loss, band values), so the search can be read back and repeated: the seed is
fixed, and chartsim is deterministic.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bands  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "uk-market.toml")

# The keys searched, their grids and their starting values. Each is a behavioural key of
# documented range whose value no source fixes (docs/MODEL.md marks them assumptions).
GRID = [
    ("policies[0].scorer", ["popularity", "content", "collaborative"], "collaborative"),
    ("utility.taste", [1.0, 2.0, 4.0, 6.0], 4.0),
    ("catalogue.prior_popularity", [1.0, 2.0, 3.0, 4.0], 3.0),
    ("utility.outside", [-0.5, -1.0, -1.5, -2.0], -0.5),
    ("listening.library_size", [10, 16, 32, 64], 16),
    ("utility.social", [0.0, 0.35, 0.7], 0.35),
    ("listening.streams_per_day", [19.0, 21.0, 23.0, 25.0], 19.0),
]

FULL = {"listeners": 1_000_000, "catalogue.back_catalogue_tracks": 1_000_000,
        "catalogue.new_tracks_per_week": 2_000}


def sets_for(keys, scale):
    out = [f"{k}={round(v * scale)}" for k, v in FULL.items()]
    out += ["replicates=1"]
    for k, v in keys.items():
        if k == "policies[0].scorer":
            continue  # chosen by the scenario text (other scorers take other keys)
        out.append(f"{k}={v}")
    return out


def scenario_with(scorer):
    """uk-market.toml with its status-quo policy replaced by `scorer`."""
    text = open(SCENARIO).read()
    cut = text.index("[[policies]]")
    policy = {"popularity": 'scorer = "popularity"\nscope = "regional"\nwindow_days = 7\n',
              "content": 'scorer = "content"\n',
              "collaborative": 'scorer = "collaborative"\n'}[scorer]
    return text[:cut] + f'[[policies]]\nname = "status-quo"\n{policy}'


def evaluate(chartsim, keys, scale, work):
    path = os.path.join(work, "scenario.toml")
    with open(path, "w") as f:
        f.write(scenario_with(keys["policies[0].scorer"]))
    out = os.path.join(work, "out")
    cmd = [chartsim, "run", path, "--out", out, "--force", "--quiet"]
    for s in sets_for(keys, scale):
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    values = bands.measure(out, None)
    loss, measured = 0.0, {}
    for key, _, low, high, _ in bands.BANDS:
        m = bands.mean_ci(values[key])[0]
        measured[key] = m
        loss += bands.distance(m, low, high) ** 2
    return loss, measured


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chartsim", default=os.path.join(HERE, "..", "..", "target", "release", "chartsim"))
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("--keys", default=None,
                    help="comma-separated keys to search (default: all but the scorer)")
    ap.add_argument("--start", action="append", default=[], metavar="KEY=VALUE",
                    help="start a key from VALUE instead of its GRID start (repeatable)")
    args = ap.parse_args()
    best = {k: start for k, _, start in GRID}
    for item in args.start:
        key, _, value = item.partition("=")
        if key not in best:
            ap.error(f"--start {item}: {key} is not a searched key")
        best[key] = type(best[key])(value) if not isinstance(best[key], str) else value
    seen = {}
    with tempfile.TemporaryDirectory() as work:
        def score(keys):
            tag = json.dumps(keys, sort_keys=True)
            if tag not in seen:
                loss, measured = evaluate(args.chartsim, keys, args.scale, work)
                seen[tag] = loss
                print(json.dumps({"keys": keys, "loss": round(loss, 4), "bands": measured}), flush=True)
            return seen[tag]
        best_loss = score(best)
        searched = args.keys.split(",") if args.keys else [k for k, _, _ in GRID[1:]]
        for _ in range(args.passes):
            for key, grid, _ in GRID:
                if key not in searched:
                    continue
                for value in grid:
                    trial = dict(best, **{key: value})
                    loss = score(trial)
                    if loss < best_loss:
                        best, best_loss = trial, loss
    print(json.dumps({"best": best, "loss": round(best_loss, 4)}), flush=True)


if __name__ == "__main__":
    main()
