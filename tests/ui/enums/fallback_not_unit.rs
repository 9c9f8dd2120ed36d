//! Rejects a fallback that holds a value: the removed variant's value goes
//! to the metadata, the fallback takes none.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Part {
    Text(String),
    #[removed_in("0.2.0", fallback = "Text")]
    Audio(String),
}

fn main() {}
