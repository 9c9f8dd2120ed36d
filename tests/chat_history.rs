//! The worked history of `examples/chat_history.rs`: an LLM chat log taken
//! through five versions by attributes alone. Every fixture under
//! `tests/fixtures/chat_log/` reads into the current type alike on every
//! route, loses nothing but what the history drops on purpose, and those
//! under `round_trip/` write back as the version they were; the current
//! log writes as every older version as a reader of that version expects
//! it, and where a version cannot be written, the refusal names why.

#[path = "../examples/chat_history.rs"]
#[allow(dead_code)]
mod chat_history;

use std::path::{Path, PathBuf};

use chat_history::{fixtures, ChatLog, Role, Timing};
use palimpsest::testing::{
    assert_fixture_round_trips, assert_fixtures, check_fixture_round_trips, check_round_trips,
    RoundTripError, RoundTripProblem, RoundTrips,
};
use palimpsest::{versioned, Error, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Every fixture, with the version its folder names.
fn every_fixture() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for kind in ["round_trip", "one_way", "dropped"] {
        for version in std::fs::read_dir(fixtures().join(kind)).unwrap() {
            let version = version.unwrap().path();
            let name = version.file_name().unwrap().to_string_lossy().into_owned();
            for file in std::fs::read_dir(&version).unwrap() {
                found.push((name.clone(), file.unwrap().path()));
            }
        }
    }
    found.sort();
    found
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(fixtures().join(relative)).unwrap()
}

fn log(relative: &str) -> ChatLog {
    serde_json::from_str(&read(relative)).unwrap()
}

#[test]
fn every_fixture_reads_alike_on_every_route() {
    for (_, file) in every_fixture() {
        let name = file.display();
        let text = std::fs::read_to_string(&file).unwrap();
        let tree: Value = serde_json::from_str(&text).unwrap();
        let expected = palimpsest::from_value::<ChatLog>(tree).unwrap();
        let streamed = palimpsest::from_str::<ChatLog>(&text).unwrap();
        let from_reader = palimpsest::from_reader::<ChatLog, _>(text.as_bytes()).unwrap();
        let (through_serde, report) =
            palimpsest::with_report(|| serde_json::from_str::<ChatLog>(&text));
        assert_eq!(streamed.value, expected.value, "{name}");
        assert_eq!(streamed.report, expected.report, "{name}");
        assert_eq!(from_reader.value, expected.value, "{name}");
        assert_eq!(from_reader.report, expected.report, "{name}");
        assert_eq!(through_serde.unwrap(), expected.value, "{name}");
        // `with_report` gives a report only where a migration ran.
        let migrated = expected.report.migrated().then_some(&expected.report);
        assert_eq!(report.as_ref(), migrated, "{name}");
    }
}

#[test]
fn every_fixture_reads_alike_from_cbor() {
    for (_, file) in every_fixture() {
        let tree: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let expected = palimpsest::from_value::<ChatLog>(tree.clone()).unwrap();
        let mut cbor = Vec::new();
        ciborium::into_writer(&tree, &mut cbor).unwrap();
        let (read, report) =
            palimpsest::with_report(|| ciborium::from_reader::<ChatLog, _>(cbor.as_slice()));
        let name = file.display();
        assert_eq!(read.unwrap(), expected.value, "{name}");
        let migrated = expected.report.migrated().then_some(&expected.report);
        assert_eq!(report.as_ref(), migrated, "{name}");
    }
}

/// Regression: the no-loss check reported the old name of a renamed
/// variant (`human`, `customer`, `document`) as a lost value, though the
/// new name stands for it.
#[test]
fn no_fixture_loses_a_value() {
    let round_trip = assert_fixtures::<ChatLog>(fixtures().join("round_trip"));
    let one_way = assert_fixtures::<ChatLog>(fixtures().join("one_way"));
    for version in ChatLog::schema().versions() {
        let count = round_trip.count_at(version) + one_way.count_at(version);
        assert!(count >= 2, "{count} fixtures at {version}");
    }
    let folded =
        palimpsest::from_str::<ChatLog>(&read("one_way/0.1.0/support_ticket.json")).unwrap();
    assert_eq!(
        folded.report.renamed[2..4],
        [
            "messages[].role: bot -> assistant",
            "messages[].role: customer -> user"
        ]
    );
}

