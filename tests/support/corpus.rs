//! A reproducible corpus of agent execution traces, for tests, benchmarks
//! and the bundled `data/corpus/traces.jsonl`.
//!
//! Everything is a pure function of a seed: the same seed gives the same
//! bytes on every machine, so a generated file can be committed and checked
//! against its generator. Documents are built in key order (the version key
//! first, as palimpsest writes it) and rendered without depending on how
//! `serde_json::Map` orders keys.
//!
//! ```
//! use palimpsest_tests::corpus::{trace, Size, TraceVersion};
//!
//! let legacy = trace(7, TraceVersion::Legacy, Size::Small);
//! assert!(legacy.to_value().get("schema_version").is_none());
//!
//! let current = trace(7, TraceVersion::Current, Size::Typical);
//! assert!(current.to_json().starts_with(r#"{"schema_version":"0.1.0","#));
//! assert_eq!(current.to_json(), trace(7, TraceVersion::Current, Size::Typical).to_json());
//! ```

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// Where the bundled corpus lives, relative to the workspace root.
pub const CORPUS_PATH: &str = "data/corpus/traces.jsonl";

/// The seed of the bundled corpus.
pub const CORPUS_SEED: u64 = 0x7061_6c69_6d70_7365;

/// How many documents the bundled corpus holds, malformed lines included.
pub const CORPUS_LEN: usize = 300;

/// SplitMix64: small, fast, and the same on every platform, which is all a
/// reproducible corpus needs from a generator.
///
/// ```
/// use palimpsest_tests::corpus::Rng;
///
/// let mut rng = Rng::new(42);
/// let roll = rng.between(1, 6);
/// assert!((1..=6).contains(&roll));
/// assert_eq!(Rng::new(42).between(1, 6), roll);
/// ```
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole output is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0). The modulo bias is irrelevant at the
    /// sizes a corpus uses.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True with the given chance in percent.
    pub fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[index]
    }
}

/// A JSON document whose keys keep the order they were built in.
///
/// ```
/// use palimpsest_tests::corpus::Node;
///
/// let node = Node::Object(vec![("b".into(), Node::Int(1)), ("a".into(), Node::Null)]);
/// assert_eq!(node.to_json(), r#"{"b":1,"a":null}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Int(u64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    List(Vec<Node>),
    /// An object, keys in order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The document as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a corpus node always serializes")
    }

    /// The document as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a corpus node always serializes")
    }

    fn object(entries: Vec<(&str, Node)>) -> Node {
        Node::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }

    fn text(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    fn strings(items: &[&str]) -> Node {
        Node::List(items.iter().map(|s| Node::text(*s)).collect())
    }

    fn entries_mut(&mut self) -> &mut Vec<(String, Node)> {
        match self {
            Node::Object(entries) => entries,
            _ => panic!("the corpus only adds keys to objects"),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(n) => serializer.serialize_u64(*n),
            Node::Float(f) => serializer.serialize_f64(*f),
            Node::Str(s) => serializer.serialize_str(s),
            Node::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// The schema version a generated trace is written at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceVersion {
    /// 0.0.1: written before versioning, no `schema_version` key, and
    /// often sparse (no trace id, no timings, no context).
    Legacy,
    /// 0.1.0: `schema_version` first, every field present.
    Current,
    /// 0.1.0, written by migrating a legacy trace: its metadata records
    /// `migrated_from` and `migration_history`.
    Migrated,
}

impl TraceVersion {
    /// The version as documents spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceVersion::Legacy => "0.0.1",
            TraceVersion::Current | TraceVersion::Migrated => "0.1.0",
        }
    }
}

/// How large a generated trace is, as rendered JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// About 1 KB: a couple of steps.
    Small,
    /// About 10 KB: some twenty steps with tool calls.
    Typical,
    /// About 100 KB: a long session with large tool outputs.
    Large,
    /// About this many bytes (never fewer, but for a trace of no steps).
    Bytes(usize),
}

