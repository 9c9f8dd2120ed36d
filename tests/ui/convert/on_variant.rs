//! Rejects a conversion attribute on an enum variant.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[wrapped(since = "0.2.0")]
    Tool(Vec<String>),
}

fn main() {}
