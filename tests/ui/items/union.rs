//! Rejects `#[versioned]` on a union.

use palimpsest::versioned;

#[versioned(since = "0.1.0")]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
