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
