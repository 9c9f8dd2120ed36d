//! Rejects a top-level versioned enum externally tagged (serde's default):
//! a unit variant is a bare string, with no object to carry the version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
}

fn main() {}
