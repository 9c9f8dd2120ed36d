//! Rejects a removal without `drop` in a top-level enum, which has no
//! metadata to keep the value in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
#[serde(tag = "t", content = "c")]
enum Event {
    Start(u64),
    #[removed_in("0.2.0", fallback = "End")]
    Crash(u32),
    End,
}

fn main() {}