/// The prototype's debug flags (`dropped("context.debug", ..)`) and its
/// `logprobs`, removed with `#[removed_in("0.1.0", drop)]`, both go because
/// the history says so: the report lists them, and the no-loss check
/// excuses them.
#[test]
fn a_declared_drop_and_a_removal_with_drop_are_no_loss() {
    let debug = palimpsest::from_str::<ChatLog>(&read("dropped/0.0.1/debug_session.json")).unwrap();
    assert_eq!(
        debug.report.dropped,
        ["context.debug", "messages[].logprobs"]
    );
}

#[test]
fn a_removal_with_drop_is_no_loss() {
    assert_fixtures::<ChatLog>(fixtures().join("dropped"));
}

#[test]
fn the_legacy_log_goes_through_every_operation() {
    let read = palimpsest::from_str::<ChatLog>(&read("one_way/0.0.1/weather_lookup.json")).unwrap();
    let report = &read.report;
    assert_eq!(report.steps.len(), 5);
    assert_eq!(
        report.renamed,
        [
            "context.session_id -> context.session",
            "conversation_id -> id",
            "messages[].function_call -> messages[].tool_calls",
            "messages[].role: ai -> assistant",
            "messages[].role: function -> tool",
            "messages[].role: human -> user",
            "messages[].thought -> messages[].reasoning",
            "models -> model",
            "tools{}.params -> tools{}.parameters",
        ]
    );
    assert_eq!(
        report.moved,
        [
            "context.env -> environment",
            "messages[].tool_calls[].arguments -> messages[].tool_calls[].function.arguments",
            "messages[].tool_calls[].name -> messages[].tool_calls[].function.name",
            "user -> client.user",
        ]
    );
    assert_eq!(
        report.converted,
        [
            "client.user",
            "environment",
            "messages[].tool_calls",
            "model",
            "usage"
        ]
    );
    assert_eq!(
        report.preserved,
        [
            "metadata.legacy_api",
            "metadata.legacy_nested.messages[].timing[1]",
            "metadata.legacy_notes",
        ]
    );
    assert_eq!(
        report.defaulted,
        [
            "messages[].attachments",
            "messages[].timing[2]",
            "messages[].tool_call_id",
            "messages[].tool_calls[].id",
            "messages[].tool_calls[].type",
            "tags",
            "title",
        ]
    );
    // This log held nothing the history drops.
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);

    let log = &read.value;
    assert_eq!(log.id, "conv_8f3a2c");
    assert_eq!(log.model, "gpt-4-0613");
    assert_eq!(log.api, "chat.completions");
    assert_eq!(log.client.user, 1042);
    assert_eq!(
        (
            log.environment.name.as_str(),
            log.environment.region.as_str()
        ),
        ("production", "eu-west-1")
    );
    assert_eq!(log.context.session.as_deref(), Some("sess_77d1"));
    assert_eq!(log.usage["input_tokens"], 212);
    let roles: Vec<Role> = log.messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [
            Role::System,
            Role::User,
            Role::Assistant,
            Role::Tool,
            Role::Assistant
        ]
    );
    let call = &log.messages[2];
    assert_eq!(
        call.reasoning.as_deref(),
        Some("The user wants current conditions; get_weather answers that.")
    );
    assert_eq!(call.tool_calls.len(), 1);
    assert_eq!(call.tool_calls[0].kind, "function");
    assert_eq!(call.tool_calls[0].function.name, "get_weather");
    assert_eq!(
        call.timing,
        Some(Timing(1_700_000_000_120, 1_700_000_000_960, 0))
    );
    assert_eq!(
        log.metadata["legacy_nested"],
        json!({"messages[1].timing[1]": 0, "messages[2].timing[1]": 840, "messages[4].timing[1]": 1210})
    );
    assert_eq!(
        (&log.metadata["legacy_api"], &log.metadata["legacy_notes"]),
        (
            &json!("functions"),
            &json!("picked for the tool-use eval set")
        )
    );
}

