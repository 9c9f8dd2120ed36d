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
