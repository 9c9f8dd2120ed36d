//! The errors of this crate.

/// A document of a column that a function could not read.
///
/// A query stops at the first such document; DataFusion carries this error
/// as [`DataFusionError::External`](datafusion::error::DataFusionError::External),
/// from which [`DocumentError::find`] takes it back. The palimpsest error it
/// holds names the type, the versions and the field path at fault.
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// # #[versioned(since = "0.1.0")]
/// # #[derive(Debug, Serialize, Deserialize)]
/// # struct Note { text: String }
/// use datafusion::prelude::SessionContext;
/// use palimpsest_datafusion::DocumentError;
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let ctx = SessionContext::new();
/// palimpsest_datafusion::register::<Note>(&ctx, "note")?;
/// let query = ctx.sql(r#"SELECT migrate_note('{"schema_version": "7.0.0"}')"#).await?;
/// let error = query.collect().await.unwrap_err();
///
/// let document = DocumentError::find(&error).expect("a document error");
/// assert_eq!(document.function(), "migrate_note");
/// assert!(matches!(document.reason(), palimpsest::Error::NewerVersion { .. }));
/// assert_eq!(
///     document.to_string(),
///     "migrate_note: row 0 of its batch: `Note`: document at `schema_version` is version 7.0.0, \
///      newer than 0.1.0, the newest this build reads",
/// );
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{function}: row {row} of its batch: {source}")]
pub struct DocumentError {
    function: String,
    row: usize,
    source: palimpsest::Error,
}

impl DocumentError {
    pub(crate) fn new(function: String, row: usize, source: palimpsest::Error) -> Self {
        DocumentError {
            function,
            row,
            source,
        }
    }

    /// The function that failed, as SQL calls it (`migrate_trace`).
    #[must_use]
    pub fn function(&self) -> &str {
        &self.function
    }

    /// The document's row in the batch DataFusion handed the function (a
    /// batch is a slice of the table, of `datafusion.execution.batch_size`
    /// rows at most). To name the failing rows by a key of the table, query
    /// `<name>_error(doc)`.
    #[must_use]
    pub fn row(&self) -> usize {
        self.row
    }

    /// Why the document could not be read (also its
    /// [`source`](std::error::Error::source)).
    #[must_use]
    pub fn reason(&self) -> &palimpsest::Error {
        &self.source
    }

    /// The document error in an error of a query, wherever DataFusion
    /// wrapped it (in an Arrow error, a context, a shared error of a
    /// parallel plan).
    #[must_use]
    pub fn find<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a DocumentError> {
        let mut next = Some(error);
        while let Some(error) = next {
            if let Some(found) = error.downcast_ref::<DocumentError>() {
                return Some(found);
            }
            next = error.source();
        }
        None
    }
}

/// A function name that SQL could not call as given.
///
/// ```
/// use palimpsest_datafusion::Functions;
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// # #[versioned(since = "0.1.0")]
/// # #[derive(Debug, Serialize, Deserialize)]
/// # struct Note { text: String }
///
/// let error = Functions::<Note>::new("Note").unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "`Note` cannot name SQL functions: use lowercase ASCII letters, digits and `_`, \
///      starting with a letter or `_` (SQL lowercases unquoted names)",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{name}` cannot name SQL functions: use lowercase ASCII letters, digits and `_`, \
     starting with a letter or `_` (SQL lowercases unquoted names)"
)]
pub struct NameError {
    name: String,
}

impl NameError {
    pub(crate) fn new(name: &str) -> Self {
        NameError {
            name: name.to_owned(),
        }
    }

    /// The name given.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}
