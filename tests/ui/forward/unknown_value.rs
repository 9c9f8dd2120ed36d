//! Rejects a value of `newer` other than "read" and "fail".

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[versioned(since = "0.1.0", metadata = "meta", newer = "keep")]
#[derive(Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
}

fn main() {}
