//! Reading and writing versioned agent traces, each case beside its
//! plain-serde twin (the same struct with plain derives) in the same run.
//!
//! Run with `cargo bench -p palimpsest --bench read_write`; the table of
//! ratios is in `benches/README.md` at the workspace root.
//!
//! With `PALIMPSEST_PAIRED=1` the same cases run paired instead: short
//! blocks of each side alternate, and the median of the per-block ratios
//! is printed. On a shared machine whose load drifts during a run, that
//! ratio is far steadier than two criterion estimates taken minutes apart.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, Throughput};
use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use support::{ratio, words};

/// The versioned trace: renamed in 0.2.0, a field added in 0.3.0, one
/// removed into the metadata in 0.4.0; 0.0.1 documents have no key.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub trace_id: String,
    pub problem_statement: String,
    #[renamed_from("result", since = "0.2.0")]
    pub outcome: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.4.0")]
    pub notes: String,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub context: Context,
}

/// The same struct with plain serde derives; the alias and the default let
/// it read the very same old documents (without migrating them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainTrace {
    pub trace_id: String,
    pub problem_statement: String,
    #[serde(alias = "result")]
    pub outcome: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub index: u32,
    pub thought: String,
    pub tool_calls: Vec<ToolCall>,
    pub observation: String,
    pub duration_ms: f64,
    pub tokens: Tokens,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: Value,
    pub result: Value,
    pub ok: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    pub prompt: u32,
    pub completion: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub agent: String,
    pub model: String,
    pub started_at: String,
    pub metadata: Map<String, Value>,
}

use palimpsest_tests::corpus::Rng;

fn tool_call(rng: &mut Rng, step: usize, call: usize) -> ToolCall {
    let (name, arguments, result) = match rng.below(3) {
        0 => (
            "read_file",
            json!({"path": format!("src/module_{}.rs", rng.below(40)), "start": rng.below(200), "end": 200 + rng.below(200)}),
            json!({"content": words(rng, 25), "lines": rng.below(400)}),
        ),
        1 => (
            "run_command",
            json!({"command": "cargo test", "args": ["--workspace", "--", words(rng, 1)], "timeout_s": 120}),
            json!({"exit_code": rng.below(2), "stdout": words(rng, 20), "stderr": ""}),
        ),
        _ => (
            "search",
            json!({"query": words(rng, 3), "max_results": 5}),
            json!({"matches": [
                {"file": "src/lib.rs", "line": rng.below(900)},
                {"file": "src/parser.rs", "line": rng.below(900)}
            ]}),
        ),
    };
    ToolCall {
        id: format!("call_{step}_{call}"),
        name: name.to_owned(),
        arguments,
        result,
        ok: rng.below(10) != 0,
    }
}

fn trace(steps: usize, seed: u64) -> Trace {
    let mut rng = Rng::new(seed);
    let mut metadata = Map::new();
    metadata.insert("run".into(), json!(rng.below(1000)));
    metadata.insert("benchmark".into(), json!("swe-lite"));
    Trace {
        trace_id: format!("trace-{seed}"),
        problem_statement: if steps == 0 {
            "p".into()
        } else {
            words(&mut rng, 40)
        },
        outcome: if steps == 0 {
            "ok".into()
        } else {
            words(&mut rng, 12)
        },
        tags: if steps == 0 {
            vec![]
        } else {
            vec!["bugfix".into(), "python".into()]
        },
        steps: (0..steps)
            .map(|i| Step {
                index: i as u32,
                thought: words(&mut rng, 18),
                tool_calls: (0..1 + rng.below(2) as usize)
                    .map(|c| tool_call(&mut rng, i, c))
                    .collect(),
                observation: words(&mut rng, 10),
                duration_ms: rng.below(100_000) as f64 / 7.0,
                tokens: Tokens {
                    prompt: rng.below(4000) as u32,
                    completion: rng.below(800) as u32,
                },
            })
            .collect(),
        context: if steps == 0 {
            Context::default()
        } else {
            Context {
                agent: "swe-agent".into(),
                model: "model-x".into(),
                started_at: "2026-01-01T00:00:00Z".into(),
                metadata,
            }
        },
    }
}

/// The documents of one size, as each case reads them.
struct Docs {
    current: String,
    key_last: String,
    /// 0.3.0, key first: one step (remove `notes` into the metadata).
    legacy_1: String,
    /// 0.1.0, key first: three steps (rename, add, remove).
    legacy_3: String,
    /// 0.0.1, no key: four steps.
    legacy_4: String,
    value: Trace,
    plain: PlainTrace,
}

