#!/usr/bin/env bash
# The compile-time cost of #[versioned]: a throwaway crate with 200 versioned
# structs beside the same 200 structs with plain serde derives. Dependencies
# are built first and shared, so each timing is the crate alone, rebuilt
# after a touch; the best of RUNS is printed, for `cargo check` (the
# expansion and type checking) and `cargo build` (plus code generation).
#
# usage: benches/compile_time.sh [count=200] [runs=3]
set -euo pipefail

count=${1:-200}
runs=${2:-3}
workspace=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CARGO_TARGET_DIR="$dir/target"
# A full rebuild of the crate each time, not an incremental replay.
export CARGO_INCREMENTAL=0

generate() { # name versioned?
    local name=$1 versioned=$2 crate="$dir/$1"
    only_versioned() { if [ "$versioned" = yes ]; then echo "$1"; fi; }
    mkdir -p "$crate/src"
    cat >"$crate/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
palimpsest = { path = "$workspace/palimpsest" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
TOML
    {
        echo "#![allow(dead_code, unused_imports)]"
        echo "use serde::{Deserialize, Serialize};"
        for i in $(seq 1 "$count"); do
            # The same struct both ways; the versioned one also says how it
            # changed (and keeps the removed field, which the macro drops).
            only_versioned '#[palimpsest::versioned(since = "0.1.0", metadata = "meta")]'
            echo '#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]'
            echo "pub struct Record$i {"
            echo '    pub id: u64,'
            echo '    pub name: String,'
            only_versioned '    #[renamed_from("old_label", since = "0.2.0")]'
            echo '    pub label: String,'
            only_versioned '    #[added_in("0.3.0")]'
            echo '    #[serde(default)]'
            echo '    pub tags: Vec<String>,'
            only_versioned '    #[removed_in("0.3.0")]'
            only_versioned '    pub notes: String,'
            echo '    #[serde(default)]'
            echo '    pub meta: serde_json::Map<String, serde_json::Value>,'
            echo '}'
        done
    } >"$crate/src/lib.rs"
}

best_of() { # name command
    local crate="$dir/$1" command=$2 best=""
    (cd "$crate" && cargo "$command" --quiet) # dependencies, and a first build
    for _ in $(seq 1 "$runs"); do
        touch "$crate/src/lib.rs"
        local start end took
        start=$(date +%s.%N)
        (cd "$crate" && cargo "$command" --quiet)
        end=$(date +%s.%N)
        took=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || (($(echo "$took < $best" | bc))); then best=$took; fi
    done
    echo "$best"
}

generate plain_structs no
generate versioned_structs yes
for command in check build; do
    plain=$(best_of plain_structs "$command")
    versioned=$(best_of versioned_structs "$command")
    printf '%s structs, cargo %s (debug), best of %s:\n' "$count" "$command" "$runs"
    printf '  plain serde derives: %6.2f s\n' "$plain"
    printf '  #[versioned]:        %6.2f s\n' "$versioned"
    printf '  ratio:               %6.2fx\n' "$(echo "$versioned / $plain" | bc -l)"
done