#[test]
fn the_same_conversation_reads_the_same_from_every_version() {
    let current = log("round_trip/0.5.0/weather_lookup.json");
    for file in [
        "one_way/0.0.1/weather_lookup.json",
        "round_trip/0.1.0/weather_lookup.json",
        "round_trip/0.2.0/weather_lookup.json",
        "round_trip/0.3.0/weather_lookup.json",
        "round_trip/0.4.0/weather_lookup.json",
    ] {
        let old = log(file);
        assert_eq!(old.id, current.id, "{file}");
        assert_eq!(old.client.user, current.client.user, "{file}");
        assert_eq!(old.environment, current.environment, "{file}");
        assert_eq!(old.tools, current.tools, "{file}");
        assert_eq!(old.usage, current.usage, "{file}");
        for (old, new) in old.messages.iter().zip(&current.messages) {
            assert_eq!(old.role, new.role, "{file}");
            assert_eq!(old.content, new.content, "{file}");
            assert_eq!(old.reasoning, new.reasoning, "{file}");
            let calls = |m: &chat_history::Message| -> Vec<(String, String)> {
                m.tool_calls
                    .iter()
                    .map(|c| (c.function.name.clone(), c.function.arguments.clone()))
                    .collect()
            };
            assert_eq!(calls(old), calls(new), "{file}");
            let span = |m: &chat_history::Message| m.timing.map(|t| (t.0, t.1));
            assert_eq!(span(old), span(new), "{file}");
        }
    }
}

#[test]
fn every_round_trip_fixture_writes_back_as_the_version_it_was() {
    let report = assert_fixture_round_trips::<ChatLog>(fixtures().join("round_trip"));
    // Every fixture but the two of the current version made its trip.
    assert_eq!(report.trips, 9);
}

/// Why one fixture does not write back as its version: the fixture is
/// checked alone in a folder, since the check stops at the first failure.
fn round_trip_failure(relative: &str) -> RoundTripError {
    let version = Path::new(relative).parent().unwrap().file_name().unwrap();
    let dir = std::env::temp_dir().join(format!(
        "palimpsest-chat-history-{}-{}",
        std::process::id(),
        relative.replace('/', "_")
    ));
    std::fs::create_dir_all(dir.join(version)).unwrap();
    std::fs::copy(
        fixtures().join(relative),
        dir.join(version).join("log.json"),
    )
    .unwrap();
    let failure = check_fixture_round_trips::<ChatLog>(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    failure.unwrap_err()
}

#[test]
fn a_log_that_cannot_write_back_names_what_stands_in_the_way() {
    let drop = "cannot write version 0.0.1 from 0.1.0: `messages[0].logprobs` was dropped in 0.1.0; its value is gone";
    for (file, obstacle) in [
        // A drop has no inverse: every legacy log stops at the first step,
        // whatever it held.
        ("dropped/0.0.1/debug_session.json", drop),
        ("one_way/0.0.1/weather_lookup.json", drop),
        ("one_way/0.0.1/moderated_chat.json", drop),
        // Several old names fold into one variant: the first is written back.
        (
            "one_way/0.1.0/support_ticket.json",
            "came back changed: `messages[1].role`: \"customer\" became \"human\", `messages[2].role`: \"bot\" became \"ai\"",
        ),
        // The row id that lost to the conversation id stays in the metadata.
        (
            "one_way/0.1.0/exporter_row_ids.json",
            "came back changed: `id`: \"row-000193\" became nothing, `metadata.legacy_id`: nothing became \"row-000193\"",
        ),
    ] {
        let err = round_trip_failure(file);
        let expected_problem = match err.problem() {
            RoundTripProblem::Downgrade(Error::Irreversible { .. }) => obstacle == drop,
            RoundTripProblem::Changed(_) => obstacle != drop,
            _ => false,
        };
        assert!(expected_problem, "{file}: {err}");
        assert!(err.to_string().ends_with(obstacle), "{file}: {err}");
    }
    let conflict = log("one_way/0.1.0/exporter_row_ids.json");
    assert_eq!(conflict.id, "conv_7e02c5");
    assert_eq!(conflict.metadata["legacy_id"], "row-000193");
}

/// The metadata records a trip leaves: the log's own history.
fn without_records(mut log: ChatLog) -> ChatLog {
    log.metadata.remove(palimpsest::MIGRATED_FROM);
    log.metadata.remove(palimpsest::MIGRATION_HISTORY);
    log
}

#[test]
fn every_log_comes_back_whole_through_every_version_from_its_own() {
    let versions = ["0.1.0", "0.2.0", "0.3.0", "0.4.0"];
    let mut trips = 0;
    for (version, file) in every_fixture() {
        if !file.starts_with(fixtures().join("round_trip")) {
            continue;
        }
        let log: ChatLog = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for older in versions.iter().filter(|older| **older >= version.as_str()) {
            let written = palimpsest::to_value_as(&log, older).unwrap();
            let back = palimpsest::from_value::<ChatLog>(written).unwrap().value;
            assert_eq!(
                without_records(back),
                without_records(log.clone()),
                "{} through {older}",
                file.display()
            );
            trips += 1;
        }
    }
    assert_eq!(trips, 22);
}

#[test]
fn the_round_trip_law_stops_at_the_drop_of_the_first_step() {
    let sample = log("round_trip/0.1.0/weather_lookup.json");
    let err = check_round_trips(&[sample]).unwrap_err();
    assert_eq!(err.version().to_string(), "0.0.1");
    assert!(
        matches!(err.problem(), RoundTripProblem::Downgrade(_)),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with("`messages[0].logprobs` was dropped in 0.1.0; its value is gone"),
        "{err}"
    );
}

#[test]
fn logs_read_from_old_fixtures_round_trip() {
    let logs = [
        log("round_trip/0.1.0/weather_lookup.json"),
        log("round_trip/0.1.0/code_review.json"),
    ];
    // Below 0.1.0 lies the drop of the prototype's debug data.
    let report = RoundTrips::new(&logs).down_to("0.1.0").unwrap().assert();
    assert_eq!(report.trips, 8);
    let skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|s| s.version.to_string())
        .collect();
    assert_eq!(skipped, ["0.0.1", "0.0.1"]);
    // Skipping what cannot be undone skips the same trips, saying why.
    let report = RoundTrips::new(&logs).skip_irreversible().assert();
    assert_eq!(report.trips, 8);
    assert_eq!(report.skipped.len(), 2);
    assert!(
        report.skipped[0]
            .reason
            .ends_with("`messages[0].logprobs` was dropped in 0.1.0; its value is gone"),
        "{:?}",
        report.skipped
    );
}

