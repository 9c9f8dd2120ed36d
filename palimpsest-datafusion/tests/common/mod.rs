//! What the table tests share: a type with four versions, documents of
//! each, and readers of query results.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// A ticket with a history of four versions: 0.0.1 (no version key), 0.1.0,
/// 0.2.0 (`state` renamed `status`), 0.3.0 (`labels` added, `priority`
/// removed, its value kept in the metadata).
#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub title: String,
    #[renamed_from("state", since = "0.2.0")]
    pub status: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub labels: Vec<String>,
    #[removed_in("0.3.0")]
    pub priority: u8,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

/// One stored document of each version, as (id, stored text, the current
/// document the migration must give).
pub fn tickets() -> Vec<(i64, &'static str, Value)> {
    let history = |from: &str| {
        let versions = ["0.0.1", "0.1.0", "0.2.0", "0.3.0"];
        let start = versions.iter().position(|v| *v == from).unwrap();
        versions[start..]
            .windows(2)
            .map(|pair| json!({"from": pair[0], "to": pair[1]}))
            .collect::<Vec<_>>()
    };
    vec![
        (
            1,
            r#"{"title": "crash on start", "state": "open", "priority": 1}"#,
            json!({
                "schema_version": "0.3.0", "title": "crash on start", "status": "open", "labels": [],
                "meta": {"legacy_priority": 1, "migrated_from": "0.0.1", "migration_history": history("0.0.1")},
            }),
        ),
        (
            2,
            r#"{"schema_version": "0.1.0", "title": "slow search", "state": "closed", "priority": 3}"#,
            json!({
                "schema_version": "0.3.0", "title": "slow search", "status": "closed", "labels": [],
                "meta": {"legacy_priority": 3, "migrated_from": "0.1.0", "migration_history": history("0.1.0")},
            }),
        ),
        (
            3,
            r#"{"schema_version": "0.2.0", "title": "typo", "status": "open", "priority": 2, "meta": {"owner": "ana"}}"#,
            json!({
                "schema_version": "0.3.0", "title": "typo", "status": "open", "labels": [],
                "meta": {"owner": "ana", "legacy_priority": 2, "migrated_from": "0.2.0", "migration_history": history("0.2.0")},
            }),
        ),
        (
            4,
            r#"{"schema_version": "0.3.0", "title": "dark mode", "status": "open", "labels": ["ui"], "meta": {}}"#,
            json!({"schema_version": "0.3.0", "title": "dark mode", "status": "open", "labels": ["ui"], "meta": {}}),
        ),
    ]
}

/// The query every table test runs: each row's id, stored version and
/// migrated document.
pub const MIGRATE: &str =
    "SELECT id, ticket_version(doc), migrate_ticket(doc) FROM tickets ORDER BY id";

/// The ticket documents, and a NULL document (id 5), as table rows.
pub fn ticket_rows() -> Vec<(i64, Option<&'static str>)> {
    let mut rows: Vec<_> = tickets()
        .into_iter()
        .map(|(id, doc, _)| (id, Some(doc)))
        .collect();
    rows.push((5, None));
    rows
}

/// Checks the rows of [`MIGRATE`] on [`ticket_rows`] against the expected
/// versions and current documents.
pub fn check_migrated(found: &[Vec<Option<String>>]) {
    let expected = tickets();
    assert_eq!(found.len(), expected.len() + 1);
    let versions = ["0.0.1", "0.1.0", "0.2.0", "0.3.0"];
    for ((row, (id, _, current)), version) in found.iter().zip(&expected).zip(versions) {
        assert_eq!(row[0].as_deref(), Some(id.to_string().as_str()));
        assert_eq!(row[1].as_deref(), Some(version), "row {id}");
        let migrated = row[2].as_deref().expect("a migrated document");
        assert_eq!(parse(migrated), *current, "row {id}");
        // What SQL wrote is a current document, read with no migration.
        assert!(
            palimpsest::from_str_strict::<Ticket>(migrated).is_ok(),
            "row {id}"
        );
    }
    // The NULL document: NULL version, NULL document.
    assert_eq!(found[4], vec![Some("5".to_owned()), None, None]);
}

/// A session with the ticket functions and `rows` as the Parquet table
/// `tickets`, written in `dir`.
pub async fn parquet_tickets(
    dir: &tempfile::TempDir,
    rows: &[(i64, Option<&str>)],
) -> SessionContext {
    let path = dir.path().join("tickets.parquet");
    write_parquet(&path, rows);
    let ctx = SessionContext::new();
    palimpsest_datafusion::register::<Ticket>(&ctx, "ticket").unwrap();
    ctx.register_parquet(
        "tickets",
        path.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    ctx
}

/// Writes (id, doc) rows to a Parquet file with the parquet crate, as a
/// table exported by another system would be.
pub fn write_parquet(path: &Path, rows: &[(i64, Option<&str>)]) {
    let ids = Int64Array::from_iter_values(rows.iter().map(|(id, _)| *id));
    let docs = StringArray::from_iter(rows.iter().map(|(_, doc)| *doc));
    let batch = RecordBatch::try_from_iter([
        ("id", Arc::new(ids) as ArrayRef),
        ("doc", Arc::new(docs) as ArrayRef),
    ])
    .unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// Writes (id, doc) rows as a JSON-lines table: one object a line, the
/// document as a JSON string in its `doc` field.
pub fn write_json_lines(path: &Path, rows: &[(i64, Option<&str>)]) {
    let mut text = String::new();
    for (id, doc) in rows {
        text.push_str(&json!({"id": id, "doc": doc}).to_string());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// Runs `sql` and returns its rows, each column as text (NULL as None).
pub async fn rows(ctx: &SessionContext, sql: &str) -> Vec<Vec<Option<String>>> {
    batch_rows(&ctx.sql(sql).await.unwrap().collect().await.unwrap())
}

/// The rows of query results, each column as text (NULL as None).
pub fn batch_rows(batches: &[RecordBatch]) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|column| text(column, row))
                    .collect(),
            );
        }
    }
    rows
}

/// The value at `row` of a string or integer column, as text.
pub fn text(column: &ArrayRef, row: usize) -> Option<String> {
    if column.is_null(row) {
        return None;
    }
    Some(match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).to_owned(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).to_owned(),
        DataType::Utf8View => column.as_string_view().value(row).to_owned(),
        DataType::Int64 => column
            .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
            .value(row)
            .to_string(),
        other => panic!("no text for a {other} column"),
    })
}

/// A JSON text as a value, to compare documents whatever their spacing.
pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}
