//! The functions of one versioned type, named and registered.

use std::any::TypeId;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::SessionContext;
use palimpsest::Versioned;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::document::Operations;
use crate::error::NameError;
use crate::udf::{DocumentFunction, Kind};

/// What `migrate_<name>` and `<name>_version` do with a document they
/// cannot read (not JSON, a version unknown or too new, a migration step
/// that fails, a result that does not fit the type).
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// # #[versioned(since = "0.1.0")]
/// # #[derive(Debug, Serialize, Deserialize)]
/// # struct Note { text: String }
/// use datafusion::prelude::SessionContext;
/// use palimpsest_datafusion::{Functions, OnError};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let ctx = SessionContext::new();
/// Functions::<Note>::new("note")?.on_error(OnError::Null).register(&ctx);
/// let batches = ctx.sql("SELECT migrate_note('not json') AS doc").await?.collect().await?;
/// assert!(batches[0].column(0).is_null(0));
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnError {
    /// The query fails with a [`DocumentError`](crate::DocumentError): a
    /// migration that finishes has read every document.
    #[default]
    Fail,
    /// The function returns NULL for that row and the query goes on. Which
    /// rows those were, and why, `<name>_error(doc)` says.
    Null,
}

/// The SQL functions of one versioned type `T`, under a name of the
/// caller's choosing:
///
/// | function | returns |
/// |---|---|
/// | `migrate_<name>(doc)` | the document at the current version, as JSON text (palimpsest's writing: the version key first), of the column's string type |
/// | `<name>_version(doc)` | the version the document is stored at (a legacy document's is the legacy version), as text |
/// | `<name>_error(doc)` | why `migrate_<name>(doc)` fails on the document, as text, or NULL when it does not |
///
/// `doc` is a string column (`Utf8`, `LargeUtf8` or `Utf8View`) or a
/// literal; a NULL document gives NULL. A document that cannot be read
/// stops the query, unless the functions were made with [`OnError::Null`].
///
/// One name per type, so SQL says which type a column holds
/// (`migrate_trace(doc)`), a query over the wrong function fails to plan
/// instead of at some row, and nothing is looked up per row.
///
/// ```
/// use datafusion::prelude::SessionContext;
/// use palimpsest::versioned;
/// use palimpsest_datafusion::Functions;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
/// }
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let ctx = SessionContext::new();
/// Functions::<Note>::new("note")?.register(&ctx);
///
/// let sql = r#"SELECT note_version(doc) AS version, migrate_note(doc) AS current
///              FROM (VALUES ('{"body": "hi"}')) AS notes(doc)"#;
/// let batches = ctx.sql(sql).await?.collect().await?;
/// let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?.to_string();
/// assert!(text.contains(r#"| 0.0.1   | {"schema_version":"0.2.0","text":"hi"} |"#), "{text}");
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
pub struct Functions<T> {
    name: String,
    on_error: OnError,
    versioned: PhantomData<fn() -> T>,
}

