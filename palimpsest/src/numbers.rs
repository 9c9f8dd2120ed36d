//! Integers that serde_json would round: found in a document's text, so
//! that a migration refuses the document instead of writing a different
//! number.
//!
//! serde_json, without its `arbitrary_precision` feature, reads an integer
//! beyond `u64`/`i64` as the nearest `f64`: `123456789012345678901234567890`
//! becomes `1.2345678901234568e29`. Once read, the `f64` cannot tell that
//! literal from `1.2345678901234568e29` written as a float, so the text is
//! looked at, and only when it may hold such a literal: a cheap look at one
//! byte in nineteen decides that for almost every document.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::migrate::Report;
use crate::schema::Schema;
use crate::version::Version;

/// The fewest digits of an integer beyond `i64`/`u64`: `i64::MIN` has 19.
const DIGITS: usize = 19;

/// An integer literal of a document that serde_json reads as a rounded
/// `f64`, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rounded {
    /// Dotted path of the value (`a.b.2.c`; the document itself is empty).
    pub(crate) path: String,
    /// The literal as the document spells it.
    pub(crate) literal: String,
}

impl Rounded {
    /// The `f64` serde_json reads the literal as.
    pub(crate) fn value(&self) -> f64 {
        // A literal of digits with an optional sign always parses.
        self.literal.parse().unwrap_or(f64::NAN)
    }
}

/// Whether this build's serde_json keeps every number exactly (its
/// `arbitrary_precision` feature, which another crate of the build may turn
/// on): asked once, by reading back a number no `u64` holds.
pub(crate) fn exact() -> bool {
    static EXACT: OnceLock<bool> = OnceLock::new();
    *EXACT.get_or_init(|| {
        let literal = "123456789012345678901234567890";
        // Printed back, not compared: a `Value` equals a `&str` only as a
        // string.
        let printed = serde_json::from_str::<Value>(literal).map(|value| value.to_string());
        printed.is_ok_and(|printed| printed == literal)
    })
}

/// Whether `text` may hold an integer literal serde_json rounds. A run of
/// 19 digits or more covers a byte whose offset is a multiple of 19, so
/// only those bytes are looked at; and such a run through one of them
/// also covers the byte nine before it or nine after it, so a short
/// number is passed over without walking its digits.
fn may_round(text: &[u8]) -> bool {
    let digit = |at: usize| text.get(at).is_some_and(u8::is_ascii_digit);
    let mut at = DIGITS - 1;
    while at < text.len() {
        if digit(at) && (digit(at - DIGITS / 2) || digit(at + DIGITS / 2)) {
            let is_digit = |byte: &&u8| byte.is_ascii_digit();
            let before = text[..at].iter().rev().take_while(is_digit).count();
            let from = text[at..].iter().take_while(is_digit).count();
            if before + from >= DIGITS {
                return !exact();
            }
            at += from;
        }
        at += DIGITS;
    }
    false
}

/// The integer literals of a JSON text that serde_json reads as rounded
/// `f64`s, in document order, unless this build keeps numbers exactly.
/// Text that is not JSON gives what was found before the fault.
pub(crate) fn rounded(text: &[u8]) -> Vec<Rounded> {
    if !may_round(text) {
        return Vec::new();
    }
    let mut scanner = Scanner {
        text,
        at: 0,
        path: Vec::new(),
        found: Vec::new(),
    };
    scanner.value();
    scanner.found
}

/// A reader of JSON text that only keeps the path to where it is and the
/// rounded literals it meets; serde_json has already checked the syntax.
struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    path: Vec<String>,
    found: Vec<Rounded>,
}

