//! Bulk migration throughput on a JSONL corpus of old ~10 KB traces, next
//! to plain serde_json parse + serialize of the same lines, on 1 and 2
//! threads. Figures: benches/README.md at the repository root.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use palimpsest::bulk::{Migrator, Summary};
use rayon::prelude::*;
use serde_json::Value;

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use corpus::Trace;

const DOCUMENTS: u64 = 400;

/// Plain serde_json: parse each line into a `Value` and write it back.
fn plain(lines: &[&[u8]]) -> usize {
    let mut out = Vec::new();
    for line in lines {
        let value: Value = serde_json::from_slice(line).unwrap();
        serde_json::to_writer(&mut out, &value).unwrap();
        out.push(b'\n');
    }
    out.len()
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
        let migrator = Migrator::<Trace>::new().threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("palimpsest bulk migrate", threads), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(input.len() * 2);
                let mut summary = Summary::default();
                migrator
                    .jsonl("bench", &input[..], &mut out, &mut summary)
                    .unwrap();
                assert_eq!(summary.migrated, DOCUMENTS);
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bulk);
criterion_main!(benches);
