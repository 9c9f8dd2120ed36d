//! The shape of one version of a type: its named types, each field's format
//! and whether a document may leave it out.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a value looks like in a document, as serde's data model sees it.
///
/// Written as text in lock files and messages: `string`, `integer`,
/// `option<string>`, `array<Step>`, `map<string, any>`, `tuple<integer,
/// string>`, or the name of a type the [`Shape`] defines.
///
/// ```
/// use palimpsest::contract::Format;
///
/// let format: Format = "map<string, array<Step>>".parse()?;
/// assert_eq!(format.to_string(), "map<string, array<Step>>");
/// assert!(Format::Any.admits(&format));
/// # Ok::<(), palimpsest::contract::ParseFormatError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Anything: a `serde_json::Value`, or a value whose type the history
    /// no longer knows (a removed field, the input of a conversion).
    Any,
    /// `()` and unit structs' payloads: `null`.
    Unit,
    /// A boolean.
    Bool,
    /// Any integer type.
    Integer,
    /// `f32` or `f64`.
    Number,
    /// A string or a `char`. (Not `String`: a public item of that name
    /// makes rustc spell `std::string::String` in full in the errors of
    /// every crate that can see it, the macro's compile errors included.)
    Str,
    /// A byte buffer.
    Bytes,
    /// A value that may be `null`.
    Option(Box<Format>),
    /// A sequence.
    Array(Box<Format>),
    /// A map from keys to values.
    Map(Box<Format>, Box<Format>),
    /// A fixed-length sequence.
    Tuple(Vec<Format>),
    /// A struct, an enum or a newtype, defined in the shape's types.
    Named(String),
}

impl Format {
    /// Whether a value of `other`'s format fits this one: equal, or one of
    /// them is [`Format::Any`] (at any depth), a type the history no longer
    /// knows.
    #[must_use]
    pub fn admits(&self, other: &Format) -> bool {
        match (self, other) {
            (Format::Any, _) | (_, Format::Any) => true,
            (Format::Option(a), Format::Option(b)) | (Format::Array(a), Format::Array(b)) => {
                a.admits(b)
            }
            (Format::Map(ka, va), Format::Map(kb, vb)) => ka.admits(kb) && va.admits(vb),
            (Format::Tuple(a), Format::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.admits(b))
            }
            (a, b) => a == b,
        }
    }

    /// The two observations of one value joined: where one saw nothing
    /// (`any`, a recursive type cut short), the other's.
    pub(crate) fn merge(self, other: Format) -> Format {
        match (self, other) {
            (Format::Any, other) | (other, Format::Any) => other,
            (Format::Option(a), Format::Option(b)) => Format::Option(Box::new(a.merge(*b))),
            (Format::Array(a), Format::Array(b)) => Format::Array(Box::new(a.merge(*b))),
            (Format::Map(ka, va), Format::Map(kb, vb)) => {
                Format::Map(Box::new(ka.merge(*kb)), Box::new(va.merge(*vb)))
            }
            (Format::Tuple(a), Format::Tuple(b)) if a.len() == b.len() => {
                Format::Tuple(a.into_iter().zip(b).map(|(a, b)| a.merge(b)).collect())
            }
            (kept, _) => kept,
        }
    }

    /// The named types this format refers to.
    pub(crate) fn names(&self, out: &mut Vec<String>) {
        match self {
            Format::Named(name) => out.push(name.clone()),
            Format::Option(inner) | Format::Array(inner) => inner.names(out),
            Format::Map(key, value) => {
                key.names(out);
                value.names(out);
            }
            Format::Tuple(items) => items.iter().for_each(|item| item.names(out)),
            _ => {}
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, items: &[&Format]| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        };
        match self {
            Format::Any => f.write_str("any"),
            Format::Unit => f.write_str("unit"),
            Format::Bool => f.write_str("bool"),
            Format::Integer => f.write_str("integer"),
            Format::Number => f.write_str("number"),
            Format::Str => f.write_str("string"),
            Format::Bytes => f.write_str("bytes"),
            Format::Option(inner) => write!(f, "option<{inner}>"),
            Format::Array(inner) => write!(f, "array<{inner}>"),
            Format::Map(key, value) => write!(f, "map<{key}, {value}>"),
            Format::Tuple(items) => {
                f.write_str("tuple<")?;
                list(f, &items.iter().collect::<Vec<_>>())?;
                f.write_str(">")
            }
            Format::Named(name) => f.write_str(name),
        }
    }
}

