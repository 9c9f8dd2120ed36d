//! Rejects a conversion in the version its field is added in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[added_in("0.2.0")]
    #[wrapped(since = "0.2.0")]
    #[serde(default)]
    tool_calls: Vec<String>,
}

fn main() {}
