//! Rejects `unversioned` on a top-level enum, whose variants share no one shape to classify by.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", unversioned = ["0.1.0"])]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Shape {
    Circle { radius: f64 },
}

fn main() {}
