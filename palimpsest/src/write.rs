//! Writing a value of a [`Versioned`] type as JSON with its version first,
//! whether its `Serialize` is `#[versioned]`'s (which stamps itself) or
//! plain serde's under a hand-written [`Versioned`].

use std::io;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::schema::{Schema, Versioned};

/// Writes `value` as JSON, its version entry first.
///
/// A `#[versioned]` type's own `Serialize` already writes the stamp, so
/// `serde_json::to_string` gives the same text; this also stamps a type
/// whose [`Versioned`] is implemented by hand over plain serde derives.
///
/// ```
/// use std::sync::OnceLock;
/// use palimpsest::{Schema, Versioned};
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Config {
///     capacity: u32,
/// }
///
/// impl Versioned for Config {
///     fn schema() -> &'static Schema {
///         static SCHEMA: OnceLock<Schema> = OnceLock::new();
///         SCHEMA.get_or_init(|| Schema::integer("Config", 1).build().expect("valid"))
///     }
/// }
///
/// let text = palimpsest::to_string(&Config { capacity: 8 })?;
/// assert_eq!(text, r#"{"schema_version":1,"capacity":8}"#);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Serialize`] when the value does not serialize as a JSON object
/// (a map with string keys, or a struct).
pub fn to_string<T>(value: &T) -> Result<String, Error>
where
    T: Versioned + Serialize,
{
    let bytes = to_vec(value)?;
    // serde_json writes only UTF-8.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Writes `value` as JSON bytes, its version entry first; see [`to_string`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = 1)]
/// #[derive(Serialize, Deserialize)]
/// struct Counter {
///     count: u64,
/// }
///
/// assert_eq!(palimpsest::to_vec(&Counter { count: 3 })?, br#"{"schema_version":1,"count":3}"#);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`to_string`].
pub fn to_vec<T>(value: &T) -> Result<Vec<u8>, Error>
where
    T: Versioned + Serialize,
{
    let mut bytes = Vec::with_capacity(128);
    to_writer(&mut bytes, value)?;
    Ok(bytes)
}

/// Writes `value` as JSON to `writer`, its version entry first; see
/// [`to_string`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = 1)]
/// #[derive(Serialize, Deserialize)]
/// struct Counter {
///     count: u64,
/// }
///
/// let mut out = Vec::new();
/// palimpsest::to_writer(&mut out, &Counter { count: 3 })?;
/// assert_eq!(out, br#"{"schema_version":1,"count":3}"#);
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`to_string`]; an I/O error of the writer too.
pub fn to_writer<W, T>(writer: W, value: &T) -> Result<(), Error>
where
    W: io::Write,
    T: Versioned + Serialize,
{
    let schema = T::schema();
    let mut serializer = serde_json::Serializer::new(writer);
    written(schema, stamped(schema, value, &mut serializer))
}

/// `value` as a `serde_json::Value`, its version entry first; see
/// [`to_string`].
///
/// ```
/// # use palimpsest::versioned;
/// # use serde::{Deserialize, Serialize};
/// #[versioned(since = 1)]
/// #[derive(Serialize, Deserialize)]
/// struct Counter {
///     count: u64,
/// }
///
/// let value = palimpsest::to_value(&Counter { count: 3 })?;
/// assert_eq!(value, serde_json::json!({"schema_version": 1, "count": 3}));
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Errors
///
/// As [`to_string`].
pub fn to_value<T>(value: &T) -> Result<Value, Error>
where
    T: Versioned + Serialize,
{
    let schema = T::schema();
    written(
        schema,
        stamped(schema, value, serde_json::value::Serializer),
    )
}

/// Serializes `value`, through [`Stamped`](crate::ser::Stamped) unless the type writes its
/// version itself (a `#[versioned]` type, or a hand-written one that reads
/// and writes the key as a field).
fn stamped<T, S>(schema: &'static Schema, value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: serde::Serializer,
{
    if schema.stamps_itself || schema.key_is_field {
        value.serialize(serializer)
    } else {
        crate::newer::write_versioned(value, schema, serializer)
    }
}

fn written<R>(schema: &Schema, result: Result<R, serde_json::Error>) -> Result<R, Error> {
    result.map_err(|source| Error::Serialize {
        type_name: schema.type_name(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    /// A type that serializes as a map, versioned by hand.
    struct Tags(BTreeMap<&'static str, u32>);

    impl Serialize for Tags {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize(serializer)
        }
    }

    impl Versioned for Tags {
        fn schema() -> &'static Schema {
            static SCHEMA: OnceLock<Schema> = OnceLock::new();
            SCHEMA.get_or_init(|| Schema::semver("Tags", "0.2.0").build().unwrap())
        }
    }

    struct Bare(u32);

    impl Serialize for Bare {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_u32(self.0)
        }
    }

    impl Versioned for Bare {
        fn schema() -> &'static Schema {
            static SCHEMA: OnceLock<Schema> = OnceLock::new();
            SCHEMA.get_or_init(|| Schema::integer("Bare", 1).build().unwrap())
        }
    }

    #[test]
    fn a_map_gets_its_stamp_first() {
        let tags = Tags([("b", 2), ("a", 1)].into());
        assert_eq!(
            to_string(&tags).unwrap(),
            r#"{"schema_version":"0.2.0","a":1,"b":2}"#
        );
        assert_eq!(
            to_value(&tags).unwrap(),
            serde_json::json!({"schema_version": "0.2.0", "a": 1, "b": 2})
        );
    }

    #[test]
    fn a_value_with_nowhere_to_carry_its_stamp_is_refused() {
        let err = to_vec(&Bare(3)).unwrap_err();
        assert!(matches!(err, Error::Serialize { .. }), "{err}");
        assert!(err.to_string().starts_with("`Bare`: "), "{err}");
    }
}
