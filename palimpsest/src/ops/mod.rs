//! Operations on field values beyond the ones of `step`, each in its own
//! file.

pub(crate) mod convert;
