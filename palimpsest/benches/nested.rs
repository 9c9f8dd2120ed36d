//! Reading an agent trace whose steps evolve inside the document (issue 11,
//! item 6), beside its plain-serde twin in the same run.
//!
//! The legacy document (0.1.0, about 10 KB) holds 20 steps, each of which a
//! migration to 0.2.0 changes three ways: `thought` renamed to
//! `reasoning`, the action's variant `function_call` renamed to
//! `tool_call`, and `duration_ms` moved out of `metrics` to the step
//! itself. The twin is the same structs with plain derives, reading the
//! same trace written at 0.2.0: what serde costs for those values when
//! nothing needs migrating.
//!
//! Run with `cargo bench -p palimpsest --bench nested`; the ratios are in
//! `benches/README.md` at the workspace root. `PALIMPSEST_PAIRED=1` times
//! the sides in alternating blocks instead (the steadier ratio on a shared
//! machine), and `benches/callgrind.sh` counts their instructions
//! (`BENCH=nested benches/callgrind.sh read_legacy/10KB`).

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use palimpsest::versioned;
use palimpsest_tests::corpus::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use support::{ratio, words};

/// An agent's run, whose steps changed shape in 0.2.0.
#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTrace {
    pub trace_id: String,
    pub task: String,
    pub steps: Vec<TraceStep>,
    pub outcome: String,
    #[serde(default)]
    pub context: Context,
}

/// One turn of the agent, dated in the trace's versions.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    pub index: u32,
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    pub action: Action,
    pub observation: String,
    /// Hoisted out of `metrics`.
    #[moved_from("metrics.duration_ms", since = "0.2.0")]
    #[serde(default)]
    pub duration_ms: f64,
    pub metrics: Metrics,
}

/// What the agent did in a step: externally tagged, as serde writes enums
/// by default, `{"tool_call": {..}}`.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    #[renamed_from("function_call", since = "0.2.0")]
    ToolCall {
        name: String,
        arguments: Value,
    },
    Answer {
        text: String,
    },
}