impl Size {
    fn target(self) -> usize {
        match self {
            Size::Small => 1_000,
            Size::Typical => 10_000,
            Size::Large => 100_000,
            Size::Bytes(n) => n,
        }
    }
}

/// One generated trace of the given version and size; the same arguments
/// always give the same document.
///
/// ```
/// use palimpsest_tests::corpus::{trace, Size, TraceVersion};
///
/// let big = trace(1, TraceVersion::Legacy, Size::Bytes(50_000));
/// let len = big.to_json().len();
/// assert!((50_000..55_000).contains(&len), "{len}");
/// ```
pub fn trace(seed: u64, version: TraceVersion, size: Size) -> Node {
    Generator::new(Rng::new(seed)).trace(version, size.target())
}

/// A 0.0.1 trace for a history that goes further than the trace models' own,
/// where `outcome` was called `result` before 0.1.0 and `notes` is removed in
/// 0.2.0: a legacy [`trace`] with its `outcome` under the old name and a
/// `notes` text last. The bulk benchmark's types read it.
///
/// ```
/// use palimpsest_tests::corpus::{result_and_notes_trace, trace, Size, TraceVersion};
///
/// let old = result_and_notes_trace(3, Size::Small).to_value();
/// let legacy = trace(3, TraceVersion::Legacy, Size::Small).to_value();
/// assert_eq!(old["result"], legacy["outcome"]);
/// assert!(old.get("outcome").is_none());
/// assert!(old["notes"].is_string());
/// ```
pub fn result_and_notes_trace(seed: u64, size: Size) -> Node {
    let mut node = trace(seed, TraceVersion::Legacy, size);
    let entries = node.entries_mut();
    for (key, _) in entries.iter_mut() {
        if key == "outcome" {
            "result".clone_into(key);
        }
    }
    let notes = *Rng::new(seed).pick(NOTES);
    entries.push(("notes".to_owned(), Node::text(notes)));
    node
}

/// What a line of the bundled corpus is, and so what reading it must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A valid trace of this version.
    Trace(TraceVersion),
    /// Not JSON at all (a truncated line, say).
    InvalidJson,
    /// JSON, but not an object.
    NotAnObject,
    /// `schema_version` holds something that is not a semver string.
    MalformedVersion,
    /// `schema_version` is newer than this build knows.
    NewerVersion,
}

/// One line of the bundled corpus.
#[derive(Clone, Debug)]
pub struct Line {
    /// The line's text, without its newline.
    pub text: String,
    /// What it is.
    pub expected: Expected,
}

