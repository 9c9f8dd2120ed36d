//! A realistic agent trace whose steps evolve inside the document: each
//! step's `thought` became `reasoning` and gained `duration_ms`, each tool
//! call's `name` became `tool` and gained an `id`, while the trace itself
//! renamed `query` to `task`. One run recorded at every version sits in
//! `tests/fixtures/agent_trace/<version>/`; each fixture reads into the
//! current type through JSON and CBOR, with its history recorded on the
//! root and nothing lost (a key no step field claims is kept in the
//! metadata), and the current trace writes back to every older version as
//! its fixture has it.

use std::path::{Path, PathBuf};

use palimpsest::testing::assert_fixtures;
use palimpsest::{versioned, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// An agent's run on one task.
#[versioned(since = "0.1.0", metadata = "metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTrace {
    #[renamed_from("query", since = "0.2.0")]
    pub task: String,
    pub model: String,
    pub steps: Vec<AgentStep>,
    pub final_answer: Option<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// One turn of the agent: what it thought, what it called, what it saw.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStep {
    pub index: u32,
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    pub observation: Option<String>,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub duration_ms: u64,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[renamed_from("name", since = "0.3.0")]
    pub tool: String,
    pub arguments: Value,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub id: Option<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agent_trace")
}

/// Every fixture, with the version its folder names.
fn every_fixture() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for version in std::fs::read_dir(fixtures()).unwrap() {
        let version = version.unwrap().path();
        let name = version.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&version).unwrap() {
            found.push((name.clone(), file.unwrap().path()));
        }
    }
    found.sort();
    found
}

#[test]
fn every_fixture_migrates_without_loss_and_records_its_history() {
    let report = assert_fixtures::<AgentTrace>(fixtures());
    let schema = AgentTrace::schema();
    for version in schema.versions() {
        assert!(report.count_at(version) >= 1, "no fixture at {version}");
    }
    let legacy = palimpsest::from_str::<AgentTrace>(&read("0.0.1/debugging_session.json")).unwrap();
    assert_eq!(legacy.value.metadata["migrated_from"], "0.0.1");
    assert_eq!(
        legacy.value.metadata["migration_history"],
        json!([
            {"from": "0.0.1", "to": "0.1.0"},
            {"from": "0.1.0", "to": "0.2.0"},
            {"from": "0.2.0", "to": "0.3.0"}
        ])
    );
    assert_eq!(
        legacy.report.defaulted,
        ["steps[].duration_ms", "steps[].tool_calls[].id"]
    );
    // A key no field of a step claims is kept under its path.
    let stray = palimpsest::from_str::<AgentTrace>(&read("0.0.1/no_tool_calls.json")).unwrap();
    assert_eq!(
        stray.value.metadata["legacy_nested"],
        json!({"steps[0].confidence": 0.9})
    );
    assert_eq!(
        stray.report.preserved,
        ["metadata.legacy_nested.steps[].confidence"]
    );
}

#[test]
fn every_fixture_reads_alike_through_json_and_cbor() {
    for (version, file) in every_fixture() {
        let text = std::fs::read_to_string(&file).unwrap();
        let tree: Value = serde_json::from_str(&text).unwrap();
        let expected = palimpsest::from_value::<AgentTrace>(tree.clone())
            .unwrap()
            .value;
        let streamed = palimpsest::from_str::<AgentTrace>(&text).unwrap().value;
        let through_serde: AgentTrace = serde_json::from_str(&text).unwrap();
        let mut cbor = Vec::new();
        ciborium::into_writer(&tree, &mut cbor).unwrap();
        let from_cbor: AgentTrace = ciborium::from_reader(cbor.as_slice()).unwrap();
        let name = file.display();
        assert_eq!(streamed, expected, "{name}");
        assert_eq!(through_serde, expected, "{name}");
        assert_eq!(from_cbor, expected, "{name}");
        for step in &expected.steps {
            assert!(!step.reasoning.is_empty(), "{name}");
        }
        if version == "0.3.0" {
            assert!(expected.metadata.get("migrated_from").is_none(), "{name}");
        } else {
            assert!(expected.metadata.contains_key("migrated_from"), "{name}");
        }
    }
}

