//! Rejects `#[serde(borrow)]`: migrated documents are owned trees.

use std::borrow::Cow;

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace<'a> {
    #[serde(borrow)]
    problem: Cow<'a, str>,
}

fn main() {}
