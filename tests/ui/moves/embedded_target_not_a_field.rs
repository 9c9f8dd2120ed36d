//! Rejects a move of an embedded type whose target is not in one of its fields.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, moved(from = "who", to = "actor.name", since = "0.2.0"))]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
}

fn main() {}
