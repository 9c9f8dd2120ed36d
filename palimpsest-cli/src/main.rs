//! The `palimpsest` command for the trace models.

fn main() -> std::process::ExitCode {
    palimpsest_cli::run::<palimpsest::models::trace::ExecutionTrace>()
}
