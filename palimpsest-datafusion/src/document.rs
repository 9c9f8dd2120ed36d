//! What the functions do to one document, for one versioned type: the only
//! module that calls palimpsest.

use palimpsest::{Error, Versioned};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The per-type operations a function calls on each row, as plain function
/// pointers: the UDF itself is not generic, so DataFusion can compare, hash
/// and name it like any other.
#[derive(Clone, Copy)]
pub(crate) struct Operations {
    pub(crate) migrate: fn(&str) -> Result<String, Error>,
    pub(crate) version: fn(&str) -> Result<String, Error>,
}

impl Operations {
    pub(crate) fn of<T>() -> Self
    where
        T: Versioned + DeserializeOwned + Serialize,
    {
        Operations {
            migrate: migrate::<T>,
            version: version::<T>,
        }
    }
}

/// The document at the current version, as palimpsest writes it (the
/// version key first), whatever version it was stored at.
fn migrate<T>(document: &str) -> Result<String, Error>
where
    T: Versioned + DeserializeOwned + Serialize,
{
    let read = palimpsest::from_str::<T>(document)?;
    palimpsest::to_string(&read.value)
}

/// The version the document is stored at, in the type's own spelling.
///
/// Only detection: a document that would fail its migration still has a
/// version, which is what a query looking for such documents groups by.
fn version<T: Versioned>(document: &str) -> Result<String, Error> {
    let value: Value = serde_json::from_str(document).map_err(|source| Error::Syntax {
        type_name: T::schema().type_name(),
        source,
    })?;
    Ok(palimpsest::detect::<T>(&value)?.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use palimpsest::{Schema, Step};
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    struct Counter {
        count: u64,
    }

    impl Versioned for Counter {
        fn schema() -> &'static Schema {
            static SCHEMA: OnceLock<Schema> = OnceLock::new();
            SCHEMA.get_or_init(|| {
                Schema::integer("Counter", 2)
                    .step(Step::new(0, 1))
                    .step(Step::new(1, 2).rename("n", "count"))
                    .build()
                    .expect("a valid schema")
            })
        }
    }

    #[test]
    fn an_old_document_comes_out_current() {
        let operations = Operations::of::<Counter>();
        assert_eq!(
            (operations.migrate)(r#"{"n": 3}"#).unwrap(),
            r#"{"schema_version":2,"count":3}"#
        );
        assert_eq!((operations.version)(r#"{"n": 3}"#).unwrap(), "0");
    }

    #[test]
    fn text_that_is_not_json_names_the_type() {
        let operations = Operations::of::<Counter>();
        for error in [
            (operations.migrate)("{").unwrap_err(),
            (operations.version)("{").unwrap_err(),
        ] {
            assert!(
                matches!(
                    error,
                    Error::Syntax {
                        type_name: "Counter",
                        ..
                    }
                ),
                "{error}"
            );
        }
    }

    #[test]
    fn a_document_too_new_has_no_version_here() {
        let error = (Operations::of::<Counter>().version)(r#"{"schema_version": 9}"#).unwrap_err();
        assert!(matches!(error, Error::NewerVersion { .. }), "{error}");
    }
}
