//! A structural diff of two JSON documents, for dry runs.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// One difference between a document before and after migration.
///
/// Paths are dotted, with `[i]` for array elements; the root is `(root)`.
///
/// ```
/// use palimpsest_bulk::{diff, Change};
/// use serde_json::json;
///
/// let changes = diff(&json!({"result": "ok", "n": 1}), &json!({"outcome": "ok", "n": 2}));
/// let shown: Vec<String> = changes.iter().map(ToString::to_string).collect();
/// assert_eq!(shown, ["~ n: 1 -> 2", "- result: \"ok\"", "+ outcome: \"ok\""]);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// A key the new document has and the old one had not.
    Added {
        /// Where.
        path: String,
        /// The new value.
        value: Value,
    },
    /// A key the old document had and the new one has not.
    Removed {
        /// Where.
        path: String,
        /// The old value.
        value: Value,
    },
    /// A value that differs.
    Changed {
        /// Where.
        path: String,
        /// The old value.
        old: Value,
        /// The new value.
        new: Value,
    },
}

/// The changes that turn `old` into `new`: objects are compared key by key,
/// arrays of the same length element by element, anything else as a whole.
/// Removed keys come before added ones, each in document order.
///
/// ```
/// use palimpsest_bulk::diff;
/// use serde_json::json;
///
/// let old = json!({"steps": [{"tool": "sh"}]});
/// let new = json!({"steps": [{"tool": "bash"}]});
/// assert_eq!(diff(&old, &new)[0].to_string(), r#"~ steps[0].tool: "sh" -> "bash""#);
/// assert!(diff(&old, &old).is_empty());
/// ```
#[must_use]
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    walk(&mut String::new(), old, new, &mut changes);
    changes
}

fn walk(path: &mut String, old: &Value, new: &Value, changes: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let len = push_key(path, key);
                match b.get(key) {
                    Some(other) => walk(path, value, other, changes),
                    None => changes.push(Change::Removed {
                        path: shown(path),
                        value: value.clone(),
                    }),
                }
                path.truncate(len);
            }
            for (key, value) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
                let len = push_key(path, key);
                changes.push(Change::Added {
                    path: shown(path),
                    value: value.clone(),
                });
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(path, x, y, changes);
                path.truncate(len);
            }
        }
        _ if old == new => {}
        _ => changes.push(Change::Changed {
            path: shown(path),
            old: old.clone(),
            new: new.clone(),
        }),
    }
}

/// Appends `.key` (or `key` at the root) and returns the length to restore.
fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
    len
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "(root)".to_owned()
    } else {
        path.to_owned()
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added { path, value } => write!(f, "+ {path}: {}", Short(value)),
            Change::Removed { path, value } => write!(f, "- {path}: {}", Short(value)),
            Change::Changed { path, old, new } => {
                write!(f, "~ {path}: {} -> {}", Short(old), Short(new))
            }
        }
    }
}

/// A value as a diff line shows it: compact JSON cut to 80 characters.
struct Short<'a>(&'a Value);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 80;
        let text = self.0.to_string();
        match text.char_indices().nth(MAX) {
            Some((cut, _)) => write!(f, "{}...", &text[..cut]),
            None => f.write_str(&text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_root_paths() {
        let changes = diff(&json!({"a": {"b": 1}}), &json!({"a": {"b": 1, "c": [1]}}));
        assert_eq!(changes[0].to_string(), "+ a.c: [1]");
        assert_eq!(
            diff(&json!(1), &json!(2))[0].to_string(),
            "~ (root): 1 -> 2"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(200);
        let shown = diff(&json!({}), &json!({ "k": long }))[0].to_string();
        assert!(shown.ends_with("...") && shown.len() < 100, "{shown}");
    }

    #[test]
    fn arrays_of_other_lengths_change_whole() {
        let changes = diff(&json!([1]), &json!([1, 2]));
        assert_eq!(changes[0].to_string(), "~ (root): [1] -> [1,2]");
    }
}
