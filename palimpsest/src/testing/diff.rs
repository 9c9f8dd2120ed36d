//! The "no value lost" check: every leaf of the old document must still be
//! somewhere in the migrated one.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use serde_json::Value;

/// A value of an old document that is nowhere in the migrated one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LostValue {
    /// Where it stood in the old document, as `execution_steps[2].observation`.
    pub path: String,
    /// The value.
    pub value: Value,
}

impl fmt::Display for LostValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.path, self.value)
    }
}

/// One step of the way to a leaf.
#[derive(Clone, Copy)]
pub(super) enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// A leaf, compared as JSON means it: `1` and `1.0` are the same number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Scalar<'a> {
    Bool(bool),
    Integer(i128),
    Float(u64),
    Str(&'a str),
}

impl<'a> Scalar<'a> {
    fn of(value: &'a Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::String(s) => Some(Scalar::Str(s)),
            Value::Number(n) => Some(if let Some(i) = n.as_i64() {
                Scalar::Integer(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Scalar::Integer(i128::from(u))
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                // An integral float within i64 is the integer it spells;
                // the cast is exact there.
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Scalar::Integer(f as i128)
                } else {
                    Scalar::Float(f.to_bits())
                }
            }),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
}

pub(super) struct Leaf<'a> {
    pub(super) path: Vec<Segment<'a>>,
    pub(super) value: &'a Value,
    pub(super) scalar: Scalar<'a>,
}

pub(super) fn leaves<'a>(value: &'a Value, path: &mut Vec<Segment<'a>>, out: &mut Vec<Leaf<'a>>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                path.push(Segment::Key(key));
                leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                leaves(child, path, out);
                path.pop();
            }
        }
        other => {
            if let Some(scalar) = Scalar::of(other) {
                out.push(Leaf {
                    path: path.clone(),
                    value: other,
                    scalar,
                });
            }
        }
    }
}

fn at<'a>(mut value: &'a Value, path: &[Segment<'_>]) -> Option<&'a Value> {
    for segment in path {
        value = match segment {
            Segment::Key(key) => value.get(key)?,
            Segment::Index(index) => value.get(index)?,
        };
    }
    Some(value)
}

pub(super) fn render(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if is_identifier(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(key) => {
                let quoted = serde_json::to_string(key).unwrap_or_default();
                let _ = write!(out, "[{quoted}]");
            }
            Segment::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What [`find_lost`] found.
pub(super) struct Outcome {
    /// How many leaves the old document has.
    pub(super) values: usize,
    /// The leaves the new one does not hold.
    pub(super) lost: Vec<LostValue>,
}

/// The leaves of `old` that `new` does not hold, counting repeats.
///
/// A leaf still at its own path is matched there first, so that the path a
/// lost value is reported at is the one that really changed, not an
/// unrelated place that held the same value.
pub(super) fn find_lost(old: &Value, new: &Value) -> Outcome {
    let mut old_leaves = Vec::new();
    leaves(old, &mut Vec::new(), &mut old_leaves);
    let mut new_leaves = Vec::new();
    leaves(new, &mut Vec::new(), &mut new_leaves);

    let mut available: HashMap<Scalar<'_>, usize> = HashMap::new();
    for leaf in &new_leaves {
        *available.entry(leaf.scalar).or_default() += 1;
    }
    let mut unmatched = Vec::new();
    for leaf in &old_leaves {
        let in_place = at(new, &leaf.path).and_then(Scalar::of) == Some(leaf.scalar);
        if in_place {
            if let Some(count) = available.get_mut(&leaf.scalar) {
                *count = count.saturating_sub(1);
            }
        } else {
            unmatched.push(leaf);
        }
    }
    let mut lost = Vec::new();
    for leaf in unmatched {
        match available.get_mut(&leaf.scalar) {
            Some(count) if *count > 0 => *count -= 1,
            _ => lost.push(LostValue {
                path: render(&leaf.path),
                value: leaf.value.clone(),
            }),
        }
    }
    Outcome {
        values: old_leaves.len(),
        lost,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_value_that_moved_is_not_lost() {
        let old = json!({"a": {"b": "x"}, "n": 1, "odd key": true});
        let new = json!({"moved": ["x"], "n": 1.0, "kept": {"odd key": true}});
        assert!(find_lost(&old, &new).lost.is_empty());
        let outcome = find_lost(&json!({"odd key": [false, null, {}]}), &json!({}));
        assert_eq!(outcome.values, 1);
        assert_eq!(outcome.lost[0].path, r#"["odd key"][0]"#);
    }
}