/// The lines of the bundled corpus: mostly 0.0.1 and 0.1.0 traces of every
/// size, and a few malformed lines at fixed places.
///
/// ```
/// use palimpsest_tests::corpus::{corpus_lines, Expected, CORPUS_LEN};
///
/// let lines = corpus_lines();
/// assert_eq!(lines.len(), CORPUS_LEN);
/// let malformed = lines.iter().filter(|l| !matches!(l.expected, Expected::Trace(_)));
/// assert_eq!(malformed.count(), 8);
/// ```
pub fn corpus_lines() -> Vec<Line> {
    let mut rng = Rng::new(CORPUS_SEED);
    let mut lines = Vec::with_capacity(CORPUS_LEN);
    let malformed = malformed_lines(&mut rng);
    // Malformed lines stand at fixed, spread-out places.
    let every = CORPUS_LEN / malformed.len();
    let mut malformed = malformed.into_iter();
    for index in 0..CORPUS_LEN {
        if index % every == every / 2 {
            if let Some(line) = malformed.next() {
                lines.push(line);
                continue;
            }
        }
        let version = match rng.below(100) {
            0..=49 => TraceVersion::Legacy,
            50..=84 => TraceVersion::Current,
            _ => TraceVersion::Migrated,
        };
        let size = match rng.below(100) {
            0..=61 => rng.between(600, 1_500),
            62..=96 => rng.between(7_000, 14_000),
            _ => rng.between(40_000, 90_000),
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let node = trace(rng.next_u64(), version, Size::Bytes(size));
        lines.push(Line {
            text: node.to_json(),
            expected: Expected::Trace(version),
        });
    }
    lines
}

/// The bundled corpus as the file holds it: one line per document.
pub fn render_corpus() -> String {
    let mut out = String::new();
    for line in corpus_lines() {
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

fn malformed_lines(rng: &mut Rng) -> Vec<Line> {
    let line = |text: String, expected| Line { text, expected };
    let with_version = |rng: &mut Rng, version: Node| {
        let mut node = trace(rng.next_u64(), TraceVersion::Legacy, Size::Small);
        node.entries_mut()
            .insert(0, ("schema_version".to_owned(), version));
        node.to_json()
    };
    let truncated = trace(rng.next_u64(), TraceVersion::Current, Size::Small).to_json();
    let cut = truncated.len() / 2;
    vec![
        line(truncated[..cut].to_owned(), Expected::InvalidJson),
        line(
            r#"{"problem_statement": "Fix the parser", "outcome": "done",}"#.to_owned(),
            Expected::InvalidJson,
        ),
        line(r#"["not", "a", "trace"]"#.to_owned(), Expected::NotAnObject),
        line(r#""problem_statement""#.to_owned(), Expected::NotAnObject),
        line(with_version(rng, Node::Int(1)), Expected::MalformedVersion),
        line(
            with_version(rng, Node::text("v0.1")),
            Expected::MalformedVersion,
        ),
        line(
            with_version(rng, Node::text("0.2.0")),
            Expected::NewerVersion,
        ),
        line(
            with_version(rng, Node::text("1.0.0")),
            Expected::NewerVersion,
        ),
    ]
}

const MODELS: &[&str] = &[
    "claude-3-5-sonnet-20241022",
    "claude-sonnet-4-20250514",
    "gpt-4o-2024-08-06",
    "gpt-4.1-mini",
    "llama-3.1-70b-instruct",
];
const REPOS: &[&str] = &[
    "httpkit",
    "ledger",
    "tinyconf",
    "orbit-sched",
    "pixelmap",
    "quill",
];
const MODULES: &[&str] = &[
    "config",
    "parser",
    "cache",
    "auth",
    "scheduler",
    "storage",
    "router",
    "metrics",
    "cli",
    "retry",
];
const SYMBOLS: &[&str] = &[
    "load_settings",
    "parse_header",
    "evict_expired",
    "refresh_token",
    "next_run_at",
    "write_batch",
    "match_route",
    "record_latency",
    "parse_args",
    "backoff_delay",
];
const PROBLEMS: &[&str] = &[
    "Fix the failing test `test_{symbol}` in the {module} module",
    "`{symbol}` panics on empty input; make it return an error instead",
    "Add support for environment variable overrides to `{symbol}`",
    "The {module} module leaks file handles under load; find and fix the leak",
    "Refactor `{symbol}` so the {module} module no longer depends on global state",
    "Users report that `{symbol}` is off by one at day boundaries",
    "Implement pagination for the {module} listing endpoint",
    "Upgrade the {module} module to the new error type and keep the public API",
];
const OUTCOMES: &[&str] = &[
    "Fixed: the boundary check in `{symbol}` was inclusive; tests pass",
    "Implemented and covered by three new tests; all 212 tests pass",
    "Partially done: the fix works but two flaky tests in {module} still fail",
    "Could not reproduce the failure; added logging to `{symbol}` for the next occurrence",
    "Gave up after the build environment lacked a required system library",
    "Refactored `{symbol}`; behaviour unchanged, benchmarks 8% faster",
];
const REASONS: &[&str] = &[
    "Before changing anything I need to see how `{symbol}` is used.",
    "The error message points at the {module} module, so the bug is likely there.",
    "Running the tests first tells me whether the failure is deterministic.",
    "The previous output shows the value is computed twice; check the caller.",
    "A narrower search should find the definition rather than every call site.",
    "The fix looks right; confirm it with the full test suite before finishing.",
    "This path is only hit when the cache is cold, which the test does not cover.",
    "I should check the changelog for an intentional behaviour change here.",
];
const OBSERVATIONS: &[&str] = &[
    "`{symbol}` is called from four places; only one passes an empty slice.",
    "The test fails consistently with an index out of bounds in {module}.",
    "No other module depends on this behaviour.",
    "The edit applied cleanly and the code compiles.",
    "All tests pass except one unrelated flaky test.",
    "The function was introduced in the last release without tests.",
    "The search returned no results; the name must be different.",
    "The command timed out after 120 seconds.",
];
const NOTES: &[&str] = &[
    "reproduced on the main branch first",
    "flaky on CI, passes locally",
    "the reviewer asked for a regression test",
    "see the linked issue for the stack trace",
];
const TOOLS: &[&str] = &[
    "read_file",
    "search_code",
    "run_command",
    "edit_file",
    "list_directory",
    "run_tests",
];
const WORDS: &[&str] = &[
    "let", "value", "return", "match", "config", "self", "error", "Ok", "into", "iter", "map",
    "len", "buffer", "state", "request", "timeout", "key", "entry", "result", "path",
];

struct Generator {
    rng: Rng,
    clock_ms: u64,
    module: &'static str,
    symbol: &'static str,
    repo: &'static str,
}

impl Generator {
    fn new(mut rng: Rng) -> Self {
        // 2024-01-01T00:00:00Z plus up to a year, in milliseconds.
        let clock_ms = 1_704_067_200_000 + rng.below(365 * 86_400_000);
        let module = *rng.pick(MODULES);
        let symbol = *rng.pick(SYMBOLS);
        let repo = *rng.pick(REPOS);
        Generator {
            rng,
            clock_ms,
            module,
            symbol,
            repo,
        }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{module}", self.module)
            .replace("{symbol}", self.symbol)
    }

    fn pick_filled(&mut self, templates: &[&str]) -> String {
        let template = *self.rng.pick(templates);
        self.fill(template)
    }

    fn now(&self) -> Node {
        Node::Str(timestamp(self.clock_ms))
    }

    fn advance(&mut self, low: u64, high: u64) -> u64 {
        let ms = self.rng.between(low, high);
        self.clock_ms += ms;
        ms
    }

    fn file_path(&mut self) -> String {
        let module = if self.rng.percent(70) {
            self.module
        } else {
            *self.rng.pick(MODULES)
        };
        format!("src/{module}.rs")
    }

    fn code(&mut self, bytes: usize) -> String {
        let mut out = String::with_capacity(bytes + 80);
        let mut line = 1;
        while out.len() < bytes {
            let words = self.rng.between(3, 9);
            let indent = "    ".repeat(usize::try_from(self.rng.below(3)).unwrap_or(0));
            out.push_str(&format!("{line:>4} {indent}"));
            for i in 0..words {
                if i > 0 {
                    out.push(' ');
                }
                let word = *self.rng.pick(WORDS);
                out.push_str(word);
            }
            out.push_str(";\n");
            line += 1;
        }
        out
    }

    fn trace(&mut self, version: TraceVersion, target: usize) -> Node {
        let legacy = version == TraceVersion::Legacy;
        // Legacy recorders wrote less: ids, timings and context came later.
        let sparse = legacy && self.rng.percent(40);
        let mut entries: Vec<(&str, Node)> = Vec::new();
        if !legacy {
            entries.push(("schema_version", Node::text(version.as_str())));
        }
        if !sparse {
            entries.push(("trace_id", Node::Str(self.uuid())));
        }
        entries.push(("problem_statement", Node::Str(self.pick_filled(PROBLEMS))));
        let outcome = self.pick_filled(OUTCOMES);
        let success = !outcome.starts_with("Gave up") && !outcome.starts_with("Could not");
        entries.push(("outcome", Node::Str(outcome)));
        if !sparse {
            entries.push(("success", Node::Bool(success)));
            entries.push(("started_at", self.now()));
        }
        let mut trace = Node::object(entries);

        let budget = (target / 35).clamp(60, 4_000);
        let context = if sparse && self.rng.percent(50) {
            None
        } else {
            Some(self.context(version, target))
        };
        let fixed = trace.to_json().len() + context.as_ref().map_or(0, |c| c.to_json().len()) + 80;
        let mut steps = Vec::new();
        let mut size = fixed;
        while size < target {
            let step = self.step(steps.len() as u64 + 1, budget, sparse);
            size += step.to_json().len() + 1;
            steps.push(step);
        }
        let entries = trace.entries_mut();
        if !sparse {
            entries.push(("completed_at".to_owned(), self.now()));
        }
        entries.push(("execution_steps".to_owned(), Node::List(steps)));
        if let Some(context) = context {
            entries.push(("context".to_owned(), context));
        }
        trace
    }

    fn uuid(&mut self) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    fn context(&mut self, version: TraceVersion, target: usize) -> Node {
        let mut environment = vec![
            (
                "os",
                Node::text(*self.rng.pick(&["linux", "macos", "windows"])),
            ),
            ("model", Node::text(*self.rng.pick(MODELS))),
            (
                "working_directory",
                Node::Str(format!("/home/dev/src/{}", self.repo)),
            ),
        ];
        if target >= 5_000 {
            environment.push(("arch", Node::text(*self.rng.pick(&["x86_64", "aarch64"]))));
            environment.push((
                "git_commit",
                Node::Str(format!(
                    "{:016x}{:016x}",
                    self.rng.next_u64(),
                    self.rng.next_u64()
                )),
            ));
            environment.push((
                "agent_version",
                Node::Str(format!("0.{}.{}", self.rng.below(9), self.rng.below(20))),
            ));
            environment.push((
                "temperature",
                Node::Float(*self.rng.pick(&[0.0, 0.2, 0.7, 1.0])),
            ));
        }
        let tools = if target >= 5_000 {
            Node::strings(TOOLS)
        } else {
            Node::strings(&TOOLS[..3])
        };
        let mut metadata = Vec::new();
        if target >= 5_000 || self.rng.percent(30) {
            let input = self.rng.between(2_000, 400_000);
            let output = self.rng.between(300, 40_000);
            metadata.push((
                "token_usage",
                Node::object(vec![
                    ("input", Node::Int(input)),
                    ("output", Node::Int(output)),
                ]),
            ));
            metadata.push((
                "cost_usd",
                Node::Float((input * 3 + output * 15) as f64 / 1_000_000.0),
            ));
            metadata.push(("tags", Node::strings(&[self.module, "dogfooding"])));
        }
        if version == TraceVersion::Migrated {
            metadata.push(("migrated_from", Node::text("0.0.1")));
            metadata.push((
                "migration_history",
                Node::List(vec![Node::object(vec![
                    ("from", Node::text("0.0.1")),
                    ("to", Node::text("0.1.0")),
                ])]),
            ));
        }
        Node::object(vec![
            ("environment", Node::object(environment)),
            ("tools_available", tools),
            ("metadata", Node::object(metadata)),
        ])
    }

    fn step(&mut self, number: u64, budget: usize, sparse: bool) -> Node {
        let started = self.now();
        let mut calls = Vec::new();
        let n_calls = match self.rng.below(10) {
            0 => 0,
            1..=7 => 1,
            _ => 2,
        };
        let mut action = String::from("think");
        for _ in 0..n_calls {
            let (name, call) = self.tool_call(budget, sparse);
            action = name.replace('_', " ");
            calls.push(call);
        }
        let reasoning = self.pick_filled(REASONS);
        let observation = self.pick_filled(OBSERVATIONS);
        let mut entries = vec![
            ("step_number", Node::Int(number)),
            ("action", Node::Str(action)),
            ("reasoning", Node::Str(reasoning)),
        ];
        if !calls.is_empty() || !sparse {
            entries.push(("tool_calls", Node::List(calls)));
        }
        entries.push(("observation", Node::Str(observation)));
        if !sparse {
            let duration = self.advance(200, 30_000);
            entries.push(("started_at", started));
            entries.push(("duration_ms", Node::Int(duration)));
        }
        Node::object(entries)
    }

    fn tool_call(&mut self, budget: usize, sparse: bool) -> (&'static str, Node) {
        let name = *self.rng.pick(TOOLS);
        let path = self.file_path();
        let (arguments, result) = match name {
            "read_file" => (
                Node::object(vec![("path", Node::Str(path))]),
                Node::Str(self.code(budget)),
            ),
            "search_code" => {
                let hits = (budget / 60).max(1);
                let lines = (0..hits)
                    .map(|_| {
                        let line = self.rng.between(1, 400);
                        Node::Str(format!(
                            "src/{}.rs:{line}: {}(",
                            self.rng.pick(MODULES),
                            self.symbol
                        ))
                    })
                    .collect();
                (
                    Node::object(vec![
                        ("pattern", Node::text(self.symbol)),
                        ("path", Node::text("src/")),
                    ]),
                    Node::List(lines),
                )
            }
            "run_command" => {
                let command = *self.rng.pick(&[
                    "cargo build",
                    "git status --short",
                    "cargo clippy",
                    "git log -5 --oneline",
                ]);
                let exit_code = if self.rng.percent(80) { 0 } else { 1 };
                let stdout = self.code(budget / 2);
                // Some recorders pass arguments as the JSON text the model
                // produced instead of an object.
                let arguments = if self.rng.percent(20) {
                    Node::Str(format!("{{\"command\": \"{command}\"}}"))
                } else {
                    Node::object(vec![("command", Node::text(command))])
                };
                (
                    arguments,
                    Node::object(vec![
                        ("exit_code", Node::Int(exit_code)),
                        ("stdout", Node::Str(stdout)),
                        ("stderr", Node::text("")),
                    ]),
                )
            }
            "edit_file" => {
                let old = self.code(budget / 4);
                let new = self.code(budget / 4);
                (
                    Node::object(vec![
                        ("path", Node::Str(path)),
                        ("old_text", Node::Str(old)),
                        ("new_text", Node::Str(new)),
                    ]),
                    Node::text("applied 1 edit"),
                )
            }
            "list_directory" => {
                let entries = MODULES
                    .iter()
                    .take((budget / 12).clamp(2, MODULES.len()))
                    .map(|m| Node::Str(format!("{m}.rs")))
                    .collect();
                (
                    Node::object(vec![("path", Node::text("src/"))]),
                    Node::List(entries),
                )
            }
            _ => {
                let passed = self.rng.between(20, 400);
                let failed = self.rng.below(3);
                (
                    Node::object(vec![("filter", Node::Str(format!("{}::", self.module)))]),
                    Node::object(vec![
                        ("passed", Node::Int(passed)),
                        ("failed", Node::Int(failed)),
                        ("output", Node::Str(self.code(budget / 3))),
                    ]),
                )
            }
        };
        let mut entries = vec![("name", Node::text(name)), ("arguments", arguments)];
        if self.rng.percent(5) {
            entries.push(("result", Node::Null));
            entries.push(("error", Node::Str(format!("{name}: permission denied"))));
        } else {
            entries.push(("result", result));
        }
        if !sparse {
            let ms = self.advance(5, 8_000);
            entries.push(("duration_ms", Node::Int(ms)));
        }
        (name, Node::object(entries))
    }
}

/// `ms` since the Unix epoch as RFC 3339 UTC with milliseconds.
fn timestamp(ms: u64) -> String {
    let secs = ms / 1_000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        ms % 1_000
    )
}

/// Howard Hinnant's `civil_from_days`, for days since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
        assert_eq!(timestamp(1_735_689_599_000), "2024-12-31T23:59:59.000Z");
    }

    #[test]
    fn the_generator_depends_on_its_seed_only() {
        let mut a = Rng::new(3);
        let mut b = Rng::new(3);
        let mut c = Rng::new(4);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        assert_eq!(xs, (0..8).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(xs, (0..8).map(|_| c.next_u64()).collect::<Vec<_>>());
    }
}
