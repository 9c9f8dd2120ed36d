//! Rejects a root's key on an embedded enum, dated in its root's versions.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, since = "0.1.0")]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
}

fn main() {}