impl Scanner<'_> {
    fn peek(&mut self) -> Option<u8> {
        while let Some(byte) = self.text.get(self.at) {
            if !byte.is_ascii_whitespace() {
                return Some(*byte);
            }
            self.at += 1;
        }
        None
    }

    /// Reads one value; false when the text ends or is not JSON.
    fn value(&mut self) -> bool {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().is_some(),
            Some(b'-' | b'0'..=b'9') => {
                self.number();
                true
            }
            Some(b't' | b'f' | b'n') => {
                self.at += self.text[self.at..]
                    .iter()
                    .take_while(|byte| byte.is_ascii_alphabetic())
                    .count();
                true
            }
            _ => false,
        }
    }

    fn object(&mut self) -> bool {
        if self.empty(b'}') {
            return true;
        }
        loop {
            if self.peek() != Some(b'"') {
                return false;
            }
            let Some(key) = self.string() else {
                return false;
            };
            if self.peek() != Some(b':') {
                return false;
            }
            self.at += 1;
            match self.entry(key, b'}') {
                Some(true) => {}
                Some(false) => return true,
                None => return false,
            }
        }
    }

    fn array(&mut self) -> bool {
        if self.empty(b']') {
            return true;
        }
        for index in 0.. {
            match self.entry(index.to_string(), b']') {
                Some(true) => {}
                Some(false) => return true,
                None => return false,
            }
        }
        false
    }

    /// Steps into an object or array: whether it closes at once.
    fn empty(&mut self, close: u8) -> bool {
        self.at += 1;
        let empty = self.peek() == Some(close);
        if empty {
            self.at += 1;
        }
        empty
    }

    /// Reads the value of a member or item at `segment` of the path, and
    /// what follows it: whether more entries come, or `None` when the text
    /// is not JSON.
    fn entry(&mut self, segment: String, close: u8) -> Option<bool> {
        self.path.push(segment);
        let read = self.value();
        self.path.pop();
        if !read {
            return None;
        }
        let next = self.peek()?;
        self.at += 1;
        match next {
            b',' => Some(true),
            _ if next == close => Some(false),
            _ => None,
        }
    }

    /// A string from its opening quote, unescaped for a path segment.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.text.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        let quoted = std::str::from_utf8(&self.text[start..self.at]).ok()?;
        serde_json::from_str(quoted).ok()
    }

    fn number(&mut self) {
        let start = self.at;
        let length = self.text[start..]
            .iter()
            .take_while(|byte| matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
            .count();
        self.at += length;
        let literal = &self.text[start..self.at];
        let integer = !literal
            .iter()
            .any(|byte| matches!(byte, b'.' | b'e' | b'E'));
        let digits = literal.iter().filter(|byte| byte.is_ascii_digit()).count();
        if integer && digits >= DIGITS && !fits_an_integer(literal) {
            self.found.push(Rounded {
                path: self.path.join("."),
                literal: String::from_utf8_lossy(literal).into_owned(),
            });
        }
    }
}

/// Whether serde_json reads an integer literal as an `i64` or a `u64`.
fn fits_an_integer(literal: &[u8]) -> bool {
    let Ok(literal) = std::str::from_utf8(literal) else {
        return false;
    };
    literal.parse::<u64>().is_ok() || literal.parse::<i64>().is_ok()
}

