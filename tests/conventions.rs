//! The conventions of the ecosystem, held by every public type (issue 15):
//! errors are `Send + Sync + 'static` (they cross threads in bulk runs and
//! box into `anyhow`/`Box<dyn Error>`), and every public type is `Debug`.
//! A failure here is a compile error naming the type.

use std::fmt::Debug;

fn error<E: std::error::Error + Send + Sync + 'static>() {}
fn debug<T: Debug + ?Sized>() {}

#[test]
fn every_error_type_crosses_threads_and_boxes() {
    error::<palimpsest::Error>();
    error::<palimpsest::ParseVersionError>();
    error::<palimpsest::ConvertError>();
    error::<palimpsest::testing::FixtureError>();
    error::<palimpsest::testing::RoundTripError>();
    error::<palimpsest::testing::Problem>();
    error::<palimpsest::testing::RoundTripProblem>();
    error::<palimpsest_bulk::BulkError>();
    error::<palimpsest_bulk::RunError>();
    error::<palimpsest_bulk::Clash>();
}

#[test]
fn every_public_type_is_debug() {
    debug::<palimpsest::Schema>();
    debug::<palimpsest::SchemaBuilder>();
    debug::<palimpsest::Step>();
    debug::<palimpsest::EmbeddedSchema>();
    debug::<palimpsest::Report>();
    debug::<palimpsest::StepRecord>();
    debug::<palimpsest::Lost>();
    debug::<palimpsest::Conflict>();
    debug::<palimpsest::Version>();
    debug::<palimpsest::Scheme>();
    debug::<palimpsest::Migrated<()>>();
    debug::<palimpsest::Keys>();
    debug::<palimpsest::Inference>();
    debug::<palimpsest::Fit>();
    debug::<palimpsest::Context>();
    debug::<palimpsest::testing::FixtureReport>();
    debug::<palimpsest::testing::CheckedFixture>();
    debug::<palimpsest::testing::LostValue>();
    debug::<palimpsest::testing::RoundTripReport>();
    debug::<palimpsest::testing::Change>();
    debug::<palimpsest::testing::Origin>();
    debug::<palimpsest_bulk::Summary>();
    debug::<palimpsest_bulk::Shown<'static>>();
    debug::<palimpsest_bulk::Failure>();
    debug::<palimpsest_bulk::Located>();
    debug::<palimpsest_bulk::Migrator<palimpsest::models::trace::ExecutionTrace>>();
    debug::<palimpsest_bulk::Source>();
    debug::<palimpsest_bulk::Change>();
}

/// One context serves every worker of a bulk migration.
#[test]
fn a_context_crosses_threads() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<palimpsest::Context>();
}
