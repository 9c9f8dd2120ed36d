//! The recipe: the whole `palimpsest` command for a type of your own.
//!
//! `cargo run -p palimpsest-cli --example own_type -- check corpus/`

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

/// Version 1 called it `size`; version 2 says `capacity`.
#[versioned(since = 1, version = 2)]
#[derive(Serialize, Deserialize)]
struct Config {
    #[renamed_from("size", since = 2)]
    capacity: u32,
}

fn main() -> std::process::ExitCode {
    palimpsest_cli::run::<Config>()
}
