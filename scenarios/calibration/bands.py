#!/usr/bin/env python3
"""The calibration bands of scenarios/uk-market.toml, measured on a chartsim result.

    python3 scenarios/calibration/bands.py RESULT_DIR [--policy NAME] [--json]

Reads RESULT_DIR/{manifest.json,metrics.csv,charts.csv,tracks.csv,summary.csv} (standard
library only) and prints, for each band, the run's value (mean over replicate worlds, with a
Student-t 95% interval), the band and whether the value is inside it. Every measure is
computed from the tables exactly as written; `tracks.csv` counts are per real account
(chartsim multiplies them by `accounts_per_listener`).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import sys
from collections import defaultdict

# (key, measure, low, high, source figure); None = open-ended.
BANDS = [
    ("top10_artists_uk", "top 10 artists' share of UK audio streams in a year", 0.03, 0.08, "4.9% (BPI 2022)"),
    ("top100_artists_uk", "top 100 artists' share", 0.14, 0.25, "19.0% (BPI 2022)"),
    ("top1000_artists_uk", "top 1,000 artists' share", 0.40, 0.60, "50.1% (BPI 2022)"),
    ("uk_local_top100", "UK artists' share of the UK Top 100 entries", 0.25, 0.45, "about a third (Music Ally 2026); US artists 55%"),
    ("us_local_chart", "US artists' share of the US chart", 0.70, None, "79% (DataPulse via Sherwood News)"),
    ("kr_local_chart", "KR artists' share of the KR chart", 0.70, None, "over 80% often cited (assumption)"),
    ("tracks_under_1000", "tracks with under 1,000 streams a year, at real-account scale", 0.80, None, "88% (Luminate 2025)"),
    ("uk_distinct_no1s", "distinct UK No. 1s in a year", 12, 25, "the recent range of the UK chart"),
    ("streams_per_listener_day", "streams per listener per day", 17, 21, "about 19 (IFPI, derived)"),
]

# Student-t 97.5% quantiles by degrees of freedom (1..30); 1.96 beyond.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def mean_ci(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    n = len(values)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = statistics.fmean(values)
    if n < 2:
        return (m, math.nan, math.nan)
    half = (T975[n - 2] if n - 1 <= len(T975) else 1.96) * statistics.stdev(values) / math.sqrt(n)
    return (m, m - half, m + half)


def rows(path):
    with open(path, newline="") as f:
        yield from csv.DictReader(f)


def measure(result, policy=None):
    """Per band, the list of per-replicate values (`policy`: the first by default)."""
    manifest = json.load(open(os.path.join(result, "manifest.json")))
    scenario = manifest["scenario"]
    policy = policy or scenario["policies"][0]["name"]
    burn_in = scenario.get("burn_in_weeks", 0)
    listeners = scenario["listeners"]
    weight = scenario.get("accounts_per_listener", 1)
    regions = [r["name"] for r in scenario["regions"]]
    shares = {r["name"]: r["population_share"] for r in scenario["regions"]}
    total_share = sum(shares.values())

    per = defaultdict(lambda: defaultdict(float))  # band -> replicate -> value
    # Artist concentration in the UK and the long tail, from tracks.csv.
    uk_by_artist = defaultdict(lambda: defaultdict(int))
    tracks_all = defaultdict(int)
    under = defaultdict(int)
    for row in rows(os.path.join(result, "tracks.csv")):
        if row["policy"] != policy:
            continue
        rep = int(row["replicate"])
        streams = int(row["streams"])
        if row["region"] == "UK":
            uk_by_artist[rep][row["artist"]] += streams
        elif row["region"] == "all":
            tracks_all[rep] += 1
            under[rep] += streams < 1000
    for rep, by_artist in uk_by_artist.items():
        s = sorted(by_artist.values(), reverse=True)
        total = sum(s)
        for k, key in [(10, "top10_artists_uk"), (100, "top100_artists_uk"), (1000, "top1000_artists_uk")]:
            per[key][rep] = sum(s[:k]) / total if total else math.nan
    for rep, n in tracks_all.items():
        per["tracks_under_1000"][rep] = under[rep] / n

    # Local shares of the headline charts' Top 100 entries, from charts.csv.
    local = defaultdict(lambda: [0, 0])  # (region, rep) -> [local, entries]
    no1 = defaultdict(set)
    for row in rows(os.path.join(result, "charts.csv")):
        if row["policy"] != policy or row["headline"] != "true" or int(row["rank"]) > 100:
            continue
        rep, region = int(row["replicate"]), row["region"]
        cell = local[(region, rep)]
        cell[0] += row["local"] == "true"
        cell[1] += 1
        if row["rank"] == "1":
            no1[(region, rep)].add(row["track"])
    for (region, rep), (n_local, n) in local.items():
        key = {"UK": "uk_local_top100", "US": "us_local_chart", "KR": "kr_local_chart"}.get(region)
        if key:
            per[key][rep] = n_local / n
    for (region, rep), tracks in no1.items():
        if region == "UK":
            per["uk_distinct_no1s"][rep] = len(tracks)

    # Streams per listener per day (real accounts), weeks after burn-in, from metrics.csv.
    weekly = defaultdict(list)
    for row in rows(os.path.join(result, "metrics.csv")):
        if row["policy"] == policy and row["region"] == "all" and int(row["week"]) >= burn_in:
            weekly[int(row["replicate"])].append(int(row["streams"]))
    for rep, streams in weekly.items():
        per["streams_per_listener_day"][rep] = statistics.fmean(streams) / (listeners * weight * 7)
    return {key: [v for _, v in sorted(per[key].items())] for key, *_ in BANDS}


def inside(value, low, high):
    return (low is None or value >= low) and (high is None or value <= high)


def distance(value, low, high):
    """How far `value` lies outside the band, in band widths (open bands: in units of the
    bound's quarter); 0 inside."""
    if math.isnan(value):
        return 10.0
    width = (high - low) if (low is not None and high is not None) else abs(low or high) / 4
    if low is not None and value < low:
        return (low - value) / width
    if high is not None and value > high:
        return (value - high) / width
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result")
    ap.add_argument("--policy")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = ap.parse_args()
    values = measure(args.result, args.policy)
    out = []
    for key, name, low, high, source in BANDS:
        m, lo, hi = mean_ci(values[key])
        out.append({"key": key, "measure": name, "low": low, "high": high, "source": source,
                    "mean": m, "ci_low": lo, "ci_high": hi, "n": len(values[key]),
                    "inside": inside(m, low, high)})
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return
    for b in out:
        band = f"{b['low'] if b['low'] is not None else ''}–{b['high'] if b['high'] is not None else ''}"
        print(f"{'ok ' if b['inside'] else 'OUT'} {b['key']:<26} {b['mean']:10.4f} "
              f"[{b['ci_low']:.4f}, {b['ci_high']:.4f}]  band {band}")


if __name__ == "__main__":
    main()