impl Docs {
    /// Every read case with its document.
    fn reads(&self) -> [(&'static str, &String); 5] {
        [
            ("read_current", &self.current),
            ("read_key_last", &self.key_last),
            ("read_legacy_1", &self.legacy_1),
            ("read_legacy_3", &self.legacy_3),
            ("read_legacy_4", &self.legacy_4),
        ]
    }
}

fn docs(steps: usize) -> Docs {
    let value = trace(steps, 42);
    let current = serde_json::to_string(&value).unwrap();
    let mut body = serde_json::to_value(&value).unwrap();
    let body = body.as_object_mut().unwrap();
    body.remove("schema_version");
    let write = |version: Option<&str>, body: &Map<String, Value>, last: bool| {
        let inner = serde_json::to_string(body).unwrap();
        let inner = &inner[1..inner.len() - 1];
        match (version, last) {
            (None, _) => format!("{{{inner}}}"),
            (Some(v), false) => format!("{{\"schema_version\":\"{v}\",{inner}}}"),
            (Some(v), true) => format!("{{{inner},\"schema_version\":\"{v}\"}}"),
        }
    };
    let key_last = write(Some("0.4.0"), body, true);
    body.insert("notes".into(), json!("reproduced on the main branch first"));
    let legacy_1 = write(Some("0.3.0"), body, false);
    body.remove("tags");
    let outcome = body.remove("outcome").unwrap();
    body.insert("result".into(), outcome);
    let legacy_3 = write(Some("0.1.0"), body, false);
    let legacy_4 = write(None, body, false);
    // Both sides write values read from the same text, so their heap
    // layouts match: the generated one is scattered, which alone made the
    // 1 MB write look 30% slower.
    let value: Trace = serde_json::from_str(&current).unwrap();
    let plain: PlainTrace = serde_json::from_str(&current).unwrap();
    Docs {
        current,
        key_last,
        legacy_1,
        legacy_3,
        legacy_4,
        value,
        plain,
    }
}

fn group<'c>(
    c: &'c mut Criterion,
    name: &str,
    label: &str,
    samples: usize,
    secs: u64,
    bytes: usize,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(format!("{name}/{label}"));
    g.sample_size(samples)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(secs))
        .throughput(Throughput::Bytes(bytes as u64));
    g
}

fn bench(c: &mut Criterion) {
    for (label, steps, samples, time) in [
        ("100B", 0, 30, 2),
        ("10KB", 20, 30, 2),
        ("1MB", 2000, 10, 4),
    ] {
        let d = docs(steps);
        // The same documents must read to the same data both ways.
        assert_eq!(
            serde_json::from_str::<Trace>(&d.legacy_3).unwrap().outcome,
            d.value.outcome
        );

        for (name, doc) in d.reads() {
            let mut g = group(c, name, label, samples, time, doc.len());
            g.bench_function("serde", |b| {
                b.iter(|| serde_json::from_str::<PlainTrace>(black_box(doc)).unwrap())
            });
            g.bench_function("palimpsest", |b| {
                b.iter(|| serde_json::from_str::<Trace>(black_box(doc)).unwrap())
            });
            if name.starts_with("read_legacy") {
                g.bench_function(BenchmarkId::new("value_then_from_value", ""), |b| {
                    b.iter(|| {
                        let v: Value = serde_json::from_str(black_box(doc)).unwrap();
                        palimpsest::from_value::<Trace>(v).unwrap()
                    })
                });
            }
            g.finish();
        }

        let mut g = group(c, "write", label, samples, time, d.current.len());
        let mut out = Vec::with_capacity(d.current.len() * 2);
        g.bench_function("serde", |b| {
            b.iter(|| {
                out.clear();
                serde_json::to_writer(&mut out, black_box(&d.plain)).unwrap();
            })
        });
        g.bench_function("palimpsest", |b| {
            b.iter(|| {
                out.clear();
                serde_json::to_writer(&mut out, black_box(&d.value)).unwrap();
            })
        });
        g.finish();

        // Migrating a parsed tree in place, beside plain serde turning the
        // same tree into its struct; the clone is made outside the timing.
        let tree: Value = serde_json::from_str(&d.legacy_3).unwrap();
        let mut g = group(c, "migrate_value", label, samples, time, d.legacy_3.len());
        g.bench_function("serde", |b| {
            b.iter_batched(
                || tree.clone(),
                |v| serde_json::from_value::<PlainTrace>(v).unwrap(),
                BatchSize::LargeInput,
            )
        });
        g.bench_function("palimpsest", |b| {
            b.iter_batched(
                || tree.clone(),
                |mut v| {
                    palimpsest::migrate::<Trace>(&mut v).unwrap();
                    v
                },
                BatchSize::LargeInput,
            )
        });
        g.finish();
    }
}

criterion_group!(benches, bench);

