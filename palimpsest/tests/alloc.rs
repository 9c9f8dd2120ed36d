//! The fast path allocates exactly what plain serde allocates, and writing
//! no more: counted with a global allocator, per thread, so the harness's
//! own threads do not count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is a const-initialized thread local without a destructor, so
// touching it never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Trace {
    problem_statement: String,
    #[renamed_from("result", since = "0.2.0")]
    outcome: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
    #[removed_in("0.4.0")]
    notes: String,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default)]
    context: Context,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlainTrace {
    problem_statement: String,
    outcome: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default)]
    context: Context,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Step {
    tool: String,
    arguments: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Context {
    #[serde(default)]
    metadata: Map<String, Value>,
}

const CURRENT: &str = r#"{"schema_version":"0.4.0","problem_statement":"p","outcome":"o",
    "tags":["a","b"],"steps":[{"tool":"grep","arguments":{"q":"x","n":[1,2]}},
    {"tool":"sed","arguments":null}],"context":{"metadata":{"run":7}}}"#;

#[test]
fn the_fast_path_allocates_what_plain_serde_allocates() {
    // The schema is built on first use; that one-time cost is not per read.
    let _ = serde_json::from_str::<Trace>(CURRENT).unwrap();

    let (plain, plain_value) = allocations(|| serde_json::from_str::<PlainTrace>(CURRENT));
    let (versioned, value) = allocations(|| serde_json::from_str::<Trace>(CURRENT));
    let (plain_value, value) = (plain_value.unwrap(), value.unwrap());
    assert_eq!(value.steps, plain_value.steps);
    assert!(plain > 0, "the counter counts");
    assert_eq!(versioned, plain, "from a str");

    let (plain, _) = allocations(|| serde_json::from_slice::<PlainTrace>(CURRENT.as_bytes()));
    let (versioned, _) = allocations(|| serde_json::from_slice::<Trace>(CURRENT.as_bytes()));
    assert_eq!(versioned, plain, "from bytes");

    // From a reader nothing borrows: the version key must still be
    // compared without being copied.
    let (plain, _) = allocations(|| serde_json::from_reader::<_, PlainTrace>(CURRENT.as_bytes()));
    let (versioned, _) = allocations(|| serde_json::from_reader::<_, Trace>(CURRENT.as_bytes()));
    assert_eq!(versioned, plain, "from a reader");

    // Writing into a buffer that is large enough allocates nothing more.
    let mut out = Vec::with_capacity(4096);
    let (plain, _) = allocations(|| serde_json::to_writer(&mut out, &plain_value));
    out.clear();
    let (versioned, _) = allocations(|| serde_json::to_writer(&mut out, &value));
    assert!(versioned <= plain, "{versioned} > {plain}");
    assert!(out.starts_with(br#"{"schema_version":"0.4.0","#));
}
