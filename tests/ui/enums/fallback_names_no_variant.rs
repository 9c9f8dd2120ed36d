//! Rejects a fallback that names no variant of the enum.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0", fallback = "Unknwon")]
    Function,
    Unknown,
}

fn main() {}
