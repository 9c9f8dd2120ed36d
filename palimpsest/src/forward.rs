//! The one list of `serde::Deserializer`'s methods, for the crate's
//! deserializers that forward them to another (the path tracker, the
//! reader that notes ignored keys): each hands it a macro of its own that
//! writes one forwarding method per entry.

/// Calls `$forward!` with every method of `serde::Deserializer` but
/// `deserialize_ignored_any` (which each forwarder treats apart), one
/// `name(argument: Type, ...);` entry each.
macro_rules! with_deserialize_methods {
    ($forward:ident) => {
        $forward! {
            deserialize_any();
        }
        crate::forward::with_scalar_methods!($forward);
        $forward! {
            deserialize_char();
            deserialize_str();
            deserialize_string();
            deserialize_bytes();
            deserialize_byte_buf();
            deserialize_option();
            deserialize_unit();
            deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str);
            deserialize_seq();
            deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize);
            deserialize_map();
            deserialize_struct(name: &'static str, fields: &'static [&'static str]);
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier();
        }
    };
}

pub(crate) use with_deserialize_methods;

/// Calls `$forward!` with the methods of `serde::Deserializer` that read a
/// boolean or a number, in the form of [`with_deserialize_methods`].
macro_rules! with_scalar_methods {
    ($forward:ident) => {
        $forward! {
            deserialize_bool();
            deserialize_i8();
            deserialize_i16();
            deserialize_i32();
            deserialize_i64();
            deserialize_i128();
            deserialize_u8();
            deserialize_u16();
            deserialize_u32();
            deserialize_u64();
            deserialize_u128();
            deserialize_f32();
            deserialize_f64();
        }
    };
}

pub(crate) use with_scalar_methods;

/// Writes each `visit_*` entry (`name(argument: Type);`, the argument left
/// out for none) as a method of a visitor wrapper that hands the value to
/// its `inner` visitor as it is: the visits a wrapper does not watch.
macro_rules! forward_visit {
    ($($method:ident($($arg:ident: $ty:ty)?);)*) => {
        $(
            fn $method<E: serde::de::Error>(self, $($arg: $ty)?) -> Result<V::Value, E> {
                self.inner.$method($($arg)?)
            }
        )*
    };
}

pub(crate) use forward_visit;

/// Calls `$visits!` with every `visit_*` of `serde::de::Visitor` that hands
/// over a value and nothing to read further, but the strings' (which each
/// wrapper may watch), one `name(argument: Type);` entry each, the
/// argument left out for none.
macro_rules! with_leaf_visits {
    ($visits:ident) => {
        $visits! {
            visit_bool(v: bool);
            visit_i8(v: i8);
            visit_i16(v: i16);
            visit_i32(v: i32);
            visit_i64(v: i64);
            visit_i128(v: i128);
            visit_u8(v: u8);
            visit_u16(v: u16);
            visit_u32(v: u32);
            visit_u64(v: u64);
            visit_u128(v: u128);
            visit_f32(v: f32);
            visit_f64(v: f64);
            visit_char(v: char);
            visit_bytes(v: &[u8]);
            visit_borrowed_bytes(v: &'de [u8]);
            visit_byte_buf(v: Vec<u8>);
            visit_none();
            visit_unit();
        }
    };
}

pub(crate) use with_leaf_visits;

/// Calls `$visits!` with the strings' `visit_*` entries, in the form of
/// [`with_leaf_visits`], for a wrapper that does not watch them.
macro_rules! with_text_visits {
    ($visits:ident) => {
        $visits! {
            visit_str(v: &str);
            visit_borrowed_str(v: &'de str);
            visit_string(v: String);
        }
    };
}

pub(crate) use with_text_visits;

/// Writes the `visit_*` methods named, of those that hand the visitor a
/// deserializer or an access to read further, as methods of a visitor
/// wrapper that hands it to its `inner` visitor as it is.
macro_rules! forward_nested_visits {
    (visit_some) => {
        fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
            self.inner.visit_some(deserializer)
        }
    };
    (visit_newtype_struct) => {
        fn visit_newtype_struct<D: serde::Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<V::Value, D::Error> {
            self.inner.visit_newtype_struct(deserializer)
        }
    };
    (visit_seq) => {
        fn visit_seq<S: serde::de::SeqAccess<'de>>(self, seq: S) -> Result<V::Value, S::Error> {
            self.inner.visit_seq(seq)
        }
    };
    (visit_map) => {
        fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<V::Value, M::Error> {
            self.inner.visit_map(map)
        }
    };
    (visit_enum) => {
        fn visit_enum<En: serde::de::EnumAccess<'de>>(self, data: En) -> Result<V::Value, En::Error> {
            self.inner.visit_enum(data)
        }
    };
    ($($method:ident),+ $(,)?) => {
        $(crate::forward::forward_nested_visits!($method);)+
    };
}

pub(crate) use forward_nested_visits;

/// Writes every method of `serde::Deserializer` for a deserializer that
/// wraps another: each hands its visitor to the wrapper's
/// `self.forward(visitor, call)`, which wraps the visitor and makes `call`
/// on the inner deserializer. Called with no argument by the wrapper's
/// impl, which imports this macro.
macro_rules! forward_deserialize_methods {
    () => {
        crate::forward::with_deserialize_methods!(forward_deserialize_methods);
        forward_deserialize_methods! {
            deserialize_ignored_any();
        }
    };
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error>
        where
            V: serde::de::Visitor<'de>,
        {
            self.forward(visitor, |de, visitor| de.$method($($arg,)* visitor))
        }
    )*};
}

pub(crate) use forward_deserialize_methods;
