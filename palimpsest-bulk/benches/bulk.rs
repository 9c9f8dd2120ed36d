//! Bulk migration throughput on a JSONL corpus of old ~10 KB traces, next
//! to plain serde_json parse + serialize of the same lines, on 1 and 2
//! threads. Figures: benches/README.md at the repository root.
//!
//! With `PALIMPSEST_PAIRED=1` the cases run paired instead: one run of each
//! side alternates with the other, and the medians of the per-pair ratios
//! are printed; on a shared machine whose load drifts, far steadier than
//! two criterion estimates taken seconds apart.

use std::time::Instant;

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use palimpsest_bulk::{Migrator, Summary};
use rayon::prelude::*;
use serde_json::Value;

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use corpus::{HandTrace, Trace};

/// Enough documents that the migrator's per-call set-up (its batch
/// buffers) weighs as little as it does on a real corpus.
const DOCUMENTS: u64 = 2000;

/// Plain serde_json: parse each line into a `Value` and write it back, into
/// a buffer reused from line to line (what a writer to a file costs).
fn plain(lines: &[&[u8]]) -> usize {
    let mut out = Vec::new();
    let mut written = 0;
    for line in lines {
        out.clear();
        let value: Value = serde_json::from_slice(line).unwrap();
        serde_json::to_writer(&mut out, &value).unwrap();
        out.push(b'\n');
        written += out.len();
    }
    written
}

/// Plain serde_json on a pool: the same work, chunks in parallel.
fn plain_parallel(lines: &[&[u8]]) -> usize {
    lines.par_chunks(16).map(plain).sum()
}

fn bulk(c: &mut Criterion) {
    let input = corpus::corpus(DOCUMENTS, 7);
    let lines: Vec<&[u8]> = input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    eprintln!(
        "corpus: {DOCUMENTS} documents, {:.1} MB, {:.1} KB per document",
        input.len() as f64 / 1e6,
        input.len() as f64 / DOCUMENTS as f64 / 1e3
    );

    let mut group = c.benchmark_group("bulk");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(input.len() as u64));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(
            BenchmarkId::new("serde_json parse+serialize", threads),
            |b| {
                b.iter(|| {
                    pool.install(|| {
                        if threads == 1 {
                            plain(&lines)
                        } else {
                            plain_parallel(&lines)
                        }
                    })
                })
            },
        );
        bench_migrator(
            &mut group,
            "palimpsest bulk migrate",
            &Migrator::<Trace>::new().threads(threads).unwrap(),
            threads,
            &input,
        );
        bench_migrator(
            &mut group,
            "palimpsest bulk migrate, hand-written Versioned",
            &Migrator::<HandTrace>::new().threads(threads).unwrap(),
            threads,
            &input,
        );
    }
    group.finish();
}

fn bench_migrator<T>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    migrator: &Migrator<T>,
    threads: usize,
    input: &[u8],
) where
    T: palimpsest::Versioned + serde::Serialize + serde::de::DeserializeOwned,
{
    group.bench_function(BenchmarkId::new(name, threads), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len() * 2);
            let mut summary = Summary::default();
            migrator
                .jsonl("bench", input, &mut out, &mut summary)
                .unwrap();
            assert_eq!(summary.migrated, DOCUMENTS);
            out.len()
        })
    });
}

criterion_group!(benches, bulk);

fn main() {
    if std::env::var_os("PALIMPSEST_PAIRED").is_some() {
        paired();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// Alternates single runs of plain serde_json and of bulk migration, on 1
/// and 2 threads, then on the corpus once migrated (current documents,
/// copied through), and prints the medians of the ratios of each pair.
fn paired() {
    let input = corpus::corpus(DOCUMENTS, 7);
    let lines: Vec<&[u8]> = input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let pools: Vec<rayon::ThreadPool> = [1, 2]
        .iter()
        .map(|&n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        })
        .collect();
    let migrators = [
        Migrator::<Trace>::new().threads(1).unwrap(),
        Migrator::<Trace>::new().threads(2).unwrap(),
    ];
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let hand = Migrator::<HandTrace>::new().threads(1).unwrap();
    let migrate = |migrator: &Migrator<Trace>| {
        let mut summary = Summary::default();
        migrator
            .jsonl("bench", &input[..], std::io::sink(), &mut summary)
            .unwrap();
        assert_eq!(summary.migrated, DOCUMENTS);
    };
    let migrate_hand = || {
        let mut summary = Summary::default();
        hand.jsonl("bench", &input[..], std::io::sink(), &mut summary)
            .unwrap();
        assert_eq!(summary.migrated, DOCUMENTS);
    };
    // The same corpus once migrated: every document is current, read to
    // check that it fits the type and copied through.
    let mut current = Vec::with_capacity(input.len() * 2);
    migrators[0]
        .jsonl("bench", &input[..], &mut current, &mut Summary::default())
        .unwrap();
    let current_lines: Vec<&[u8]> = current
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let copy_current = || {
        let mut summary = Summary::default();
        migrators[0]
            .jsonl("bench", &current[..], std::io::sink(), &mut summary)
            .unwrap();
        assert_eq!(summary.current, DOCUMENTS);
    };
    let (mut one, mut two, mut scaling, mut plain_scaling) = (vec![], vec![], vec![], vec![]);
    let (mut one_hand, mut one_current) = (vec![], vec![]);
    for _ in 0..21 {
        let plain1 = time(&mut || {
            std::hint::black_box(pools[0].install(|| plain(&lines)));
        });
        let bulk1 = time(&mut || migrate(&migrators[0]));
        let plain2 = time(&mut || {
            std::hint::black_box(pools[1].install(|| plain_parallel(&lines)));
        });
        let bulk2 = time(&mut || migrate(&migrators[1]));
        let hand1 = time(&mut || migrate_hand());
        let plain_current1 = time(&mut || {
            std::hint::black_box(pools[0].install(|| plain(&current_lines)));
        });
        let current1 = time(&mut || copy_current());
        one_current.push(plain_current1 / current1);
        one.push(plain1 / bulk1);
        one_hand.push(plain1 / hand1);
        two.push(plain2 / bulk2);
        scaling.push(bulk1 / bulk2);
        plain_scaling.push(plain1 / plain2);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mb = input.len() as f64 / 1e6;
    println!("corpus: {DOCUMENTS} documents, {mb:.1} MB; medians of 21 pairs");
    println!(
        "bulk throughput / plain parse+serialize, 1 thread:  {:.2}",
        median(one)
    );
    println!(
        "bulk throughput / plain parse+serialize, 2 threads: {:.2}",
        median(two)
    );
    println!(
        "bulk (hand-written Versioned) / plain parse+serialize, 1 thread: {:.2}",
        median(one_hand)
    );
    println!(
        "bulk on the migrated corpus (all current) / plain parse+serialize of it, 1 thread: {:.2}",
        median(one_current)
    );
    println!("bulk, 2 threads over 1:  {:.2}x", median(scaling));
    println!("plain, 2 threads over 1: {:.2}x", median(plain_scaling));
}
