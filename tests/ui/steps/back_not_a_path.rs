//! Rejects a `back` that is not the path of a function.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

type Object = serde_json::Map<String, serde_json::Value>;

fn upgrade(_: &mut Object) -> Result<(), std::io::Error> {
    Ok(())
}

#[versioned(since = "0.1.0", version = "0.2.0", step(from = "0.1.0", to = "0.2.0", with = upgrade, back = |_| Ok(())))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
