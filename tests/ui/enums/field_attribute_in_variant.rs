//! Rejects field attributes inside a struct variant: a later slice.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Part {
    Image {
        #[renamed_from("href", since = "0.2.0")]
        url: String,
    },
}

fn main() {}