/// The log migrated from its 0.1.0 fixture, as a reader of each version
/// expects it: the metadata gives back what 0.3.0 took out, and a move
/// leaves the objects it made on the way up, emptied (`function`).
#[test]
fn the_current_log_writes_as_every_older_version() {
    let log = log("round_trip/0.1.0/weather_lookup.json");
    let tools = |parameters: &str| {
        json!({"get_weather": {
            "description": "Current weather for a city",
            parameters: {
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                "required": ["city"]
            }
        }})
    };
    let system =
        json!({"role": "system", "content": "You are a helpful travel assistant. Answer briefly."});
    let question = "What's the weather in Lisbon right now?";
    let arguments = "{\"city\": \"Lisbon\", \"unit\": \"celsius\"}";
    let thought = "The user wants current conditions; get_weather answers that.";
    let answer = "It's 19 °C and clear in Lisbon, with a light breeze.";
    let plainly = "Report the temperature and the sky plainly.";
    let weather = "{\"temp\": 19, \"conditions\": \"clear\", \"wind_kmh\": 12}";
    let kept = json!({
        "legacy_api": "functions",
        "legacy_nested": {"messages[1].timing[1]": 0, "messages[2].timing[1]": 840, "messages[4].timing[1]": 1210},
        "legacy_notes": "picked for the tool-use eval set"
    });
    let at_0_4_0 = json!({
        "schema_version": "0.4.0",
        "id": "conv_8f3a2c",
        "model": "gpt-4-0613",
        "api": "chat.completions",
        "client": {"user": 1042},
        "environment": {"name": "production", "region": "eu-west-1"},
        "tools": tools("parameters"),
        "messages": [
            system,
            {"role": "user", "content": question, "timing": [1_699_999_998_000_u64, 1_699_999_998_000_u64, 0]},
            {
                "role": "assistant", "content": null, "reasoning": thought,
                "tool_calls": [{"id": "", "type": "function", "function": {"name": "get_weather", "arguments": arguments}}],
                "timing": [1_700_000_000_120_u64, 1_700_000_000_960_u64, 0]
            },
            {"role": "tool", "name": "get_weather", "content": weather},
            {"role": "assistant", "content": answer, "reasoning": plainly, "timing": [1_700_000_001_300_u64, 1_700_000_002_510_u64, 0]}
        ],
        "usage": {"input_tokens": 212, "output_tokens": 41, "total_tokens": 253},
        "tags": [],
        "context": {"session_id": "sess_77d1", "locale": "pt-PT"},
        "metadata": kept
    });
    let at_0_3_0 = json!({
        "schema_version": "0.3.0",
        "id": "conv_8f3a2c",
        "model": "gpt-4-0613",
        "api": "chat.completions",
        "client": {"user": 1042},
        "environment": "production/eu-west-1",
        "tools": tools("parameters"),
        "messages": [
            system,
            {"role": "user", "content": question, "timing": [1_699_999_998_000_u64, 1_699_999_998_000_u64]},
            {
                "role": "assistant", "content": null, "reasoning": thought,
                "tool_calls": [{"id": "", "type": "function", "function": {"name": "get_weather", "arguments": arguments}}],
                "timing": [1_700_000_000_120_u64, 1_700_000_000_960_u64]
            },
            {"role": "tool", "name": "get_weather", "content": weather},
            {"role": "assistant", "content": answer, "reasoning": plainly, "timing": [1_700_000_001_300_u64, 1_700_000_002_510_u64]}
        ],
        "usage": {"input_tokens": 212, "output_tokens": 41, "total_tokens": 253},
        "tags": [],
        "context": {"session_id": "sess_77d1", "locale": "pt-PT"},
        "metadata": kept
    });
    let at_0_2_0 = json!({
        "schema_version": "0.2.0",
        "id": "conv_8f3a2c",
        "model": "gpt-4-0613",
        "api": "functions",
        "user": "1042",
        "tools": tools("parameters"),
        "messages": [
            system,
            {"role": "user", "content": question, "timing": [1_699_999_998_000_u64, 0, 1_699_999_998_000_u64]},
            {
                "role": "assistant", "content": null, "reasoning": thought,
                "function_call": {"name": "get_weather", "arguments": arguments, "function": {}},
                "timing": [1_700_000_000_120_u64, 840, 1_700_000_000_960_u64]
            },
            {"role": "function", "name": "get_weather", "content": weather},
            {"role": "assistant", "content": answer, "reasoning": plainly, "timing": [1_700_000_001_300_u64, 1210, 1_700_000_002_510_u64]}
        ],
        "usage": {"prompt_tokens": 212, "completion_tokens": 41, "total_tokens": 253},
        "tags": [],
        "notes": "picked for the tool-use eval set",
        "context": {"env": "production/eu-west-1", "session_id": "sess_77d1", "locale": "pt-PT"},
        "metadata": {}
    });
    let at_0_1_0 = json!({
        "schema_version": "0.1.0",
        "conversation_id": "conv_8f3a2c",
        "models": ["gpt-4-0613"],
        "api": "functions",
        "user": "1042",
        "tools": tools("params"),
        "messages": [
            system,
            {"role": "human", "content": question, "timing": [1_699_999_998_000_u64, 0, 1_699_999_998_000_u64]},
            {
                "role": "ai", "content": null, "thought": thought,
                "function_call": {"name": "get_weather", "arguments": arguments, "function": {}},
                "timing": [1_700_000_000_120_u64, 840, 1_700_000_000_960_u64]
            },
            {"role": "function", "name": "get_weather", "content": weather},
            {"role": "ai", "content": answer, "thought": plainly, "timing": [1_700_000_001_300_u64, 1210, 1_700_000_002_510_u64]}
        ],
        "usage": {"prompt_tokens": 212, "completion_tokens": 41, "total_tokens": 253},
        "notes": "picked for the tool-use eval set",
        "context": {"env": "production/eu-west-1", "session_id": "sess_77d1", "locale": "pt-PT"},
        "metadata": {}
    });
    for expected in [at_0_4_0, at_0_3_0, at_0_2_0, at_0_1_0] {
        let version = expected["schema_version"].as_str().unwrap();
        let mut written = palimpsest::to_value_as(&log, version).unwrap();
        let metadata = written["metadata"].as_object_mut().unwrap();
        assert_eq!(
            metadata.remove(palimpsest::MIGRATED_FROM),
            Some(json!("0.1.0"))
        );
        assert!(metadata.remove(palimpsest::MIGRATION_HISTORY).is_some());
        assert_eq!(written, expected, "{version}");
    }
    // Below 0.1.0 lies the drop of the prototype's debug data.
    let err = palimpsest::to_value_as(&log, "0.0.1").unwrap_err();
    assert!(
        matches!(err, Error::Irreversible { .. }) && err.to_string().contains("logprobs"),
        "{err}"
    );
}

