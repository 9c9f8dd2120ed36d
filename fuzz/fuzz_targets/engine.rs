//! The engine on arbitrary JSON values: `palimpsest::migrate` never panics,
//! leaves the value exactly as it was when it fails, and once it succeeded
//! a second migration finds nothing to do.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palimpsest::Versioned;
use palimpsest_fuzz::{AgentTrace, ExecutionTrace};
use serde::de::DeserializeOwned;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    migrate_once::<AgentTrace>(&document);
    migrate_once::<ExecutionTrace>(&document);
});

fn migrate_once<T: Versioned + DeserializeOwned>(document: &Value) {
    let mut migrated = document.clone();
    if let Err(error) = palimpsest::migrate::<T>(&mut migrated) {
        assert_eq!(
            &migrated, document,
            "a failed migration changed the value: {error}"
        );
        return;
    }
    let mut again = migrated.clone();
    let report = palimpsest::migrate::<T>(&mut again)
        .unwrap_or_else(|error| panic!("a migrated value fails to migrate again: {error}"));
    assert!(
        !report.migrated(),
        "a migrated value is migrated again: {report}"
    );
    assert_eq!(again, migrated, "migrating a migrated value changed it");
    // Whether the result fits `T` is the schema's business; reading it
    // must not panic either way.
    let _ = palimpsest::from_value::<T>(migrated);
}