impl<T> Functions<T>
where
    T: Versioned + DeserializeOwned + Serialize + 'static,
{
    /// The functions of `T` named after `name`: `migrate_<name>`,
    /// `<name>_version` and `<name>_error`.
    ///
    /// # Errors
    ///
    /// [`NameError`] when `name` is not lowercase ASCII letters, digits and
    /// `_` starting with a letter or `_`: SQL lowercases unquoted names, so
    /// `migrate_Trace` could only be called quoted.
    pub fn new(name: &str) -> Result<Self, NameError> {
        let mut chars = name.chars();
        let starts_well = chars
            .next()
            .is_some_and(|first| first.is_ascii_lowercase() || first == '_');
        let continues_well =
            chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !(starts_well && continues_well) {
            return Err(NameError::new(name));
        }
        Ok(Functions {
            name: name.to_owned(),
            on_error: OnError::Fail,
            versioned: PhantomData,
        })
    }

    /// What the functions do with a document they cannot read; see
    /// [`OnError`].
    #[must_use]
    pub fn on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// `migrate_<name>(doc)`.
    #[must_use]
    pub fn migrate(&self) -> ScalarUDF {
        self.function(format!("migrate_{}", self.name), Kind::Migrate)
    }

    /// `<name>_version(doc)`.
    #[must_use]
    pub fn version(&self) -> ScalarUDF {
        self.function(format!("{}_version", self.name), Kind::Version)
    }

    /// `<name>_error(doc)`.
    #[must_use]
    pub fn error(&self) -> ScalarUDF {
        self.function(format!("{}_error", self.name), Kind::Error)
    }

    /// The three functions, as a session builder takes them: for a
    /// `SessionState` built by hand, such as a Ballista executor's.
    ///
    /// ```
    /// # use palimpsest::versioned;
    /// # use serde::{Deserialize, Serialize};
    /// # #[versioned(since = "0.1.0")]
    /// # #[derive(Debug, Serialize, Deserialize)]
    /// # struct Note { text: String }
    /// use datafusion::execution::SessionStateBuilder;
    /// use palimpsest_datafusion::Functions;
    ///
    /// let state = SessionStateBuilder::new()
    ///     .with_default_features()
    ///     .with_scalar_functions(Functions::<Note>::new("note")?.udfs())
    ///     .build();
    /// assert!(state.scalar_functions().contains_key("migrate_note"));
    /// # Ok::<_, palimpsest_datafusion::NameError>(())
    /// ```
    #[must_use]
    pub fn udfs(&self) -> Vec<Arc<ScalarUDF>> {
        vec![
            Arc::new(self.migrate()),
            Arc::new(self.version()),
            Arc::new(self.error()),
        ]
    }

    /// Registers the three functions in `ctx`, replacing any of the same
    /// names.
    pub fn register(&self, ctx: &SessionContext) {
        for udf in [self.migrate(), self.version(), self.error()] {
            ctx.register_udf(udf);
        }
    }

    fn function(&self, name: String, kind: Kind) -> ScalarUDF {
        ScalarUDF::new_from_impl(DocumentFunction::new(
            name,
            kind,
            self.on_error,
            TypeId::of::<T>(),
            T::schema().type_name(),
            Operations::of::<T>(),
        ))
    }
}

impl<T> fmt::Debug for Functions<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Functions")
            .field("type", &std::any::type_name::<T>())
            .field("name", &self.name)
            .field("on_error", &self.on_error)
            .finish()
    }
}

impl<T> Clone for Functions<T> {
    fn clone(&self) -> Self {
        Functions {
            name: self.name.clone(),
            on_error: self.on_error,
            versioned: PhantomData,
        }
    }
}

/// Registers the functions of `T` in `ctx` under `name`, failing on a
/// document that cannot be read: `migrate_<name>(doc)`,
/// `<name>_version(doc)` and `<name>_error(doc)` (see [`Functions`]).
///
/// ```
/// use datafusion::prelude::SessionContext;
/// use palimpsest::models::trace::ExecutionTrace;
///
/// let ctx = SessionContext::new();
/// palimpsest_datafusion::register::<ExecutionTrace>(&ctx, "trace")?;
/// let functions = ctx.state().scalar_functions().clone();
/// for name in ["migrate_trace", "trace_version", "trace_error"] {
///     assert!(functions.contains_key(name), "{name}");
/// }
/// # Ok::<_, palimpsest_datafusion::NameError>(())
/// ```
///
/// # Errors
///
/// [`NameError`] when SQL cannot call functions of that name unquoted.
pub fn register<T>(ctx: &SessionContext, name: &str) -> Result<(), NameError>
where
    T: Versioned + DeserializeOwned + Serialize + 'static,
{
    Functions::<T>::new(name)?.register(ctx);
    Ok(())
}

#[cfg(test)]
mod tests {
    use palimpsest::models::trace::ExecutionTrace;

    use super::*;

    #[test]
    fn names_sql_calls_unquoted_are_accepted() {
        for name in ["trace", "_t", "trace_v2"] {
            assert!(Functions::<ExecutionTrace>::new(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_sql_would_change_or_split_are_refused() {
        for name in ["", "Trace", "2trace", "my-trace", "trace name", "tracé"] {
            let error = Functions::<ExecutionTrace>::new(name).unwrap_err();
            assert_eq!(error.name(), name);
        }
    }

    #[test]
    fn the_same_registration_twice_is_the_same_function() {
        let functions = Functions::<ExecutionTrace>::new("trace").unwrap();
        assert_eq!(functions.migrate(), functions.migrate());
        assert_ne!(
            functions.migrate(),
            functions.clone().on_error(OnError::Null).migrate()
        );
        assert_ne!(functions.migrate(), functions.version());
    }
}
