//! Rejects `newer` on an embedded type: its root decides how newer
//! documents are read.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, newer = "read")]
#[derive(Serialize, Deserialize)]
pub struct Step {
    pub reasoning: String,
}

fn main() {}
