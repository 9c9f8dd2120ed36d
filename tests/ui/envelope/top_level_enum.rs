//! Rejects `layout` on a top-level enum, which carries its version beside
//! its tag.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 1, layout = "envelope")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Shape {
    Circle { radius: f64 },
}

fn main() {}
