//! What Ballista does with a plan that calls the functions, on one machine:
//! the client serializes the plan with datafusion-proto and each executor
//! decodes it against the functions its own session registered. Ballista
//! itself is not needed to check that the functions survive the trip.

mod common;

use datafusion::execution::SessionStateBuilder;
use datafusion::physical_plan::collect;
use datafusion::prelude::SessionContext;
use datafusion_proto::bytes::{
    logical_plan_from_bytes, logical_plan_to_bytes, physical_plan_from_bytes,
    physical_plan_to_bytes,
};
use palimpsest_datafusion::Functions;

use common::{MIGRATE, Ticket, batch_rows, check_migrated, parquet_tickets, ticket_rows};

/// The client: the table and the functions, where the query is planned.
async fn client(dir: &tempfile::TempDir) -> SessionContext {
    parquet_tickets(dir, &ticket_rows()).await
}

/// The query's physical plan, as the scheduler sends it to executors.
async fn physical_plan(dir: &tempfile::TempDir) -> Vec<u8> {
    let frame = client(dir).await.sql(MIGRATE).await.unwrap();
    let plan = frame.create_physical_plan().await.unwrap();
    physical_plan_to_bytes(plan).unwrap().to_vec()
}

/// An executor: a session of its own, built as a Ballista executor's is,
/// with the functions in its state and no table.
fn executor(with_functions: bool) -> SessionContext {
    let mut state = SessionStateBuilder::new().with_default_features();
    if with_functions {
        state = state.with_scalar_functions(Functions::<Ticket>::new("ticket").unwrap().udfs());
    }
    SessionContext::new_with_state(state.build())
}

#[tokio::test]
async fn a_logical_plan_calling_the_functions_runs_where_it_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let plan = client(&dir)
        .await
        .sql(MIGRATE)
        .await
        .unwrap()
        .into_optimized_plan()
        .unwrap();
    let bytes = logical_plan_to_bytes(&plan).unwrap();

    let executor = executor(true);
    let decoded = logical_plan_from_bytes(&bytes, &executor.task_ctx()).unwrap();
    let batches = executor
        .execute_logical_plan(decoded)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    check_migrated(&batch_rows(&batches));
}

#[tokio::test]
async fn a_physical_plan_calling_the_functions_runs_where_it_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = physical_plan(&dir).await;

    let executor = executor(true);
    let decoded = physical_plan_from_bytes(&bytes, &executor.task_ctx()).unwrap();
    let batches = collect(decoded, executor.task_ctx()).await.unwrap();
    check_migrated(&batch_rows(&batches));
}

#[tokio::test]
async fn an_executor_without_the_functions_refuses_the_plan_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = physical_plan(&dir).await;

    let error = physical_plan_from_bytes(&bytes, &executor(false).task_ctx()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("ticket_version") || message.contains("migrate_ticket"),
        "{message}"
    );
}
