//! Rejects an inverse conversion that takes two arguments.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

fn up(id: String) -> Result<u64, String> {
    id.parse().map_err(|_| "not a number".to_owned())
}

fn down(id: u64, base: u32) -> Result<String, String> {
    Ok(format!("{id}/{base}"))
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[converted(since = "0.2.0", with = up, back = down)]
    user_id: u64,
}

fn main() {}
