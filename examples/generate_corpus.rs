//! Writes the bundled corpus of execution traces, `data/corpus/traces.jsonl`.
//!
//! The corpus is a pure function of a fixed seed, so running this again
//! rewrites the committed file byte for byte (a test checks that it does).
//!
//! ```text
//! cargo run --example generate_corpus            # writes data/corpus/traces.jsonl
//! cargo run --example generate_corpus -- out.jsonl
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use palimpsest_tests::corpus::{corpus_lines, render_corpus, Expected, CORPUS_PATH};

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(CORPUS_PATH),
        PathBuf::from,
    );
    let text = render_corpus();
    if let Some(parent) = path.parent() {
        if let Err(e) = std::fs::create_dir_all(parent) {
            eprintln!("cannot create {}: {e}", parent.display());
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    // Generating the lines again to count them costs a few milliseconds.
    let lines = corpus_lines();
    let valid = lines
        .iter()
        .filter(|l| matches!(l.expected, Expected::Trace(_)))
        .count();
    println!(
        "wrote {}: {} lines ({valid} traces, {} malformed), {} bytes",
        path.display(),
        lines.len(),
        lines.len() - valid,
        text.len()
    );
    ExitCode::SUCCESS
}
