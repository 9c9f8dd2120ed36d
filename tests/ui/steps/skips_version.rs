//! Rejects a step that jumps over a version of the history.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

type Object = serde_json::Map<String, serde_json::Value>;

fn upgrade(_: &mut Object) -> Result<(), std::io::Error> {
    Ok(())
}

#[versioned(since = "0.1.0", version = "0.3.0", step(from = "0.1.0", to = "0.3.0", with = upgrade))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
