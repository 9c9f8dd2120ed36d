//! The scalar UDF: one implementation for the three functions of a type,
//! applied row by row to a string column.

use std::any::TypeId;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, LargeStringBuilder, StringBuilder, StringViewBuilder,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use crate::document::Operations;
use crate::error::DocumentError;
use crate::functions::OnError;

/// Which of a type's functions a UDF is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// `migrate_<name>(doc)`: the document at the current version.
    Migrate,
    /// `<name>_version(doc)`: the version the document is stored at.
    Version,
    /// `<name>_error(doc)`: why the document does not migrate, or NULL.
    Error,
}

/// One function of one versioned type.
///
/// Not generic over the type: its operations are function pointers, and
/// the type is known by its `TypeId` for DataFusion's equality and hashing
/// (two registrations of the same name, type and policy are the same
/// function).
#[derive(Debug)]
pub(crate) struct DocumentFunction {
    name: String,
    kind: Kind,
    on_error: OnError,
    type_id: TypeId,
    type_name: &'static str,
    operations: OperationsDebug,
    signature: Signature,
}

/// [`Operations`] in a wrapper that prints nothing of its pointers, so the
/// function's `Debug` (in DataFusion's plan dumps) stays readable.
struct OperationsDebug(Operations);

impl std::fmt::Debug for OperationsDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Operations")
    }
}

impl DocumentFunction {
    pub(crate) fn new(
        name: String,
        kind: Kind,
        on_error: OnError,
        type_id: TypeId,
        type_name: &'static str,
        operations: Operations,
    ) -> Self {
        DocumentFunction {
            name,
            kind,
            on_error,
            type_id,
            type_name,
            operations: OperationsDebug(operations),
            // Any string type, or what coerces to one (a NULL literal).
            signature: Signature::string(1, Volatility::Immutable),
        }
    }

    /// What the function gives for one non-null document: `Ok(None)` is
    /// NULL, `Err` stops the query.
    fn apply(&self, document: &str, row: usize) -> Result<Option<String>> {
        let Operations { migrate, version } = self.operations.0;
        let result = match self.kind {
            Kind::Migrate => migrate(document),
            Kind::Version => version(document),
            Kind::Error => return Ok(migrate(document).err().map(|error| error.to_string())),
        };
        match (result, self.on_error) {
            (Ok(text), _) => Ok(Some(text)),
            (Err(_), OnError::Null) => Ok(None),
            (Err(source), OnError::Fail) => Err(DataFusionError::External(Box::new(
                DocumentError::new(self.name.clone(), row, source),
            ))),
        }
    }

    fn output_type(&self, input: &DataType) -> DataType {
        match self.kind {
            // A migrated document is about as long as the stored one, so it
            // keeps the column's string type: a LargeUtf8 column of big
            // documents must not overflow Utf8's 32-bit offsets.
            Kind::Migrate => input.clone(),
            Kind::Version | Kind::Error => DataType::Utf8,
        }
    }
}

impl PartialEq for DocumentFunction {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, self.kind, self.on_error, self.type_id)
            == (&other.name, other.kind, other.on_error, other.type_id)
    }
}

impl Eq for DocumentFunction {}

impl Hash for DocumentFunction {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.name, self.kind, self.on_error, self.type_id).hash(state);
    }
}

impl ScalarUDFImpl for DocumentFunction {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [input @ (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)] => {
                Ok(self.output_type(input))
            }
            _ => plan_err!(
                "{}(doc) takes one string column of `{}` documents, got {arg_types:?}",
                self.name,
                self.type_name
            ),
        }
    }

    // NULL in, NULL out: lets the optimizer reason about filters on it.
    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [argument] = args.args.as_slice() else {
            return exec_err!("{} takes one argument, got {}", self.name, args.args.len());
        };
        let output = args.return_type().clone();
        match argument {
            // A literal document: one value, whatever the row count.
            ColumnarValue::Scalar(scalar) => {
                let Some(document) = scalar.try_as_str() else {
                    return exec_err!("{}: not a string: {scalar:?}", self.name);
                };
                let value = match document {
                    Some(document) => self.apply(document, 0)?,
                    None => None,
                };
                Ok(ColumnarValue::Scalar(string_scalar(&output, value)?))
            }
            ColumnarValue::Array(array) => {
                Ok(ColumnarValue::Array(self.apply_to_array(array, &output)?))
            }
        }
    }
}

impl DocumentFunction {
    fn apply_to_array(&self, array: &ArrayRef, output: &DataType) -> Result<ArrayRef> {
        // One loop for every pairing of input and output string type: the
        // per-row cost is a JSON parse, next to which a dynamic call is free.
        let documents: Box<dyn Iterator<Item = Option<&str>>> = match array.data_type() {
            DataType::Utf8 => Box::new(array.as_string::<i32>().iter()),
            DataType::LargeUtf8 => Box::new(array.as_string::<i64>().iter()),
            DataType::Utf8View => Box::new(array.as_string_view().iter()),
            other => return exec_err!("{}: not a string column: {other}", self.name),
        };
        let mut builder = Builder::new(output, array.len())?;
        for (row, document) in documents.enumerate() {
            let value = match document {
                Some(document) => self.apply(document, row)?,
                None => None,
            };
            builder.append(value.as_deref());
        }
        Ok(builder.finish())
    }
}

/// A builder of whichever string array the function returns.
enum Builder {
    Utf8(StringBuilder),
    LargeUtf8(LargeStringBuilder),
    Utf8View(StringViewBuilder),
}

impl Builder {
    fn new(output: &DataType, rows: usize) -> Result<Self> {
        Ok(match output {
            DataType::Utf8 => Builder::Utf8(StringBuilder::with_capacity(rows, 0)),
            DataType::LargeUtf8 => Builder::LargeUtf8(LargeStringBuilder::with_capacity(rows, 0)),
            DataType::Utf8View => Builder::Utf8View(StringViewBuilder::with_capacity(rows)),
            other => return exec_err!("not a string type: {other}"),
        })
    }

    fn append(&mut self, value: Option<&str>) {
        match self {
            Builder::Utf8(builder) => builder.append_option(value),
            Builder::LargeUtf8(builder) => builder.append_option(value),
            Builder::Utf8View(builder) => builder.append_option(value),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Builder::Utf8(mut builder) => Arc::new(builder.finish()),
            Builder::LargeUtf8(mut builder) => Arc::new(builder.finish()),
            Builder::Utf8View(mut builder) => Arc::new(builder.finish()),
        }
    }
}

fn string_scalar(output: &DataType, value: Option<String>) -> Result<ScalarValue> {
    Ok(match output {
        DataType::Utf8 => ScalarValue::Utf8(value),
        DataType::LargeUtf8 => ScalarValue::LargeUtf8(value),
        DataType::Utf8View => ScalarValue::Utf8View(value),
        other => return exec_err!("not a string type: {other}"),
    })
}
