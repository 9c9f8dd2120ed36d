//! Rows per second of the functions in a DataFusion query over a Parquet
//! column of ~10 KB trace documents, next to the same query reading the
//! column without migration. One partition, so the figures are one core's.
//! Figures: this crate's README.

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use palimpsest::models::trace::ExecutionTrace;
use palimpsest_tests::corpus::{Size, TraceVersion, trace};
use tokio::runtime::Runtime;

const DOCUMENTS: u64 = 2000;

/// A Parquet file of `DOCUMENTS` traces of one version, in a `doc` column.
fn table(dir: &std::path::Path, version: TraceVersion) -> String {
    let docs: Vec<String> = (0..DOCUMENTS)
        .map(|seed| trace(seed, version, Size::Typical).to_json())
        .collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    eprintln!(
        "{} table: {DOCUMENTS} documents, {:.1} KB each on average",
        version.as_str(),
        bytes as f64 / DOCUMENTS as f64 / 1e3
    );
    let batch =
        RecordBatch::try_from_iter([("doc", Arc::new(StringArray::from(docs)) as ArrayRef)])
            .unwrap();
    let path = dir.join(format!("{}.parquet", version.as_str()));
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    path.to_str().unwrap().to_owned()
}

fn udf(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(1));
    palimpsest_datafusion::register::<ExecutionTrace>(&ctx, "trace").unwrap();
    for (name, version) in [
        ("legacy", TraceVersion::Legacy),
        ("current", TraceVersion::Current),
    ] {
        let path = table(dir.path(), version);
        runtime
            .block_on(ctx.register_parquet(name, &path, ParquetReadOptions::default()))
            .unwrap();
    }

    let mut group = c.benchmark_group("udf");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DOCUMENTS));
    for (case, sql) in [
        ("SELECT doc (no migration)", "SELECT doc FROM legacy"),
        (
            "SELECT trace_version(doc)",
            "SELECT trace_version(doc) FROM legacy",
        ),
        (
            "SELECT migrate_trace(doc), 0.0.1 documents",
            "SELECT migrate_trace(doc) FROM legacy",
        ),
        (
            "SELECT migrate_trace(doc), 0.1.0 documents",
            "SELECT migrate_trace(doc) FROM current",
        ),
    ] {
        group.bench_function(case, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
                    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
                    assert_eq!(rows as u64, DOCUMENTS);
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, udf);
criterion_main!(benches);
