//! Every hand-curated trace of every schema version reads into the current
//! `ExecutionTrace`, records where it came from, and loses nothing.

use palimpsest::models::trace::ExecutionTrace;
use palimpsest::testing::assert_fixtures;
use palimpsest::Versioned;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/execution_trace"
);

#[test]
fn every_execution_trace_fixture_migrates_without_loss() {
    let report = assert_fixtures::<ExecutionTrace>(FIXTURES);

    // A fixtures folder that silently lost a version would still pass the
    // line above: make sure both versions were checked.
    let schema = ExecutionTrace::schema();
    let legacy = schema.parse_version("0.0.1").unwrap();
    assert!(report.count_at(&legacy) >= 4, "{report:#?}");
    assert!(report.count_at(schema.current()) >= 4, "{report:#?}");
    for fixture in &report.fixtures {
        assert_eq!(
            fixture.report.migrated(),
            fixture.version == legacy,
            "{}",
            fixture.file.display()
        );
    }
}

/// Old and new builds side by side (issue 13): every old trace, read by
/// this build and written back as its own version, is the trace it was;
/// every current trace written as an old version and read back is too.
#[test]
fn every_execution_trace_fixture_round_trips_through_every_version() {
    use palimpsest::testing::{assert_fixture_round_trips, assert_round_trips};

    let report = assert_fixture_round_trips::<ExecutionTrace>(FIXTURES);
    assert!(report.trips >= 4, "{report:?}");
    let current: Vec<ExecutionTrace> = std::fs::read_dir(format!("{FIXTURES}/0.1.0"))
        .unwrap()
        .map(|file| {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            palimpsest::from_str::<ExecutionTrace>(&text).unwrap().value
        })
        .collect();
    assert!(current.len() >= 4);
    let report = assert_round_trips(&current);
    assert_eq!(report.trips, current.len());
}

/// The committed shape of every version of the trace models
/// (`schema/ExecutionTrace/<version>.json`): the test fails when the
/// structs change without the version and attribute that explain it.
/// After a declared change, `PALIMPSEST_BLESS=1` writes the new version's
/// file, to commit.
#[test]
fn the_trace_models_keep_their_schema_lock() {
    let report = palimpsest::testing::assert_lock::<ExecutionTrace>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema"
    ));
    assert_eq!(report.checked.len() + report.written.len(), 2);
}
