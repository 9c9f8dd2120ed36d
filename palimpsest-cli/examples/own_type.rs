//! The recipe: the whole `palimpsest` command for a type of your own.
//!
//! `cargo run -p palimpsest-cli --example own_type -- check corpus/`

fn main() -> std::process::ExitCode {
    palimpsest_cli::run::<my_model::Config>()
}

mod my_model {
    use std::sync::OnceLock;

    use palimpsest::{Schema, Step, Versioned};
    use serde::{Deserialize, Serialize};

    /// With `#[versioned]`, this impl is written by the macro.
    #[derive(Serialize, Deserialize)]
    pub struct Config {
        pub capacity: u32,
    }

    impl Versioned for Config {
        fn schema() -> &'static Schema {
            static SCHEMA: OnceLock<Schema> = OnceLock::new();
            SCHEMA.get_or_init(|| {
                Schema::integer("Config", 2)
                    .step(Step::new(0, 1))
                    .step(Step::new(1, 2).rename("size", "capacity"))
                    .build()
                    .expect("the Config schema is valid")
            })
        }
    }
}