#[test]
fn a_log_written_at_0_5_0_writes_as_far_back_as_its_values_go() {
    let mut log = log("round_trip/0.5.0/weather_lookup.json");
    // 0.4.0 has no title: writing it there loses the title, which the
    // strict write refuses by name...
    let err = palimpsest::to_value_as(&log, "0.4.0").unwrap_err();
    assert!(
        matches!(&err, Error::WouldLose { path, .. } if path == "title"),
        "{err}"
    );
    // ...and the lossy one lists. Without it, it is the 0.4.0 logger's
    // record of the conversation, save the empty metadata object.
    let (mut written, report) = palimpsest::to_value_as_lossy(&log, "0.4.0").unwrap();
    assert_eq!(report.lost.len(), 1, "{report}");
    assert_eq!(report.lost[0].path, "title");
    assert_eq!(report.lost[0].value, json!("Weather in Lisbon"));
    log.title = None;
    assert_eq!(
        written.as_object_mut().unwrap().remove("metadata"),
        Some(json!({}))
    );
    let expected: Value =
        serde_json::from_str(&read("round_trip/0.4.0/weather_lookup.json")).unwrap();
    assert_eq!(written, expected);
    // A retry has no place before 0.4.0...
    let err = palimpsest::to_value_as(&log, "0.3.0").unwrap_err();
    assert!(
        err.to_string().ends_with(
            "without losing `messages[2].timing[2]`, added in 0.4.0, which holds 1, not its default; a lossy downgrade lets it go"
        ),
        "{err}"
    );
    // ...and without one, it is the 0.3.0 record...
    log.messages[2].timing = Some(Timing(1_700_000_000_120, 1_700_000_000_960, 0));
    let mut written = palimpsest::to_value_as(&log, "0.3.0").unwrap();
    written.as_object_mut().unwrap().remove("metadata");
    let expected: Value =
        serde_json::from_str(&read("round_trip/0.3.0/weather_lookup.json")).unwrap();
    assert_eq!(written, expected);
    // ...but a log born after 0.3.0 never had the latency 0.2.0 needs.
    let err = palimpsest::to_value_as(&log, "0.2.0").unwrap_err();
    assert!(
        err.to_string().ends_with(
            "`messages[1].timing[1]` was removed in 0.3.0 with no default, and the document keeps no value for it in `legacy_nested`"
        ),
        "{err}"
    );
}

