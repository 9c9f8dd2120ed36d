//! Rejects `#[renamed_from]` on a variant of an untagged enum, whose
//! documents carry no variant name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Part {
    #[renamed_from("Txt", since = "0.2.0")]
    Text(String),
    Count(u32),
}

fn main() {}
