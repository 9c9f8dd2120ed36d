//! The `palimpsest` command for the trace models.

fn main() -> std::process::ExitCode {
    // Until `palimpsest::models::trace::ExecutionTrace` exists, a stand-in.
    palimpsest_cli::run::<palimpsest_cli::test_support::StandInTrace>()
}