#[test]
fn what_an_older_version_cannot_hold_is_refused_by_name() {
    let developer = log("round_trip/0.5.0/developer_prompt.json");
    let err = palimpsest::to_value_as(&developer, "0.4.0").unwrap_err();
    assert!(
        err.to_string().ends_with(
            "`messages[0].role` holds the variant `developer`, added in 0.5.0; documents before it cannot carry it"
        ),
        "{err}"
    );
    // A tool call's id, added in 0.3.0, has no place in 0.2.0.
    let parallel = log("round_trip/0.3.0/parallel_tools.json");
    let err = palimpsest::to_value_as(&parallel, "0.2.0").unwrap_err();
    assert!(
        matches!(&err, Error::WouldLose { path, .. } if path == "messages[1].tool_calls[0].id"),
        "{err}"
    );
    // Without ids, two calls at once still do not fit 0.2.0's one
    // `function_call`.
    let mut parallel = parallel;
    for message in &mut parallel.messages {
        for call in message.tool_calls.iter_mut() {
            call.id = String::new();
        }
    }
    let err = palimpsest::to_value_as(&parallel, "0.2.0").unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    assert!(err.to_string().contains("messages[1].tool_calls"), "{err}");
}

#[test]
fn a_value_a_conversion_cannot_take_fails_with_its_path() {
    let flat = json!({
        "schema_version": "0.3.0", "id": "c", "model": "m", "api": "chat.completions",
        "client": {"user": 1}, "environment": "production", "messages": []
    });
    let err = palimpsest::from_value::<ChatLog>(flat).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`ChatLog`: migrating 0.3.0 -> 0.4.0: cannot convert `environment`: the conversion failed: `production` is not an environment of the form `name/region`"
    );
    // The user id is converted where the move put it.
    let named = json!({
        "schema_version": "0.2.0", "id": "c", "model": "m", "api": "chat",
        "user": "ada", "context": {"env": "production/eu-west-1"}, "messages": [], "notes": ""
    });
    let err = palimpsest::from_value::<ChatLog>(named.clone()).unwrap_err();
    assert!(
        matches!(&err, Error::Convert { path, .. } if path == "client.user"),
        "{err}"
    );
    assert_eq!(
        palimpsest::from_str::<ChatLog>(&named.to_string())
            .unwrap_err()
            .to_string(),
        err.to_string()
    );
}

