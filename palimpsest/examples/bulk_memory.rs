//! Peak memory of a bulk migration, for the bulk section of
//! benches/README.md: generates N old ~10 KB traces into a temporary JSONL
//! file, migrates it to another with all cores, and prints the peak
//! resident set size (VmHWM, Linux) next to the corpus size.
//!
//! `cargo run --release -p palimpsest --features bulk --example bulk_memory -- 10000`

use std::fs::File;
use std::io::{BufWriter, Write};

use palimpsest::bulk::{Migrator, Summary};

#[path = "../benches/support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> std::io::Result<()> {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("old.jsonl");
    {
        let mut out = BufWriter::new(File::create(&input)?);
        let mut rng = corpus::Rng::new(7);
        for _ in 0..count {
            out.write_all(corpus::old_trace(&mut rng).as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    let size = std::fs::metadata(&input)?.len();
    let before = peak_rss_kib();
    let start = std::time::Instant::now();
    let mut summary = Summary::default();
    let output = BufWriter::new(File::create(dir.path().join("new.jsonl"))?);
    Migrator::<corpus::Trace>::new().jsonl(
        "old.jsonl",
        File::open(&input)?,
        output,
        &mut summary,
    )?;
    let elapsed = start.elapsed();
    assert_eq!(summary.migrated, count);
    println!(
        "{count} documents, {:.1} MB in {:.2?} ({:.0} docs/s, {:.1} MB/s); peak RSS before the run {} KiB, after {} KiB",
        size as f64 / 1e6,
        elapsed,
        count as f64 / elapsed.as_secs_f64(),
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        before.unwrap_or(0),
        peak_rss_kib().unwrap_or(0),
    );
    Ok(())
}
