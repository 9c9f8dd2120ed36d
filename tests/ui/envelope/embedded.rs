//! Rejects `layout` on an embedded type, which writes no version of its
//! own: the document holding it decides the layout.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, layout = "envelope")]
#[derive(Serialize, Deserialize)]
pub struct Step {
    pub reasoning: String,
}

fn main() {}
