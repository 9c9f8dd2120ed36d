//! Rejects a `combine` value other than "before", "after" or "replace".

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

type Object = serde_json::Map<String, serde_json::Value>;

fn upgrade(_: &mut Object) -> Result<(), std::io::Error> {
    Ok(())
}

#[versioned(since = "0.1.0", step(from = "0.1.0", to = "0.2.0", with = upgrade, combine = "instead"))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
