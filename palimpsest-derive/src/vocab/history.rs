//! The rules a version history keeps, one function each, headed by the
//! rule: what `SchemaBuilder::build` checks at run time, and what
//! `#[versioned]` checks at compile time, both through this code.

use std::fmt;

use super::path::ObjectPath;
use super::version::Version;

/// The outline of a version history: what the rules look at.
pub struct Outline<'a> {
    /// The version of documents without a version key.
    pub legacy: &'a Version,
    /// The version documents are written with.
    pub current: &'a Version,
    /// The key the version is stored under.
    pub key: &'a str,
    /// Where migration history and preserved values go, if anywhere.
    pub metadata: Option<&'a ObjectPath>,
    /// The steps, in the order they were given.
    pub steps: &'a [StepEnds<'a>],
}

/// What the rules see of one step.
pub struct StepEnds<'a> {
    /// The version it starts from.
    pub from: &'a Version,
    /// The version it leads to.
    pub to: &'a Version,
    /// Whether it moves a removed field's value into the metadata object.
    pub preserves: bool,
}

/// A rule of version histories that a definition breaks. A step is named by
/// its index in the order the steps were given, and by its versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionError {
    /// A version at or before the legacy version, which only documents
    /// without a version key have.
    NotAfterLegacy { version: Version, legacy: Version },
    /// A version after the current one.
    AfterCurrent { version: Version, current: Version },
    /// A step whose `to` is not after its `from`.
    NotForward {
        step: usize,
        from: Version,
        to: Version,
    },
    /// A step that starts before the legacy version.
    StartsBeforeLegacy {
        step: usize,
        from: Version,
        to: Version,
        legacy: Version,
    },
    /// A step that leads past the current version.
    EndsAfterCurrent {
        step: usize,
        from: Version,
        to: Version,
        current: Version,
    },
    /// A step from a version the history does not name.
    UnknownFrom {
        step: usize,
        from: Version,
        known: Vec<Version>,
    },
    /// A step over a version of the history.
    Skips {
        step: usize,
        from: Version,
        to: Version,
        skipped: Version,
    },
    /// A step with the ends of an earlier one.
    Duplicate {
        step: usize,
        first: usize,
        from: Version,
        to: Version,
    },
    /// A step that preserves a value in a history without a metadata path.
    PreserveWithoutMetadata {
        step: usize,
        from: Version,
        to: Version,
    },
    /// A metadata path that is not dotted field names.
    MalformedMetadataPath { path: String },
    /// An empty version key.
    EmptyKey,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefinitionError::NotAfterLegacy { version, legacy } => write!(
                f,
                "version {version} is not after the legacy version {legacy} given to documents without a version key"
            ),
            DefinitionError::AfterCurrent { version, current } => {
                write!(f, "version {version} is after the current version {current}")
            }
            DefinitionError::NotForward { from, to, .. } => write!(
                f,
                "step from {from} to {to} does not go forward; `to` must be after `from`"
            ),
            DefinitionError::StartsBeforeLegacy {
                from, to, legacy, ..
            } => write!(
                f,
                "step from {from} to {to} starts before the legacy version {legacy}"
            ),
            DefinitionError::EndsAfterCurrent {
                from, to, current, ..
            } => write!(
                f,
                "step from {from} to {to} leads past the current version {current}"
            ),
            DefinitionError::UnknownFrom { from, known, .. } => {
                write!(
                    f,
                    "step from {from}: no such version in the history of this type, which names "
                )?;
                for (i, version) in known.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    fmt::Display::fmt(version, f)?;
                }
                Ok(())
            }
            DefinitionError::Skips {
                from, to, skipped, ..
            } => write!(
                f,
                "step from {from} to {to} skips version {skipped}; steps go from one version to the next"
            ),
            DefinitionError::Duplicate { from, to, .. } => write!(
                f,
                "a second step from {from} to {to}; join the two into one"
            ),
            DefinitionError::PreserveWithoutMetadata { from, to, .. } => write!(
                f,
                "step from {from} to {to} preserves a field but the schema has no metadata path"
            ),
            DefinitionError::MalformedMetadataPath { path } => write!(
                f,
                "metadata path {path:?} is malformed; expected dotted field names such as \"context.metadata\""
            ),
            DefinitionError::EmptyKey => f.write_str("the version key must not be empty"),
        }
    }
}

impl std::error::Error for DefinitionError {}

