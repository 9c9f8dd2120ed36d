//! Rejects `newer` on a top-level enum, which has no metadata object to
//! keep a newer document's keys in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 1, newer = "read")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Shape {
    Circle { radius: f64 },
}

fn main() {}