#[test]
fn the_same_run_reads_the_same_at_every_version() {
    let current: AgentTrace = serde_json::from_str(&read("0.3.0/debugging_session.json")).unwrap();
    for version in ["0.0.1", "0.1.0", "0.2.0"] {
        let old: AgentTrace =
            serde_json::from_str(&read(&format!("{version}/debugging_session.json"))).unwrap();
        assert_eq!(old.task, current.task, "{version}");
        for (old, new) in old.steps.iter().zip(&current.steps) {
            assert_eq!(old.reasoning, new.reasoning, "{version}");
            assert_eq!(old.observation, new.observation, "{version}");
            // What the older version did not record takes its default.
            assert_eq!(old.duration_ms, 0, "{version}");
            let tools = |step: &AgentStep| -> Vec<String> {
                step.tool_calls.iter().map(|c| c.tool.clone()).collect()
            };
            assert_eq!(tools(old), tools(new), "{version}");
        }
    }
}

#[test]
fn the_current_run_writes_back_as_every_older_fixture() {
    let current: AgentTrace = serde_json::from_str(&read("0.3.0/debugging_session.json")).unwrap();
    for version in ["0.0.1", "0.1.0", "0.2.0"] {
        // The run recorded durations (and, before 0.2.0, tool call ids),
        // which older versions have no place for: only a lossy downgrade
        // writes them, listing each.
        let err = palimpsest::to_value_as(&current, version).unwrap_err();
        assert!(err.to_string().contains("`steps[0].duration_ms`"), "{err}");
        let (mut written, report) = palimpsest::to_value_as_lossy(&current, version).unwrap();
        let lost: Vec<&str> = report.lost.iter().map(|l| l.path.as_str()).collect();
        for (i, step) in current.steps.iter().enumerate() {
            let path = format!("steps[{i}].duration_ms");
            let recorded = step.duration_ms != 0;
            assert_eq!(lost.contains(&path.as_str()), recorded, "{version}: {path}");
        }
        let mut fixture: Value =
            serde_json::from_str(&read(&format!("{version}/debugging_session.json"))).unwrap();
        if version == "0.0.1" {
            // A legacy document has no version key, and no metadata yet.
            for key in ["schema_version", "metadata"] {
                written.as_object_mut().unwrap().remove(key);
            }
            fixture.as_object_mut().unwrap().remove("metadata");
        }
        assert_eq!(written, fixture, "{version}");
    }
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(fixtures().join(relative)).unwrap()
}

/// The committed shape of every version (`schema/AgentTrace/`): steps and
/// tool calls included, each older version's undone from the history.
#[test]
fn the_schema_lock_holds() {
    let report = palimpsest::testing::assert_lock::<AgentTrace>(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema"),
    );
    assert_eq!(report.checked.len() + report.written.len(), 4);
}

/// A golden document per version, from the sample the contract makes,
/// passes the fixture check: each older version written by the downgrade
/// reads back into the same trace, nothing lost.
#[test]
fn golden_documents_of_every_version_read_back() {
    let dir = std::env::temp_dir().join(format!("palimpsest-golden-agent-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sample = palimpsest::contract::sample::<AgentTrace>().unwrap();
    assert_eq!(sample.task, "task");
    assert_eq!(sample.steps[0].tool_calls[0].tool, "tool");
    let report = palimpsest::contract::write_golden(&dir, "sample", &sample).unwrap();
    assert_eq!(report.written.len(), 4, "{report:?}");
    let old: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("0.1.0/sample.json")).unwrap())
            .unwrap();
    assert_eq!(old["query"], "task");
    assert_eq!(old["steps"][0]["tool_calls"][0]["name"], "tool");
    // 0.3.0 added `duration_ms`: older writers had no place for it.
    assert!(old["steps"][0].get("duration_ms").is_none());
    let checked = assert_fixtures::<AgentTrace>(&dir);
    assert_eq!(checked.fixtures.len(), 4);
    for fixture in &checked.fixtures {
        let read: AgentTrace = palimpsest::from_value(
            serde_json::from_str(&std::fs::read_to_string(&fixture.file).unwrap()).unwrap(),
        )
        .unwrap()
        .value;
        assert_eq!(read.task, sample.task, "{}", fixture.file.display());
        assert_eq!(read.steps[0].reasoning, sample.steps[0].reasoning);
        assert_eq!(read.steps[0].tool_calls[0].tool, "tool");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_fixture_round_trips_through_its_own_version() {
    // Read, then written back as the version it was: the same document.
    let report = palimpsest::testing::assert_fixture_round_trips::<AgentTrace>(fixtures());
    // A fixture of the current version has no older version to go to.
    let old = every_fixture()
        .iter()
        .filter(|(version, _)| version.as_str() != "0.3.0")
        .count();
    assert_eq!(report.trips, old);
}