impl Schema {
    /// Refuses a document whose text holds an integer literal that
    /// serde_json, in this build, reads as a rounded `f64`: the check a
    /// route that writes a migrated document back as text makes, so that
    /// no number comes out different from the one that went in.
    ///
    /// `version` is the document's own, for the error. A build with
    /// serde_json's `arbitrary_precision` feature keeps every number
    /// exactly, and the check passes. Looking costs next to nothing on a
    /// document without a run of 19 digits.
    ///
    /// ```
    /// use palimpsest::{Error, Schema, Step};
    ///
    /// let schema = Schema::semver("Config", "0.2.0")
    ///     .step(Step::new("0.1.0", "0.2.0").rename("size", "capacity"))
    ///     .build()?;
    /// let version = schema.parse_version("0.1.0")?;
    ///
    /// schema.check_numbers(r#"{"size": 18446744073709551615, "big": 1e20}"#, &version)?;
    /// let err = schema
    ///     .check_numbers(r#"{"size": 123456789012345678901234567890}"#, &version)
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::InexactNumber { ref path, .. } if path == "size"));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "`Config`: document at version 0.1.0 holds the integer 123456789012345678901234567890 at `size`, which would be migrated as 1.2345678901234568e29; enable serde_json's `arbitrary_precision` feature to keep it exact"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InexactNumber`] for the first such literal, with its path.
    pub fn check_numbers(&self, text: &str, version: &Version) -> Result<(), Error> {
        match rounded(text.as_bytes()).into_iter().next() {
            Some(found) => Err(self.inexact(found, version)),
            None => Ok(()),
        }
    }

    fn inexact(&self, found: Rounded, version: &Version) -> Error {
        Error::InexactNumber {
            type_name: self.type_name(),
            version: version.clone(),
            path: found.path,
            literal: found.literal,
            digits_seen: true,
        }
    }
}

/// Refuses a document read from `text` when its migration would keep a
/// rounded integer under one of palimpsest's own `legacy_*` keys: a value
/// no field of the user's holds, which palimpsest carries from the old
/// text to the new. The user's own `Value` and `f64` fields get what
/// serde_json gives them, on a current document as on an old one.
///
/// Only a migrated document whose text may hold such a literal is looked
/// at again, as a tree migrated a second time, which says where each value
/// went: the streamed read keeps no such record.
pub(crate) fn check_carried(schema: &Schema, text: &[u8], report: &Report) -> Result<(), Error> {
    if !report.migrated() {
        return Ok(());
    }
    let found = rounded(text);
    if found.is_empty() {
        return Ok(());
    }
    let Ok(mut tree) = serde_json::from_slice::<Value>(text) else {
        return Ok(());
    };
    if schema.migrate(&mut tree).is_err() {
        return Ok(());
    }
    let mut carried = Vec::new();
    if let Value::Object(object) = &tree {
        legacy_floats(object, false, &mut Vec::new(), &mut carried);
    }
    let inexact = found
        .into_iter()
        .find(|rounded| carried.iter().any(|(_, float)| *float == rounded.value()));
    match inexact {
        Some(found) => Err(schema.inexact(found, &report.from)),
        None => Ok(()),
    }
}

/// The smallest magnitude of an `f64` that no `i64` or `u64` holds and
/// that serde_json reads an integer literal as: 2^63 (`i64::MIN` is read as
/// an `i64`, and its negation as a `u64`).
const BEYOND_INTEGERS: f64 = 9_223_372_036_854_775_808.0;

/// Refuses a migrated object (the metadata and what else a read holds
/// back) that carries under a `legacy_*` key an integral float beyond
/// 64-bit integers, for a reader that was handed floats, not text: it
/// cannot tell `1e20` from a 30-digit integer serde_json rounded, and
/// refuses both, unless this build keeps numbers exactly. Called after a
/// migration only, on what it kept.
pub(crate) fn check_suspect(
    schema: &Schema,
    object: &Map<String, Value>,
    version: &Version,
) -> Result<(), Error> {
    // Almost every migrated object holds no such float: it is searched
    // for one first, with no path written, which only a refusal needs.
    if exact() || !any_suspect_in(object, false) {
        return Ok(());
    }
    let mut floats = Vec::new();
    legacy_floats(object, false, &mut Vec::new(), &mut floats);
    let suspect = floats.into_iter().find(|&(_, float)| suspect(float));
    match suspect {
        Some((path, float)) => Err(Error::InexactNumber {
            type_name: schema.type_name(),
            version: version.clone(),
            path,
            literal: format!("{float:e}"),
            digits_seen: false,
        }),
        None => Ok(()),
    }
}

/// An integral float beyond 64-bit integers: what a rounded integer
/// literal looks like once serde_json has read it as a float.
fn suspect(float: f64) -> bool {
    float.abs() >= BEYOND_INTEGERS && float.fract() == 0.0
}

/// Whether a value of `object` under a `legacy_*` key (`under_legacy`:
/// `object` itself is) is a [`suspect`] float.
fn any_suspect_in(object: &Map<String, Value>, under_legacy: bool) -> bool {
    object
        .iter()
        .any(|(key, item)| any_suspect(item, under_legacy || key.starts_with("legacy_")))
}

/// [`any_suspect_in`] of one value.
fn any_suspect(value: &Value, under_legacy: bool) -> bool {
    match value {
        Value::Number(number) => {
            under_legacy && number.is_f64() && number.as_f64().is_some_and(suspect)
        }
        Value::Array(items) => items.iter().any(|item| any_suspect(item, under_legacy)),
        Value::Object(object) => any_suspect_in(object, under_legacy),
        _ => false,
    }
}

/// A step of the path to a value: a key of an object or an index of an array.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Each float of `object`'s values that stands under a `legacy_*` key
/// (`under_legacy`: `object` itself does), with its dotted path from
/// `object`, in the tree's order.
fn legacy_floats<'a>(
    object: &'a Map<String, Value>,
    under_legacy: bool,
    path: &mut Vec<Step<'a>>,
    found: &mut Vec<(String, f64)>,
) {
    for (key, item) in object {
        path.push(Step::Key(key));
        legacy_floats_of(
            item,
            under_legacy || key.starts_with("legacy_"),
            path,
            found,
        );
        path.pop();
    }
}

/// [`legacy_floats`] of one value.
fn legacy_floats_of<'a>(
    value: &'a Value,
    under_legacy: bool,
    path: &mut Vec<Step<'a>>,
    found: &mut Vec<(String, f64)>,
) {
    match value {
        Value::Number(number) if under_legacy && number.is_f64() => {
            if let Some(float) = number.as_f64() {
                let steps: Vec<String> = path
                    .iter()
                    .map(|step| match step {
                        Step::Key(key) => (*key).to_owned(),
                        Step::Index(at) => at.to_string(),
                    })
                    .collect();
                found.push((steps.join("."), float));
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                path.push(Step::Index(at));
                legacy_floats_of(item, under_legacy, path, found);
                path.pop();
            }
        }
        Value::Object(object) => legacy_floats(object, under_legacy, path, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<(String, String)> {
        rounded(text.as_bytes())
            .into_iter()
            .map(|found| (found.path, found.literal))
            .collect()
    }

    #[test]
    fn only_integers_beyond_i64_and_u64_are_found() {
        if exact() {
            return;
        }
        let text = r#"{"a": [1, 18446744073709551615, -9223372036854775808,
            18446744073709551616, {"b\"c": -9223372036854775809}],
            "float": 123456789012345678901234567890.0, "exp": 1e30,
            "text": "123456789012345678901234567890",
            "d": 123456789012345678901234567890}"#;
        assert_eq!(
            paths(text),
            [
                ("a.3".to_owned(), "18446744073709551616".to_owned()),
                ("a.4.b\"c".to_owned(), "-9223372036854775809".to_owned()),
                ("d".to_owned(), "123456789012345678901234567890".to_owned()),
            ]
        );
    }

    #[test]
    fn a_run_of_digits_is_seen_wherever_it_starts() {
        if exact() {
            return;
        }
        let digits = "18446744073709551616";
        for padding in 0..40 {
            let text = format!("{}{digits}", " ".repeat(padding));
            assert_eq!(
                paths(&text),
                [(String::new(), digits.to_owned())],
                "{padding}"
            );
            let short = format!("{}184467440737095516", " ".repeat(padding));
            assert!(!may_round(short.as_bytes()), "{padding}");
        }
    }

    #[test]
    fn the_rounded_value_is_what_serde_json_reads() {
        let found = Rounded {
            path: String::new(),
            literal: "123456789012345678901234567890".to_owned(),
        };
        let read: Value = serde_json::from_str(&found.literal).unwrap();
        if !exact() {
            assert_eq!(read.as_f64(), Some(found.value()));
        }
    }
}