/// A format's text that does not read back: what a hand-edited lock file
/// may hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a format: {reason}")]
pub struct ParseFormatError {
    text: String,
    reason: &'static str,
}

impl FromStr for Format {
    type Err = ParseFormatError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| ParseFormatError {
            text: text.to_owned(),
            reason,
        };
        let mut parser = Parser { rest: text };
        let format = parser.format().map_err(error)?;
        if parser.rest.trim().is_empty() {
            Ok(format)
        } else {
            Err(error("text after the format"))
        }
    }
}

/// A recursive-descent reader of the grammar `Display` writes.
struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn eat(&mut self, token: char) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn word(&mut self) -> &str {
        self.rest = self.rest.trim_start();
        let end = self
            .rest
            .find(|c: char| matches!(c, '<' | '>' | ',') || c.is_whitespace())
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word
    }

    fn arguments(&mut self) -> Result<Vec<Format>, &'static str> {
        if !self.eat('<') {
            return Err("`<` expected");
        }
        let mut items = vec![self.format()?];
        while self.eat(',') {
            items.push(self.format()?);
        }
        if self.eat('>') {
            Ok(items)
        } else {
            Err("`>` expected")
        }
    }

    fn format(&mut self) -> Result<Format, &'static str> {
        let word = self.word().to_owned();
        let one = |items: Vec<Format>| match <[Format; 1]>::try_from(items) {
            Ok([item]) => Ok(Box::new(item)),
            Err(_) => Err("one argument expected"),
        };
        Ok(match word.as_str() {
            "" => return Err("a format expected"),
            "any" => Format::Any,
            "unit" => Format::Unit,
            "bool" => Format::Bool,
            "integer" => Format::Integer,
            "number" => Format::Number,
            "string" => Format::Str,
            "bytes" => Format::Bytes,
            "option" => Format::Option(one(self.arguments()?)?),
            "array" => Format::Array(one(self.arguments()?)?),
            "map" => match <[Format; 2]>::try_from(self.arguments()?) {
                Ok([key, value]) => Format::Map(Box::new(key), Box::new(value)),
                Err(_) => return Err("a map has two arguments"),
            },
            "tuple" => Format::Tuple(self.arguments()?),
            _ => Format::Named(word),
        })
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One field of a struct (or of a struct variant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// The field's format.
    #[serde(rename = "type")]
    pub format: Format,
    /// Whether a document may leave the field out: it has a default, or
    /// it is an `Option`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

// serde's `skip_serializing_if` takes a function of a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(value: &bool) -> bool {
    !*value
}

/// The payload of a named type, or of one enum variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    /// A struct with named fields, by serde name.
    Struct(BTreeMap<String, Field>),
    /// An enum's variants, by serde name.
    Enum(BTreeMap<String, Definition>),
    /// An untagged enum's variants, by name, with their payloads: a value
    /// of it is the payload of any one of them, and the names are in no
    /// document. Known of an untagged `#[versioned(embedded)]` enum, whose
    /// macro names its variants; any other untagged enum is `any`.
    Untagged(BTreeMap<String, Definition>),
    /// A newtype struct, or a newtype variant.
    Newtype(Format),
    /// A tuple struct, or a tuple variant.
    Tuple(Vec<Format>),
    /// A unit struct, or a unit variant.
    Unit,
    /// A payload the history no longer knows: a removed variant's, in the
    /// versions before its removal. It admits any.
    Unknown,
}

impl Definition {
    /// The named types the definition refers to.
    pub(crate) fn names(&self, out: &mut Vec<String>) {
        match self {
            Definition::Struct(fields) => fields.values().for_each(|f| f.format.names(out)),
            Definition::Enum(variants) | Definition::Untagged(variants) => {
                variants.values().for_each(|v| v.names(out));
            }
            Definition::Newtype(format) => format.names(out),
            Definition::Tuple(items) => items.iter().for_each(|item| item.names(out)),
            Definition::Unit | Definition::Unknown => {}
        }
    }