fn main() {
    support::run(benches, paired, count);
}

/// `sizes` names the size classes to run (`100B,10KB`); any other value
/// (`1`) runs them all.
///
/// Beside each legacy read, the floor: plain serde reading the document
/// palimpsest makes of it (`migrated`), the same values with the metadata a
/// migration records. Any reader that yields those values builds as much.
fn paired(sizes: &str) {
    println!(
        "| case | size | bytes | serde per call | palimpsest / serde | Value then from_value / serde | serde, migrated text / serde |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let all = [("100B", 0, 31), ("10KB", 20, 31), ("1MB", 2000, 21)];
    let chosen = |label: &str| sizes.split(',').any(|size| size == label);
    let run_all = !all.iter().any(|(label, _, _)| chosen(label));
    for (label, steps, blocks) in all {
        if !run_all && !chosen(label) {
            continue;
        }
        let d = docs(steps);
        let row = |case: &str, bytes: usize, per_call: f64, ours: f64, others: [Option<f64>; 2]| {
            let [tree, floor] = others.map(|r| r.map_or("–".to_owned(), |r| format!("{r:.2}x")));
            println!(
                "| {case} | {label} | {bytes} | {:.3} µs | {ours:.2}x | {tree} | {floor} |",
                per_call * 1e6
            );
        };
        for (case, doc) in d.reads() {
            let migrated = migrated(doc);
            let mut plain = || {
                black_box(serde_json::from_str::<PlainTrace>(black_box(doc)).unwrap());
            };
            let mut ours = || {
                black_box(serde_json::from_str::<Trace>(black_box(doc)).unwrap());
            };
            let mut tree = || {
                let v: Value = serde_json::from_str(black_box(doc)).unwrap();
                black_box(palimpsest::from_value::<Trace>(v).unwrap());
            };
            let mut floor = || {
                black_box(serde_json::from_str::<PlainTrace>(black_box(&migrated)).unwrap());
            };
            let (r, per_call) = ratio(&mut plain, &mut ours, blocks);
            let legacy = case.starts_with("read_legacy");
            let t = legacy.then(|| ratio(&mut plain, &mut tree, blocks).0);
            let f = legacy.then(|| ratio(&mut plain, &mut floor, blocks).0);
            row(case, doc.len(), per_call, r, [t, f]);
        }
        let mut out = Vec::with_capacity(d.current.len() * 2);
        let mut out2 = Vec::with_capacity(d.current.len() * 2);
        let (r, per_call) = ratio(
            &mut || {
                out.clear();
                serde_json::to_writer(&mut out, black_box(&d.plain)).unwrap();
            },
            &mut || {
                out2.clear();
                serde_json::to_writer(&mut out2, black_box(&d.value)).unwrap();
            },
            blocks,
        );
        row("write", out2.len(), per_call, r, [None, None]);
    }
}

/// Calls each side of one read case (`read_legacy_4/100B`) a fixed number
/// of times, in functions of their own, for an instruction counter to
/// measure each (`benches/callgrind.sh` does): on a shared machine a count
/// of instructions is steady where a time is not.
fn count(case: &str) {
    let (name, label) = case
        .split_once('/')
        .expect("PALIMPSEST_COUNT=<case>/<size>");
    let steps = match label {
        "100B" => 0,
        "10KB" => 20,
        "1MB" => 2000,
        other => panic!("unknown size {other}: 100B, 10KB or 1MB"),
    };
    let d = docs(steps);
    let (_, doc) = d
        .reads()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("unknown case {name}"));
    let calls = if steps == 2000 { 10 } else { 1000 };
    // Once first, outside the counted functions: the schema is built on
    // first use, not per read.
    let migrated = migrated(doc);
    count_serde(doc, calls);
    count_palimpsest(doc, calls);
    count_floor(&migrated, calls);
    count_tree(doc, calls);
    println!("{calls}");
}

#[inline(never)]
fn count_serde(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(serde_json::from_str::<PlainTrace>(black_box(doc)).unwrap());
    }
}

/// The document palimpsest makes of `doc`: its values at the current
/// version, with the metadata its migration recorded.
fn migrated(doc: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<Trace>(doc).unwrap()).unwrap()
}

#[inline(never)]
fn count_tree(doc: &str, calls: u32) {
    for _ in 0..calls {
        let v: Value = serde_json::from_str(black_box(doc)).unwrap();
        black_box(palimpsest::from_value::<Trace>(v).unwrap());
    }
}

#[inline(never)]
fn count_floor(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(serde_json::from_str::<PlainTrace>(black_box(doc)).unwrap());
    }
}

#[inline(never)]
fn count_palimpsest(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(serde_json::from_str::<Trace>(black_box(doc)).unwrap());
    }
}
