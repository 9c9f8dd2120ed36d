//! The functions on real tables: a Parquet file and a JSON-lines table of
//! documents of every version, read by DataFusion and migrated with SQL.

mod common;

use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::{JsonReadOptions, ParquetReadOptions, SessionContext};
use palimpsest::models::trace::ExecutionTrace;
use palimpsest_datafusion::{DocumentError, Functions, OnError};
use palimpsest_tests::corpus::{Expected, corpus_lines};

use common::{
    MIGRATE, Ticket, check_migrated, parquet_tickets, parse, rows, ticket_rows, write_json_lines,
};

#[tokio::test]
async fn a_parquet_column_of_every_version_comes_out_current() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = parquet_tickets(&dir, &ticket_rows()).await;
    check_migrated(&rows(&ctx, MIGRATE).await);
}

#[tokio::test]
async fn a_json_lines_table_of_every_version_comes_out_current() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.jsonl");
    write_json_lines(&path, &ticket_rows());
    let ctx = SessionContext::new();
    palimpsest_datafusion::register::<Ticket>(&ctx, "ticket").unwrap();
    let options = JsonReadOptions::default().file_extension(".jsonl");
    ctx.register_json("tickets", path.to_str().unwrap(), options)
        .await
        .unwrap();
    check_migrated(&rows(&ctx, MIGRATE).await);
}

#[tokio::test]
async fn a_migrated_table_written_back_is_current_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = parquet_tickets(&dir, &ticket_rows()).await;
    let out = dir.path().join("current.parquet");
    let copy = format!(
        "COPY (SELECT id, migrate_ticket(doc) AS doc FROM tickets) TO '{}' STORED AS PARQUET",
        out.display()
    );
    ctx.sql(&copy).await.unwrap().collect().await.unwrap();
    ctx.register_parquet(
        "current",
        out.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    let found = rows(
        &ctx,
        "SELECT ticket_version(doc) AS version, count(doc) FROM current GROUP BY version ORDER BY version",
    )
    .await;
    // Four documents at 0.3.0; the NULL one stays NULL.
    assert_eq!(
        found,
        vec![
            vec![Some("0.3.0".to_owned()), Some("4".to_owned())],
            vec![None, Some("0".to_owned())],
        ]
    );
}

#[tokio::test]
async fn the_column_keeps_its_string_type() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = parquet_tickets(&dir, &ticket_rows()).await;
    for (cast, migrated) in [
        ("Utf8", DataType::Utf8),
        ("LargeUtf8", DataType::LargeUtf8),
        ("Utf8View", DataType::Utf8View),
    ] {
        let sql = format!(
            "SELECT id, ticket_version(d), migrate_ticket(d) \
             FROM (SELECT id, arrow_cast(doc, '{cast}') AS d FROM tickets) ORDER BY id"
        );
        let frame = ctx.sql(&sql).await.unwrap();
        let fields = frame.schema().fields().clone();
        assert_eq!(fields[1].data_type(), &DataType::Utf8, "{cast}");
        assert_eq!(fields[2].data_type(), &migrated, "{cast}");
        check_migrated(&rows(&ctx, &sql).await);
    }
}

#[tokio::test]
async fn a_document_that_fails_stops_the_query_with_its_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut table = ticket_rows();
    // Both the old and the new name: the step into 0.2.0 refuses to choose.
    table.push((6, Some(r#"{"schema_version": "0.1.0", "title": "t", "state": "open", "status": "closed", "priority": 1}"#)));
    let ctx = parquet_tickets(&dir, &table).await;

    let frame = ctx
        .sql("SELECT migrate_ticket(doc) FROM tickets")
        .await
        .unwrap();
    let error = frame.collect().await.unwrap_err();
    let document =
        DocumentError::find(&error).unwrap_or_else(|| panic!("no document error in {error}"));
    assert_eq!(document.function(), "migrate_ticket");
    assert_eq!(document.row(), 5);
    assert!(matches!(
        document.reason(),
        palimpsest::Error::Conflict { .. }
    ));
    assert_eq!(
        document.to_string(),
        "migrate_ticket: row 5 of its batch: `Ticket`: migrating 0.1.0 -> 0.2.0: \
         both the old name `state` and the new name `status` are present"
    );
}

/// The bundled corpus of 300 traces, 8 of them malformed, as a JSON-lines
/// table: with `OnError::Null` the malformed rows are NULL and
/// `trace_error` lists exactly them, by line.
#[tokio::test]
async fn malformed_documents_of_a_corpus_are_found_by_sql() {
    let lines = corpus_lines();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("traces.jsonl");
    let table: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(at, line)| (at as i64, Some(line.text.as_str())))
        .collect();
    write_json_lines(&path, &table);
    let ctx = SessionContext::new();
    Functions::<ExecutionTrace>::new("trace")
        .unwrap()
        .on_error(OnError::Null)
        .register(&ctx);
    let options = JsonReadOptions::default().file_extension(".jsonl");
    ctx.register_json("traces", path.to_str().unwrap(), options)
        .await
        .unwrap();

    let found = rows(
        &ctx,
        "SELECT id, trace_version(doc), migrate_trace(doc), trace_error(doc) FROM traces ORDER BY id",
    )
    .await;
    assert_eq!(found.len(), lines.len());
    for (row, line) in found.iter().zip(&lines) {
        let at = &row[0];
        let (version, migrated, error) = (&row[1], &row[2], &row[3]);
        match line.expected {
            Expected::Trace(stored) => {
                assert_eq!(version.as_deref(), Some(stored.as_str()), "line {at:?}");
                let direct = palimpsest::from_str::<ExecutionTrace>(&line.text)
                    .unwrap()
                    .value;
                let migrated = migrated.as_deref().expect("a migrated trace");
                assert_eq!(
                    parse(migrated),
                    palimpsest::to_value(&direct).unwrap(),
                    "line {at:?}"
                );
                assert_eq!(*error, None, "line {at:?}");
            }
            _ => {
                assert_eq!(*migrated, None, "line {at:?}");
                let direct = palimpsest::from_str::<ExecutionTrace>(&line.text).unwrap_err();
                assert_eq!(
                    error.as_deref(),
                    Some(direct.to_string().as_str()),
                    "line {at:?}"
                );
                // Not JSON, not an object, a version malformed or too new:
                // no version of this build's to give either.
                assert_eq!(*version, None, "line {at:?}");
            }
        }
    }
    let failed = rows(
        &ctx,
        "SELECT count(*) FROM traces WHERE trace_error(doc) IS NOT NULL",
    )
    .await;
    assert_eq!(failed, vec![vec![Some("8".to_owned())]]);
}