    /// A definition's two observations joined (see [`Format::merge`]).
    pub(crate) fn merge(self, other: Definition) -> Definition {
        match (self, other) {
            (Definition::Struct(mut a), Definition::Struct(b)) => {
                for (name, field) in b {
                    match a.remove(&name) {
                        Some(seen) => a.insert(
                            name,
                            Field {
                                format: seen.format.merge(field.format),
                                optional: seen.optional || field.optional,
                            },
                        ),
                        None => a.insert(name, field),
                    };
                }
                Definition::Struct(a)
            }
            (Definition::Enum(a), Definition::Enum(b)) => Definition::Enum(merge_variants(a, b)),
            (Definition::Untagged(a), Definition::Untagged(b)) => {
                Definition::Untagged(merge_variants(a, b))
            }
            (Definition::Newtype(a), Definition::Newtype(b)) => Definition::Newtype(a.merge(b)),
            (Definition::Tuple(a), Definition::Tuple(b)) if a.len() == b.len() => {
                Definition::Tuple(a.into_iter().zip(b).map(|(a, b)| a.merge(b)).collect())
            }
            (Definition::Unknown, other) => other,
            (kept, _) => kept,
        }
    }
}

/// An enum's variants seen in two runs joined.
fn merge_variants(
    mut a: BTreeMap<String, Definition>,
    b: BTreeMap<String, Definition>,
) -> BTreeMap<String, Definition> {
    for (name, variant) in b {
        let joined = match a.remove(&name) {
            Some(seen) => seen.merge(variant),
            None => variant,
        };
        a.insert(name, joined);
    }
    a
}

/// The shape of one version of a versioned type: what its documents hold.
///
/// This is what a lock file (`schema/<Type>/<version>.json`) records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// The versioned type's name.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The version this shape is of.
    pub version: String,
    /// The key the version is written under; `None` for the legacy
    /// version, whose documents carry none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The format of a whole document.
    pub root: Format,
    /// Every named type a document holds, by serde name.
    pub types: BTreeMap<String, Definition>,
    /// The tag key of each internally tagged enum (`#[serde(tag = "..")]`),
    /// by the enum's name: its variants' payloads stand beside the tag.
    /// Enums not named here are externally tagged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The content key of each adjacently tagged enum (`#[serde(tag =
    /// "..", content = "..")]`), by the enum's name: its variants'
    /// payloads stand under this key, beside the tag in [`Shape::tags`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contents: BTreeMap<String, String>,
}

impl Shape {
    /// The definition of a named type.
    #[must_use]
    pub fn definition(&self, name: &str) -> Option<&Definition> {
        self.types.get(name)
    }

    /// The definition of the root type, when it is a named one.
    #[must_use]
    pub fn root_definition(&self) -> Option<&Definition> {
        match &self.root {
            Format::Named(name) => self.types.get(name),
            _ => None,
        }
    }

    /// The types no longer reachable from the root dropped, after an
    /// older version's shape lost the fields that held them.
    pub(crate) fn prune(&mut self) {
        let mut reached = std::collections::BTreeSet::new();
        let mut todo = Vec::new();
        self.root.names(&mut todo);
        while let Some(name) = todo.pop() {
            if reached.insert(name.clone()) {
                if let Some(definition) = self.types.get(&name) {
                    definition.names(&mut todo);
                }
            }
        }
        self.types.retain(|name, _| reached.contains(name));
        self.tags.retain(|name, _| reached.contains(name));
        self.contents.retain(|name, _| reached.contains(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_back_what_they_write() {
        for text in [
            "any",
            "option<array<Step>>",
            "map<string, tuple<integer, number, bool>>",
            "bytes",
        ] {
            assert_eq!(text.parse::<Format>().unwrap().to_string(), text);
        }
        assert!("array<".parse::<Format>().is_err());
        assert!("map<string>".parse::<Format>().is_err());
        assert!("string string".parse::<Format>().is_err());
    }

    #[test]
    fn any_admits_everything_at_any_depth() {
        let any_values: Format = "map<string, any>".parse().unwrap();
        assert!(any_values.admits(&"map<string, array<integer>>".parse().unwrap()));
        assert!(!any_values.admits(&"map<integer, string>".parse().unwrap()));
        assert!(!Format::Str.admits(&Format::Integer));
    }
}