/// Every rule of a schema's history, first broken first: what
/// `SchemaBuilder::build` checks, and what `#[versioned]` checks on the
/// history it generates, so the generated schema needs no check at run
/// time.
pub fn check_history(outline: &Outline<'_>) -> Result<(), DefinitionError> {
    check_after_legacy(outline.current, outline.legacy)?;
    check_key(outline.key)?;
    for (index, step) in outline.steps.iter().enumerate() {
        check_step(index, step, outline.legacy, outline.current)?;
        check_unique(outline.steps, index)?;
        check_preserve_has_metadata(index, step, outline.metadata.is_some())?;
    }
    Ok(())
}

/// A version a history names comes after the legacy version, which only
/// documents without a version key have.
pub fn check_after_legacy(version: &Version, legacy: &Version) -> Result<(), DefinitionError> {
    if version > legacy {
        return Ok(());
    }
    Err(DefinitionError::NotAfterLegacy {
        version: version.clone(),
        legacy: legacy.clone(),
    })
}

/// No version comes after the current one.
pub fn check_not_after_current(
    version: &Version,
    current: &Version,
) -> Result<(), DefinitionError> {
    if version <= current {
        return Ok(());
    }
    Err(DefinitionError::AfterCurrent {
        version: version.clone(),
        current: current.clone(),
    })
}

/// The version key is a key of its own, so not empty.
pub fn check_key(key: &str) -> Result<(), DefinitionError> {
    if key.is_empty() {
        return Err(DefinitionError::EmptyKey);
    }
    Ok(())
}

/// The metadata path is dotted field names.
pub fn parse_metadata_path(text: &str) -> Result<ObjectPath, DefinitionError> {
    ObjectPath::parse(text).ok_or_else(|| DefinitionError::MalformedMetadataPath {
        path: text.to_owned(),
    })
}

/// A step goes forward, starting at the legacy version or later and leading
/// to the current version or earlier.
pub fn check_step(
    index: usize,
    step: &StepEnds<'_>,
    legacy: &Version,
    current: &Version,
) -> Result<(), DefinitionError> {
    let (from, to) = (step.from.clone(), step.to.clone());
    if step.from >= step.to {
        return Err(DefinitionError::NotForward {
            step: index,
            from,
            to,
        });
    }
    if step.to > current {
        return Err(DefinitionError::EndsAfterCurrent {
            step: index,
            from,
            to,
            current: current.clone(),
        });
    }
    if step.from < legacy {
        return Err(DefinitionError::StartsBeforeLegacy {
            step: index,
            from,
            to,
            legacy: legacy.clone(),
        });
    }
    Ok(())
}

/// A step goes from a version of the history to the next one. `versions`
/// is every version of the history, oldest first. The macro's histories
/// keep this rule; a schema built by hand may also take a shortcut over
/// versions its other steps go through.
pub fn check_next(
    index: usize,
    step: &StepEnds<'_>,
    versions: &[Version],
) -> Result<(), DefinitionError> {
    let Ok(position) = versions.binary_search(step.from) else {
        return Err(DefinitionError::UnknownFrom {
            step: index,
            from: step.from.clone(),
            known: versions.to_vec(),
        });
    };
    match versions.get(position + 1) {
        Some(next) if next < step.to => Err(DefinitionError::Skips {
            step: index,
            from: step.from.clone(),
            to: step.to.clone(),
            skipped: next.clone(),
        }),
        _ => Ok(()),
    }
}