// Regression: a downgrade removed an added field before undoing the move
// that filled it, and the moved value was lost without an error.

#[versioned(
    since = "0.1.0",
    metadata = "meta",
    moved(from = "user", to = "client.user", since = "0.2.0")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Session {
    #[added_in("0.2.0")]
    #[serde(default)]
    client: Map<String, Value>,
    #[serde(default)]
    steps: Vec<SessionStep>,
    #[serde(default)]
    meta: Map<String, Value>,
}

#[versioned(embedded, moved(from = "who", to = "actor.name", since = "0.2.0"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SessionStep {
    #[added_in("0.2.0")]
    #[serde(default)]
    actor: Map<String, Value>,
}

#[test]
fn a_downgrade_moves_a_value_out_of_an_added_field_before_removing_it() {
    let old = json!({"schema_version": "0.1.0", "user": "ada", "steps": [{"who": "agent"}]});
    let read = palimpsest::from_value::<Session>(old.clone()).unwrap();
    assert_eq!(read.value.client["user"], "ada");
    assert_eq!(read.value.steps[0].actor["name"], "agent");
    let mut written = palimpsest::to_value_as(&read.value, "0.1.0").unwrap();
    written.as_object_mut().unwrap().remove("meta");
    assert_eq!(written, old);
    assert_eq!(
        palimpsest::testing::check_round_trips(&[read.value])
            .unwrap()
            .trips,
        2
    );
}

#[test]
fn an_anonymous_log_from_before_clients_migrates() {
    let anonymous = json!({
        "schema_version": "0.2.0", "id": "conv_0a1b2c", "model": "gpt-4-0613", "api": "chat",
        "context": {"env": "production/eu-west-1"}, "notes": "",
        "messages": [{"role": "user", "content": "Hello?"}]
    });
    let log = palimpsest::from_value::<ChatLog>(anonymous).unwrap().value;
    assert_eq!(log.client.user, 0);
}

#[test]
fn keys_no_embedded_field_claims_go_back_where_they_stood() {
    let old = json!({
        "schema_version": "0.2.0", "id": "conv_51d0e2", "model": "gpt-4-0613", "api": "functions",
        "user": "7", "context": {"env": "production/eu-west-1"}, "notes": "",
        "messages": [
            {"role": "user", "content": "Weather in Faro?"},
            {"role": "assistant", "content": null, "finish_reason": "function_call",
             "function_call": {"name": "get_weather", "arguments": "{\"city\": \"Faro\"}", "index": 0}}
        ]
    });
    let log = palimpsest::from_value::<ChatLog>(old.clone())
        .unwrap()
        .value;
    assert_eq!(
        log.metadata["legacy_nested"],
        json!({"messages[1].finish_reason": "function_call", "messages[1].tool_calls[0].index": 0})
    );
    let written = palimpsest::to_value_as(&log, "0.2.0").unwrap();
    assert_eq!(written["messages"][1]["finish_reason"], "function_call");
    assert_eq!(written["messages"][1]["function_call"]["index"], 0);
}

/// The committed shape of every version of the chat log
/// (`schema/ChatLog/`), messages, calls, roles and the internally tagged
/// attachments included. The versions before 0.3.0's move of `user` into
/// `client` have no declared shape: a move between paths is not undone.
#[test]
fn the_chat_log_keeps_its_schema_lock() {
    let report = palimpsest::testing::assert_lock::<ChatLog>(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema"),
    );
    assert_eq!(report.checked.len() + report.written.len(), 3, "{report:?}");
    assert_eq!(report.unverified, ["0.2.0", "0.1.0", "0.0.1"]);
    // The timing's positions, undone from the history: 0.4.0 added the
    // retries at the end.
    let contract = palimpsest::contract::Contract::of::<ChatLog>().unwrap();
    let timing = |version| match contract.shape(version).unwrap().definition("Timing") {
        Some(palimpsest::contract::Definition::Tuple(items)) => items.len(),
        other => panic!("Timing is a tuple struct: {other:?}"),
    };
    assert_eq!((timing("0.3.0"), timing("0.4.0")), (2, 3));
}
