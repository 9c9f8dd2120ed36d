//! A corpus of old agent traces of about 10 KB each, generated with a small
//! deterministic PRNG: shared by the bulk benchmark and the memory example.

use std::sync::OnceLock;

use palimpsest::{Schema, Step, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The trace type of the benchmark as users write it: `#[versioned]`,
/// current version 0.2.0. Its `Deserialize` migrates, so bulk reads its
/// documents straight from their bytes.
#[palimpsest::versioned(since = "0.1.0", version = "0.2.0", metadata = "context.metadata")]
#[derive(Debug, Serialize, Deserialize)]
pub struct Trace {
    pub problem_statement: String,
    #[serde(default)]
    pub steps: Vec<TraceStep>,
    #[renamed_from("result", since = "0.1.0")]
    pub outcome: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.2.0")]
    pub notes: String,
    #[serde(default)]
    pub context: Context,
}

/// The same trace implementing `Versioned` by hand over plain derives:
/// bulk migrates it through a tree.
#[derive(Debug, Serialize, Deserialize)]
pub struct HandTrace {
    pub problem_statement: String,
    #[serde(default)]
    pub steps: Vec<TraceStep>,
    pub outcome: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TraceStep {
    pub thought: String,
    pub tool: String,
    pub arguments: Map<String, Value>,
    pub result: Value,
    pub duration_ms: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Versioned for HandTrace {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("Trace", "0.2.0")
                .metadata("context.metadata")
                .step(Step::new("0.0.1", "0.1.0").rename("result", "outcome"))
                .step(
                    Step::new("0.1.0", "0.2.0")
                        .add("tags", || json!([]))
                        .preserve("notes"),
                )
                .build()
                .expect("the benchmark schema is valid")
        })
    }
}

/// xorshift64*: small, deterministic, good enough for text.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A generator at this exact state, for a caller that seeds it itself.
    pub fn from_state(state: u64) -> Self {
        Rng(state)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn words(&mut self, n: usize) -> String {
        const WORDS: &[&str] = &[
            "the",
            "test",
            "fails",
            "because",
            "parser",
            "returns",
            "None",
            "when",
            "input",
            "is",
            "empty",
            "fix",
            "src/lib.rs",
            "assert",
            "expected",
            "value",
            "line",
            "error",
            "build",
            "cargo",
            "function",
            "module",
            "result",
            "trace",
            "step",
            "tool",
            "call",
            "\"quoted\"",
            "path\\to",
            "unicode: é",
            "ok",
        ];
        let mut text = String::new();
        for i in 0..n {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(WORDS[self.below(WORDS.len() as u64) as usize]);
        }
        text
    }
}

const TOOLS: [&str; 4] = ["bash", "read_file", "edit_file", "search"];
const OUTCOMES: [&str; 3] = ["resolved", "failed", "partial"];

/// One legacy (0.0.1) trace of about 10 KB: a problem statement, 20 steps
/// of tool calls with arguments and results, context metadata.
pub fn old_trace(rng: &mut Rng, index: u64) -> String {
    let steps: Vec<Value> = (0..20)
        .map(|i| {
            json!({
                "thought": rng.words(12),
                "tool": TOOLS[rng.below(4) as usize],
                "arguments": {"command": rng.words(8), "path": format!("src/module_{}.rs", rng.below(50)), "line": rng.below(500)},
                "result": {"exit_code": rng.below(2), "stdout": rng.words(45), "truncated": rng.below(2) == 1},
                "duration_ms": rng.below(10_000) + i,
            })
        })
        .collect();
    let trace = json!({
        "problem_statement": format!("#{index}: {}", rng.words(60)),
        "steps": steps,
        "result": OUTCOMES[rng.below(3) as usize],
        "notes": rng.words(20),
        "context": {"metadata": {"agent": "swe-agent", "model": "m-1", "run": index, "seed": rng.below(1 << 32)}},
    });
    trace.to_string()
}

/// `count` old traces, one a line.
pub fn corpus(count: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for i in 0..count {
        out.extend_from_slice(old_trace(&mut rng, i).as_bytes());
        out.push(b'\n');
    }
    out
}
