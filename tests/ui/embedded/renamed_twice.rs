//! Rejects two fields of an embedded type claiming one old name in one version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    #[renamed_from("text", since = "0.2.0")]
    reasoning: String,
    #[renamed_from("text", since = "0.2.0")]
    answer: String,
}

fn main() {}
