#!/usr/bin/env python3
"""Prints the table of benches/README.md from criterion's last run: the
median time of each case and its ratio to the plain-serde twin.

usage: benches/ratios.py [target-dir]   (default: $CARGO_TARGET_DIR or target)
"""
import json
import os
import sys

target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CARGO_TARGET_DIR", "target")
root = os.path.join(target, "criterion")
cases = ["read_current", "read_key_last", "read_legacy_1", "read_legacy_3",
         "read_legacy_4", "write", "migrate_value"]
sizes = ["100B", "10KB", "1MB"]


def median(group, function):
    path = os.path.join(root, group, function, "new", "estimates.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def show(ns):
    for unit, scale in (("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


print("| case | size | serde | palimpsest | ratio | Value then from_value | ratio |")
print("|---|---|---:|---:|---:|---:|---:|")
for case in cases:
    for size in sizes:
        group = f"{case}_{size}"
        serde = median(group, "serde")
        ours = median(group, "palimpsest")
        if serde is None or ours is None:
            continue
        tree = median(group, "value_then_from_value")
        tree_cols = f"{show(tree)} | {tree / serde:.2f}x" if tree else "– | –"
        print(f"| {case} | {size} | {show(serde)} | {show(ours)} | {ours / serde:.2f}x | {tree_cols} |")