/// One step per pair of versions: a second would leave the engine to pick
/// one of them.
pub fn check_unique(steps: &[StepEnds<'_>], index: usize) -> Result<(), DefinitionError> {
    let Some(step) = steps.get(index) else {
        return Ok(());
    };
    let earlier = steps[..index]
        .iter()
        .position(|s| s.from == step.from && s.to == step.to);
    match earlier {
        Some(first) => Err(DefinitionError::Duplicate {
            step: index,
            first,
            from: step.from.clone(),
            to: step.to.clone(),
        }),
        None => Ok(()),
    }
}

/// A step that preserves a removed field's value has a metadata object to
/// put it in.
pub fn check_preserve_has_metadata(
    index: usize,
    step: &StepEnds<'_>,
    has_metadata: bool,
) -> Result<(), DefinitionError> {
    if has_metadata || !step.preserves {
        return Ok(());
    }
    Err(DefinitionError::PreserveWithoutMetadata {
        step: index,
        from: step.from.clone(),
        to: step.to.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::version::Scheme;
    use super::*;

    fn v(text: &str) -> Version {
        Scheme::Semver.parse(text).unwrap()
    }

    fn ends<'a>(from: &'a Version, to: &'a Version) -> StepEnds<'a> {
        StepEnds {
            from,
            to,
            preserves: false,
        }
    }

    #[test]
    fn a_linear_history_keeps_every_rule() {
        let [a, b, c] = [v("0.0.1"), v("0.1.0"), v("0.2.0")];
        let steps = [ends(&a, &b), ends(&b, &c)];
        let path = ObjectPath::parse("meta").unwrap();
        let outline = Outline {
            legacy: &a,
            current: &c,
            key: "schema_version",
            metadata: Some(&path),
            steps: &steps,
        };
        assert_eq!(check_history(&outline), Ok(()));
        for (index, step) in steps.iter().enumerate() {
            assert_eq!(
                check_next(index, step, &[a.clone(), b.clone(), c.clone()]),
                Ok(())
            );
        }
    }

    #[test]
    fn the_current_version_comes_after_the_legacy_one() {
        let [a, b] = [v("0.0.1"), v("0.1.0")];
        let outline = Outline {
            legacy: &b,
            current: &a,
            key: "schema_version",
            metadata: None,
            steps: &[],
        };
        let err = check_history(&outline).unwrap_err();
        assert_eq!(
            err.to_string(),
            "version 0.0.1 is not after the legacy version 0.1.0 given to documents without a version key"
        );
        assert!(check_after_legacy(&a, &a).is_err());
    }

    #[test]
    fn versions_stop_at_the_current_one() {
        assert!(check_not_after_current(&v("0.2.0"), &v("0.2.0")).is_ok());
        let err = check_not_after_current(&v("0.3.0"), &v("0.2.0")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "version 0.3.0 is after the current version 0.2.0"
        );
    }

    #[test]
    fn steps_go_forward_inside_the_history() {
        let [a, b, c, d] = [v("0.0.0"), v("0.0.1"), v("0.1.0"), v("0.2.0")];
        let check = |from, to| check_step(4, &ends(from, to), &b, &c);
        assert_eq!(
            check(&c, &b),
            Err(DefinitionError::NotForward {
                step: 4,
                from: c.clone(),
                to: b.clone()
            })
        );
        assert!(matches!(
            check(&c, &c),
            Err(DefinitionError::NotForward { .. })
        ));
        assert!(matches!(
            check(&b, &d),
            Err(DefinitionError::EndsAfterCurrent { step: 4, .. })
        ));
        assert!(matches!(
            check(&a, &c),
            Err(DefinitionError::StartsBeforeLegacy { step: 4, .. })
        ));
        assert_eq!(check(&b, &c), Ok(()));
    }

    #[test]
    fn steps_go_to_the_next_version() {
        let versions = [v("0.0.1"), v("0.1.0"), v("0.2.0")];
        let [a, b, c] = &versions;
        let err = check_next(1, &ends(a, c), &versions).unwrap_err();
        assert_eq!(
            err,
            DefinitionError::Skips {
                step: 1,
                from: a.clone(),
                to: c.clone(),
                skipped: b.clone()
            }
        );
        assert_eq!(
            err.to_string(),
            "step from 0.0.1 to 0.2.0 skips version 0.1.0; steps go from one version to the next"
        );
        let stray = v("0.1.5");
        let err = check_next(0, &ends(&stray, c), &versions).unwrap_err();
        assert_eq!(
            err.to_string(),
            "step from 0.1.5: no such version in the history of this type, which names 0.0.1, 0.1.0, 0.2.0"
        );
    }

    #[test]
    fn a_second_step_between_the_same_versions_is_named() {
        let [a, b, c] = [v("0.0.1"), v("0.1.0"), v("0.2.0")];
        let steps = [ends(&a, &b), ends(&b, &c), ends(&a, &b)];
        assert_eq!(check_unique(&steps, 1), Ok(()));
        assert_eq!(
            check_unique(&steps, 2),
            Err(DefinitionError::Duplicate {
                step: 2,
                first: 0,
                from: a.clone(),
                to: b.clone()
            })
        );
        assert_eq!(check_unique(&steps, 3), Ok(()));
    }

    #[test]
    fn preserving_needs_a_metadata_path() {
        let [a, b] = [v("0.0.1"), v("0.1.0")];
        let step = StepEnds {
            from: &a,
            to: &b,
            preserves: true,
        };
        assert!(check_preserve_has_metadata(0, &step, true).is_ok());
        let err = check_preserve_has_metadata(0, &step, false).unwrap_err();
        assert!(err.to_string().contains("no metadata path"), "{err}");
    }

    #[test]
    fn keys_and_paths_are_checked() {
        assert_eq!(check_key(""), Err(DefinitionError::EmptyKey));
        assert!(check_key("v").is_ok());
        assert_eq!(parse_metadata_path("a.b").unwrap().to_string(), "a.b");
        let err = parse_metadata_path("a..b").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("metadata path \"a..b\" is malformed"),
            "{err}"
        );
    }
}
