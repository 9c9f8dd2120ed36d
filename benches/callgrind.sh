#!/usr/bin/env bash
# Instructions per read of each side of a read case, counted by callgrind:
# steady on a shared machine, where times drift with the neighbours' load.
#
#   benches/callgrind.sh read_legacy_4/100B [read_key_last/100B ...]
#   BENCH=nested benches/callgrind.sh read_legacy/10KB read_current/10KB
#
# Prints, per case, instructions per call of plain serde, of palimpsest
# (serde_json::from_str), of parsing a Value then palimpsest::from_value, and
# of plain serde reading the document palimpsest makes of it (the floor: the
# same values, with the metadata the migration recorded), each with its
# ratio to plain serde. Needs valgrind. Keeps callgrind.out.<case> in $TMPDIR for
# callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${BENCH:-read_write}
bin=$(cargo bench -p palimpsest --bench "$bench" --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "'"$bench"'" and m.get("executable"):
        print(m["executable"])')
out=${TMPDIR:-/tmp}
printf '| case | serde | palimpsest | ratio | Value then from_value | ratio | serde, migrated text | ratio |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
for case in "$@"; do
    file="$out/callgrind.out.${case//\//_}"
    calls=$(PALIMPSEST_COUNT=$case valgrind --tool=callgrind --callgrind-out-file="$file" \
        --toggle-collect="$bench::count_*" "$bin" 2>/dev/null)
    # Inclusive cost of each counting function, called once for all calls.
    read -r serde ours floor tree < <(callgrind_annotate --inclusive=yes "$file" 2>/dev/null | BENCH=$bench python3 -c '
import os, re, sys
cost = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) .*" + os.environ["BENCH"] + r"::count_(serde|palimpsest|floor|tree)\b", line)
    if m and m.group(2) not in cost:
        cost[m.group(2)] = int(m.group(1).replace(",", ""))
print(cost["serde"], cost["palimpsest"], cost["floor"], cost["tree"])')
    python3 -c "
s, p, f, t, n = $serde, $ours, $floor, $tree, $calls
print(f'| $case | {s / n:,.0f} | {p / n:,.0f} | {p / s:.2f}x | {t / n:,.0f} | {t / s:.2f}x | {f / n:,.0f} | {f / s:.2f}x |')"
done
