//! The command line's JSONL reader on arbitrary bytes: it never panics,
//! writes exactly one line for each line read, accounts for every line
//! in its summary, and every line it changed is a current document.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palimpsest_bulk::{Migrator, Summary};
use palimpsest_fuzz::ExecutionTrace;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fuzz_target!(|data: &[u8]| {
    let (mut output, mut summary) = (Vec::new(), Summary::default());
    Migrator::<ExecutionTrace>::new()
        .jsonl("-", data, &mut output, &mut summary)
        .expect("writing to a Vec cannot fail");

    let input = lines(data.strip_prefix(BOM).unwrap_or(data));
    let output = lines(output.strip_prefix(BOM).unwrap_or(&output));
    assert_eq!(output.len(), input.len(), "lines in, lines out");
    assert_eq!(
        summary.documents + summary.blank_lines,
        input.len() as u64,
        "{summary}"
    );
    // Every document is counted once: a newer one is kept, not failed.
    assert_eq!(
        summary.current
            + summary.migrated
            + summary.found_outdated
            + summary.failed
            + summary.newer,
        summary.documents,
        "{summary}"
    );
    for (before, after) in input.iter().zip(&output) {
        if before != after {
            let after = std::str::from_utf8(after).expect("a migrated line is UTF-8");
            if let Err(error) = palimpsest::from_str_strict::<ExecutionTrace>(after) {
                panic!("a migrated line is not a current document: {error}\n{after}");
            }
        }
    }
});

/// The lines of `bytes`, without their terminators; a last line without
/// one counts.
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|last| last.is_empty()) {
        lines.pop();
    }
    for line in &mut lines {
        *line = line.strip_suffix(b"\r").unwrap_or(line);
    }
    lines
}
