//! Arbitrary bytes read as a versioned type: serde_json's reader (which
//! migrates through the generated `Deserialize`) and palimpsest's own never
//! panic, accept and refuse the same documents, and read the same value;
//! a value read writes back to a document that reads as the same value.
//! Any JSON the input holds, written out again with no key repeated, reads
//! the same from its text as from its tree (`palimpsest::from_value`, the
//! engine's route for what the streamed readers leave to it).

#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use palimpsest::Versioned;
use palimpsest_fuzz::{AgentTrace, ExecutionTrace};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    read_alike::<AgentTrace>(data);
    read_alike::<ExecutionTrace>(data);
    if let Ok(tree) = serde_json::from_slice::<Value>(data) {
        text_and_tree_alike::<AgentTrace>(&tree);
        text_and_tree_alike::<ExecutionTrace>(&tree);
    }
});

/// The tree's text read by serde_json's reader, and the tree itself by
/// `from_value`: a tree holds no repeated key, so the two see the same
/// document.
fn text_and_tree_alike<T>(tree: &Value)
where
    T: Versioned + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_vec(tree).expect("a tree writes");
    let from_text = serde_json::from_slice::<T>(&text);
    let from_tree = palimpsest::from_value::<T>(tree.clone());
    match (from_text, from_tree) {
        (Ok(from_text), Ok(from_tree)) => assert_eq!(
            from_text, from_tree.value,
            "the text and the tree read different values"
        ),
        (Err(_), Err(_)) => {}
        // The disagreement the guide states (chapter 5): serde_json's reader
        // refuses any integral float of 2^63 or more bound for a `legacy_*`
        // value, as it may have been rounded; `from_value` never does, the
        // caller's tree holding floats, not digits.
        (Err(error), Ok(_)) if error.to_string().contains("may have rounded") => {}
        (Ok(_), Err(error)) => panic!("the text reads, the tree is refused: {error}"),
        (Err(error), Ok(_)) => panic!("the tree reads, the text is refused: {error}"),
    }
}

fn read_alike<T>(data: &[u8])
where
    T: Versioned + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let plain = serde_json::from_slice::<T>(data);
    let rich = palimpsest::from_slice::<T>(data);
    let value = match (plain, rich) {
        (Ok(plain), Ok(rich)) => {
            assert_eq!(
                plain, rich.value,
                "serde_json and palimpsest read different values"
            );
            plain
        }
        (Err(_), Err(_)) => return,
        // The one disagreement the guide states (chapter 5, "every route
        // agrees"): serde_json's reader hands palimpsest floats, not the
        // text, and refuses any integral float of 2^63 or more bound for a
        // `legacy_*` value, which the text routes refuse only when its
        // digits were rounded.
        (Err(error), Ok(_))
            if error
                .to_string()
                .contains("which serde_json may have rounded") =>
        {
            return
        }
        (Ok(_), Err(error)) => panic!("serde_json reads it, palimpsest refuses it: {error}"),
        (Err(error), Ok(_)) => panic!("palimpsest reads it, serde_json refuses it: {error}"),
    };
    let written = serde_json::to_vec(&value).expect("a value read writes back");
    let reread = palimpsest::from_slice::<T>(&written).unwrap_or_else(|error| {
        panic!(
            "a value read does not read back: {error}\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    assert!(
        !reread.report.migrated(),
        "a document just written is migrated again"
    );
    assert_eq!(reread.value, value, "read, write, read changed the value");
}
