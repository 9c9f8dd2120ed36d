//! Writing: the version stamp goes first, through any serializer, with no
//! extra pass over the value.

use serde::ser::{Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::schema::Schema;
use crate::version::Scheme;

/// A serializer that writes the schema's version entry first in the struct
/// or map the versioned type serializes as, and forwards everything else.
///
/// A versioned type must serialize as a struct or a map: any other shape
/// would have nowhere to carry its stamp, so it is an error.
pub struct Stamped<S> {
    inner: S,
    schema: &'static Schema,
}

impl<S> Stamped<S> {
    /// Wraps the serializer the caller gave.
    pub fn new(inner: S, schema: &'static Schema) -> Self {
        Stamped { inner, schema }
    }

    fn refuse<E: serde::ser::Error>(&self, shape: &str) -> E {
        E::custom(format_args!(
            "`{}` is versioned and must serialize as a struct or a map to carry `{}`, not as {shape}",
            self.schema.type_name(),
            self.schema.key()
        ))
    }
}

/// The version value itself, written without formatting or allocation.
pub(crate) struct Stamp(pub(crate) &'static Schema);

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.scheme() {
            Scheme::Semver => serializer.serialize_str(&self.0.current_text),
            Scheme::Integer => self.0.current().serialize(serializer),
        }
    }
}

macro_rules! refuse {
    ($($method:ident($($arg:ident: $ty:ty),*) -> $shape:literal;)*) => {
        $(
            fn $method(self, $(_: $ty),*) -> Result<Self::Ok, Self::Error> {
                Err(self.refuse($shape))
            }
        )*
    };
}

impl<S: Serializer> Serializer for Stamped<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = S::SerializeStruct;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        let mut inner = self.inner.serialize_struct(name, len + 1)?;
        inner.serialize_field(self.schema.key(), &Stamp(self.schema))?;
        Ok(inner)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        let mut inner = self.inner.serialize_map(len.map(|n| n + 1))?;
        inner.serialize_entry(self.schema.key(), &Stamp(self.schema))?;
        Ok(inner)
    }

    // `#[serde(into = ..)]` and `transparent` hand the value on: stamp it there.
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, Self::Error> {
        Err(self.refuse("an option"))
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        Err(self.refuse("an enum variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Err(self.refuse("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        Err(self.refuse("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        Err(self.refuse("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Err(self.refuse("an enum variant"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Err(self.refuse("an enum variant"))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }

    refuse! {
        serialize_bool(v: bool) -> "a boolean";
        serialize_i8(v: i8) -> "a number";
        serialize_i16(v: i16) -> "a number";
        serialize_i32(v: i32) -> "a number";
        serialize_i64(v: i64) -> "a number";
        serialize_u8(v: u8) -> "a number";
        serialize_u16(v: u16) -> "a number";
        serialize_u32(v: u32) -> "a number";
        serialize_u64(v: u64) -> "a number";
        serialize_f32(v: f32) -> "a number";
        serialize_f64(v: f64) -> "a number";
        serialize_char(v: char) -> "a character";
        serialize_str(v: &str) -> "a string";
        serialize_bytes(v: &[u8]) -> "bytes";
        serialize_none() -> "an option";
        serialize_unit() -> "a unit";
        serialize_unit_struct(name: &'static str) -> "a unit struct";
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> "an enum variant";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::Step;
    use std::sync::OnceLock;

    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::integer("Counter", 1)
                .step(Step::new(0, 1))
                .build()
                .unwrap()
        })
    }

    #[derive(serde::Serialize)]
    struct Counter {
        count: u32,
    }

    #[test]
    fn the_stamp_comes_first() {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        Counter { count: 3 }
            .serialize(Stamped::new(&mut ser, schema()))
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"schema_version":1,"count":3}"#
        );
    }

    #[test]
    fn maps_are_stamped_too() {
        let map: std::collections::BTreeMap<&str, u32> = [("count", 3)].into();
        let value = map
            .serialize(Stamped::new(serde_json::value::Serializer, schema()))
            .unwrap();
        assert_eq!(value, serde_json::json!({"schema_version": 1, "count": 3}));
    }

    #[test]
    fn other_shapes_are_refused() {
        let err = 3u8
            .serialize(Stamped::new(serde_json::value::Serializer, schema()))
            .unwrap_err();
        assert!(err.to_string().contains("`Counter` is versioned"), "{err}");
        let err = vec![1]
            .serialize(Stamped::new(serde_json::value::Serializer, schema()))
            .unwrap_err();
        assert!(err.to_string().contains("not as a sequence"), "{err}");
    }
}
