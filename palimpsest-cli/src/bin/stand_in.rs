//! The `palimpsest` command for the stand-in trace type of the tests.

fn main() -> std::process::ExitCode {
    palimpsest_cli::run::<palimpsest_cli::test_support::StandInTrace>()
}
