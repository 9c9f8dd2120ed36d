//! Rejects an integrity check that does not take the document and its version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

// Misses the version argument.
fn has_problem(document: &serde_json::Map<String, serde_json::Value>) -> Result<(), String> {
    match document.get("problem") {
        Some(_) => Ok(()),
        None => Err("no problem".to_owned()),
    }
}

#[versioned(since = "0.1.0", check = has_problem)]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
