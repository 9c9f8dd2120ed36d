//! Rejects a positional tuple struct left with one element in some version: serde writes that as a newtype.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Mark(String, #[removed_in("0.3.0", drop)] f32);

fn main() {}