/// The twin of [`AgentTrace`]: plain derives, the current form only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainTrace {
    pub trace_id: String,
    pub task: String,
    pub steps: Vec<PlainStep>,
    pub outcome: String,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlainStep {
    pub index: u32,
    pub reasoning: String,
    pub action: PlainAction,
    pub observation: String,
    #[serde(default)]
    pub duration_ms: f64,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlainAction {
    ToolCall { name: String, arguments: Value },
    Answer { text: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub agent: String,
    pub model: String,
    pub metadata: Map<String, Value>,
}

fn arguments(rng: &mut Rng) -> (&'static str, Value) {
    match rng.below(3) {
        0 => (
            "read_file",
            json!({"path": format!("src/module_{}.rs", rng.below(40)), "start": rng.below(200), "end": 200 + rng.below(200)}),
        ),
        1 => (
            "run_command",
            json!({"command": "cargo test", "args": ["--workspace", "--", words(rng, 1)], "timeout_s": 120}),
        ),
        _ => ("search", json!({"query": words(rng, 3), "max_results": 5})),
    }
}

/// The trace of `steps` steps, every one a tool call, as 0.2.0 has it.
fn trace(steps: usize, seed: u64) -> PlainTrace {
    let mut rng = Rng::new(seed);
    let mut metadata = Map::new();
    metadata.insert("run".into(), json!(rng.below(1000)));
    metadata.insert("benchmark".into(), json!("swe-lite"));
    PlainTrace {
        trace_id: format!("trace-{seed}"),
        task: words(&mut rng, 30),
        steps: (0..steps)
            .map(|i| {
                let (name, arguments) = arguments(&mut rng);
                PlainStep {
                    index: i as u32,
                    reasoning: words(&mut rng, 16),
                    action: PlainAction::ToolCall {
                        name: name.to_owned(),
                        arguments,
                    },
                    observation: words(&mut rng, 24),
                    duration_ms: rng.below(100_000) as f64 / 7.0,
                    metrics: Metrics {
                        prompt_tokens: rng.below(4000) as u32,
                        completion_tokens: rng.below(800) as u32,
                    },
                }
            })
            .collect(),
        outcome: words(&mut rng, 12),
        context: Context {
            agent: "swe-agent".into(),
            model: "model-x".into(),
            metadata,
        },
    }
}

/// The documents each case reads.
struct Docs {
    /// 0.2.0, the stamp first, as palimpsest writes it.
    current: String,
    /// 0.1.0, the stamp first: every step renamed, its variant renamed and
    /// a field moved.
    legacy: String,
    /// What palimpsest makes of `legacy`, written at 0.2.0: the same values
    /// with the migration's record in the metadata.
    migrated: String,
}

/// `{"schema_version":"<version>",...body}`: the stamp first, whatever
/// order `Map` keeps keys in.
fn stamped(version: &str, body: &Value) -> String {
    let inner = serde_json::to_string(body).unwrap();
    format!("{{\"schema_version\":\"{version}\",{}", &inner[1..])
}

fn docs(steps: usize) -> Docs {
    let plain = trace(steps, 42);
    let mut body = serde_json::to_value(&plain).unwrap();
    let current = stamped("0.2.0", &body);
    for step in body["steps"].as_array_mut().unwrap() {
        let step = step.as_object_mut().unwrap();
        let reasoning = step.remove("reasoning").unwrap();
        step.insert("thought".into(), reasoning);
        let action = step["action"].as_object_mut().unwrap();
        let call = action.remove("tool_call").unwrap();
        action.insert("function_call".into(), call);
        let duration = step.remove("duration_ms").unwrap();
        step["metrics"]
            .as_object_mut()
            .unwrap()
            .insert("duration_ms".into(), duration);
    }
    let legacy = stamped("0.1.0", &body);
    let migrated = serde_json::to_string(&read(&legacy)).unwrap();
    Docs {
        current,
        legacy,
        migrated,
    }
}

/// The streamed read: serde_json straight into the versioned type.
fn read(doc: &str) -> AgentTrace {
    serde_json::from_str(doc).unwrap()
}

fn read_plain(doc: &str) -> PlainTrace {
    serde_json::from_str(doc).unwrap()
}

/// The tree route: the whole document parsed first, then migrated and read.
fn read_tree(doc: &str) -> AgentTrace {
    let value: Value = serde_json::from_str(doc).unwrap();
    palimpsest::from_value(value).unwrap().value
}

/// The same trace must come out of every route.
fn check(d: &Docs) {
    let twin = read_plain(&d.current);
    let streamed = read(&d.legacy);
    assert_eq!(streamed, read_tree(&d.legacy));
    assert_eq!(streamed.steps.len(), twin.steps.len());
    for (ours, theirs) in streamed.steps.iter().zip(&twin.steps) {
        assert_eq!(ours.reasoning, theirs.reasoning);
        assert_eq!(ours.duration_ms, theirs.duration_ms);
        let (
            Action::ToolCall { name, arguments },
            PlainAction::ToolCall {
                name: n,
                arguments: a,
            },
        ) = (&ours.action, &theirs.action)
        else {
            panic!("{:?}", ours.action);
        };
        assert_eq!((name, arguments), (n, a));
    }
    assert_eq!(streamed.context.metadata["migrated_from"], "0.1.0");
    assert!(streamed.context.metadata.get("legacy_nested").is_none());
}

const SIZES: [(&str, usize); 2] = [("10KB", 20), ("1MB", 2000)];

fn bench(c: &mut Criterion) {
    for (label, steps) in SIZES {
        let d = docs(steps);
        check(&d);
        let mut g = c.benchmark_group(format!("nested/{label}"));
        g.sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(if steps > 100 { 4 } else { 2 }))
            .throughput(Throughput::Bytes(d.legacy.len() as u64));
        g.bench_function("serde_current", |b| {
            b.iter(|| read_plain(black_box(&d.current)))
        });
        g.bench_function("palimpsest_current", |b| {
            b.iter(|| read(black_box(&d.current)))
        });
        g.bench_function("palimpsest_legacy", |b| {
            b.iter(|| read(black_box(&d.legacy)))
        });
        g.bench_function("value_then_from_value_legacy", |b| {
            b.iter(|| read_tree(black_box(&d.legacy)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);

fn main() {
    support::run(benches, paired, count);
}

/// Each side against plain serde reading the current document, in
/// alternating blocks; `sizes` names the size classes to run (`10KB`), any
/// other value (`1`) runs them all.
fn paired(sizes: &str) {
    println!(
        "| size | bytes (legacy) | serde per call | palimpsest, current / serde | palimpsest, legacy / serde | Value then from_value, legacy / serde | serde, migrated text / serde |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let run_all = !SIZES
        .iter()
        .any(|(label, _)| sizes.split(',').any(|s| s == *label));
    for (label, steps) in SIZES {
        if !run_all && !sizes.split(',').any(|s| s == label) {
            continue;
        }
        let d = docs(steps);
        check(&d);
        let blocks = if steps > 100 { 21 } else { 31 };
        let mut plain = || {
            black_box(read_plain(black_box(&d.current)));
        };
        let sides: [&mut dyn FnMut(); 4] = [
            &mut || {
                black_box(read(black_box(&d.current)));
            },
            &mut || {
                black_box(read(black_box(&d.legacy)));
            },
            &mut || {
                black_box(read_tree(black_box(&d.legacy)));
            },
            &mut || {
                black_box(read_plain(black_box(&d.migrated)));
            },
        ];
        let mut per_call = 0.0;
        let ratios = sides.map(|side| {
            let (r, base) = ratio(&mut plain, side, blocks);
            per_call = base;
            format!("{r:.2}x")
        });
        let [current, legacy, tree, floor] = ratios;
        println!(
            "| {label} | {} | {:.3} µs | {current} | **{legacy}** | {tree} | {floor} |",
            d.legacy.len(),
            per_call * 1e6
        );
    }
}

/// Calls each side of a case (`read_legacy/10KB` or `read_current/10KB`)
/// a fixed number of times, in functions of their own, for callgrind to
/// count (`benches/callgrind.sh`): plain serde on the current document,
/// palimpsest on the case's document, plain serde on the migrated text
/// (the floor), and the `Value` route on the case's document.
fn count(case: &str) {
    let (name, label) = case
        .split_once('/')
        .expect("PALIMPSEST_COUNT=<case>/<size>");
    let steps = SIZES
        .iter()
        .find(|(l, _)| *l == label)
        .unwrap_or_else(|| panic!("unknown size {label}: 10KB or 1MB"))
        .1;
    let d = docs(steps);
    check(&d);
    let doc = match name {
        "read_legacy" => &d.legacy,
        "read_current" => &d.current,
        other => panic!("unknown case {other}: read_legacy or read_current"),
    };
    let calls = if steps > 100 { 10 } else { 1000 };
    count_serde(&d.current, calls);
    count_palimpsest(doc, calls);
    count_floor(&d.migrated, calls);
    count_tree(doc, calls);
    println!("{calls}");
}

#[inline(never)]
fn count_serde(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(read_plain(black_box(doc)));
    }
}

#[inline(never)]
fn count_palimpsest(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(read(black_box(doc)));
    }
}

#[inline(never)]
fn count_floor(doc: &str, calls: u32) {
    // Not the body of `count_serde`, which the compiler would merge it with.
    for _ in 0..black_box(calls) {
        black_box(read_plain(black_box(doc)));
    }
}

#[inline(never)]
fn count_tree(doc: &str, calls: u32) {
    for _ in 0..calls {
        black_box(read_tree(black_box(doc)));
    }
}
