//! Migrates a table of old trace documents with SQL.
//!
//! The table is the workspace's bundled corpus (data/corpus/traces.jsonl:
//! 300 traces of versions 0.0.1 and 0.1.0, and 8 malformed lines), written
//! as a Parquet file whose `doc` column holds each line's text, as an export
//! of a document store would. SQL then counts the versions, lists the
//! documents that cannot be migrated and why, and writes the migrated table
//! to a new Parquet file.
//!
//! ```text
//! cargo run --example migrate_table [OUTPUT_DIR]
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use palimpsest::models::trace::ExecutionTrace;
use palimpsest_datafusion::{Functions, OnError};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

#[tokio::main]
async fn main() -> Result<()> {
    let output = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => {
            std::env::temp_dir().join(format!("palimpsest-migrate-table-{}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&output)?;
    run(&output).await
}

async fn run(output: &Path) -> Result<()> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/corpus/traces.jsonl");
    let stored = output.join("traces.parquet");
    write_table(&std::fs::read_to_string(corpus)?, &stored)?;

    let ctx = SessionContext::new();
    // A document that cannot be migrated becomes NULL instead of stopping
    // the query: `trace_error` says which and why.
    Functions::<ExecutionTrace>::new("trace")?
        .on_error(OnError::Null)
        .register(&ctx);
    ctx.register_parquet("traces", path(&stored)?, ParquetReadOptions::default())
        .await?;

    show(
        &ctx,
        "versions stored",
        "SELECT trace_version(doc) AS version, count(*) AS documents FROM traces \
         GROUP BY version ORDER BY version",
    )
    .await?;
    show(
        &ctx,
        "documents that cannot be migrated",
        "SELECT line, trace_error(doc) AS error FROM traces \
         WHERE trace_error(doc) IS NOT NULL ORDER BY line",
    )
    .await?;

    let migrated = output.join("current.parquet");
    let copy = format!(
        "COPY (SELECT line, migrate_trace(doc) AS doc FROM traces WHERE trace_error(doc) IS NULL) \
         TO '{}' STORED AS PARQUET",
        path(&migrated)?
    );
    ctx.sql(&copy).await?.collect().await?;
    ctx.register_parquet("current", path(&migrated)?, ParquetReadOptions::default())
        .await?;
    let after = show(
        &ctx,
        &format!("versions in {}", migrated.display()),
        "SELECT trace_version(doc) AS version, count(*) AS documents FROM current \
         GROUP BY version ORDER BY version",
    )
    .await?;
    assert_eq!(
        after,
        "+---------+-----------+\n| version | documents |\n+---------+-----------+\n| 0.1.0   | 292       |\n+---------+-----------+"
    );
    Ok(())
}

/// One row a line of the corpus: its line number and its text.
fn write_table(corpus: &str, path: &Path) -> Result<()> {
    let lines: Vec<&str> = corpus.lines().collect();
    let batch = RecordBatch::try_from_iter([
        (
            "line",
            Arc::new(Int64Array::from_iter_values(1..=lines.len() as i64)) as ArrayRef,
        ),
        ("doc", Arc::new(StringArray::from(lines)) as ArrayRef),
    ])?;
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), None)?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}

/// Prints a query's result under a title, and returns the printed table.
async fn show(ctx: &SessionContext, title: &str, sql: &str) -> Result<String> {
    let table = pretty_format_batches(&ctx.sql(sql).await?.collect().await?)?.to_string();
    println!("{title}:\n{table}\n");
    Ok(table)
}

/// A path as SQL spells it: SQL text cannot hold a path that is not UTF-8.
fn path(path: &Path) -> Result<&str> {
    Ok(path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs() {
        let dir = tempfile::tempdir().unwrap();
        super::run(dir.path()).await.unwrap();
    }
}
