//! Embedded types described at run time: what `#[versioned(embedded)]`
//! says with attributes, said with a builder, for a root whose [`Schema`]
//! is built by hand.
//!
//! An [`EmbeddedSchema`] is lowered, when its root's schema is built, into
//! the same [`EmbeddedHistory`] the macro builds, so the tree engine, the
//! downgrade and the reports treat both alike.

use std::collections::BTreeMap;
use std::fmt;

use super::variants::Tagging;
use super::{
    EmbeddedChecked, EmbeddedHistory, Nested, Pattern, Resolve, RootOutline, Segment, Site,
};
use crate::schema::History;
use crate::step::{Op, Step};
use crate::version::{Scheme, Version};

/// The history of a type embedded in a versioned document, for a root
/// whose [`Schema`](crate::Schema) is written by hand: the runtime form of
/// `#[versioned(embedded)]`.
///
/// An embedded type writes no version of its own: its changes are dated in
/// the versions of the root that holds it, and attached to the root with
/// [`SchemaBuilder::embedded`](crate::SchemaBuilder::embedded) under a
/// path pattern (`steps[]`). Everything the root's schema does for the
/// macro's embedded types it does for these: migration, downgrade, report
/// paths (`steps[].reasoning`), removed values kept in
/// `<metadata>.legacy_nested` under their exact paths, and keys no field
/// claims kept there too.
///
/// ```
/// use palimpsest::{EmbeddedSchema, Schema, Step};
/// use serde_json::json;
///
/// let call = EmbeddedSchema::new("ToolCall").change("0.2.0", |s| s.rename("name", "tool"));
/// let step = EmbeddedSchema::new("TraceStep")
///     .change("0.2.0", |s| s.rename("thought", "reasoning"))
///     .embedded("calls[]", call);
/// let schema = Schema::semver("Trace", "0.2.0")
///     .metadata("meta")
///     .step(Step::new("0.0.1", "0.1.0"))
///     .step(Step::new("0.1.0", "0.2.0"))
///     .embedded("steps[]", step)
///     .build()?;
///
/// let mut doc = json!({
///     "schema_version": "0.1.0",
///     "steps": [{"thought": "t", "calls": [{"name": "grep"}]}],
/// });
/// let report = schema.migrate(&mut doc)?;
/// assert_eq!(doc["steps"][0], json!({"reasoning": "t", "calls": [{"tool": "grep"}]}));
/// assert_eq!(
///     report.renamed,
///     ["steps[].calls[].name -> steps[].calls[].tool", "steps[].thought -> steps[].reasoning"]
/// );
/// # Ok::<(), palimpsest::Error>(())
/// ```
///
/// # Where its history lives
///
/// The engine reaches embedded histories as `&'static` references, the
/// form the macro's histories, built once per type in a static, have. The
/// histories of a runtime schema are therefore leaked once, when
/// [`SchemaBuilder::build`](crate::SchemaBuilder::build) lowers them: a
/// schema is built once per type and kept for the life of the program (in
/// a `static` `OnceLock`, as [`Versioned`](crate::Versioned) asks), so the
/// memory is what the schema would hold anyway. A program that builds
/// schemas with embedded types in a loop leaks each (a build that fails
/// on an embedded type leaks what it lowered before).
///
/// # Limits
///
/// - A field's name in a pattern is its current serde name; the names the
///   holder's renames give it in older versions are added by themselves.
///   A name cannot contain `.`, `[`, `]`, `{` or `}`.
/// - A type that holds itself (a tree of steps) cannot be written by
///   value: give each level its own `EmbeddedSchema`, as deep as documents
///   go.
/// - A root with embedded types reads every old document whole (as a
///   `serde_json::Value`), migrates it, then deserializes it: the types it
///   holds are plain serde, with no reader of their own.
#[must_use = "an embedded schema does nothing until attached with `SchemaBuilder::embedded`"]
pub struct EmbeddedSchema {
    type_name: &'static str,
    /// By version text, in the order written.
    changes: Vec<(String, Step)>,
    claims: Option<Vec<String>>,
    /// The embedded types it holds, by pattern relative to its objects.
    held: Vec<(String, EmbeddedSchema)>,
    positional: bool,
    tagging: Option<Representation>,
    variant_changes: Vec<(String, VariantChange)>,
    /// The struct variants whose fields change, by current variant name.
    payloads: Vec<(String, EmbeddedSchema)>,
    /// Made up for the objects between a root and a type attached deeper
    /// (`steps[].calls[]` with nothing at `steps[]`): it changes nothing.
    placeholder: bool,
}

/// How serde writes an enum, with names not yet leaked (see
/// [`Tagging`]).
enum Representation {
    External,
    Internal(String),
    Adjacent(String, String),
    Untagged,
}

impl Representation {
    fn tagging(&self) -> Tagging {
        match self {
            Representation::External => Tagging::External,
            Representation::Internal(tag) => Tagging::Internal { tag: leak(tag) },
            Representation::Adjacent(tag, content) => Tagging::Adjacent {
                tag: leak(tag),
                content: leak(content),
            },
            Representation::Untagged => Tagging::Untagged,
        }
    }
}

/// A change of an enum's variants, before its version is parsed.
enum VariantChange {
    Rename {
        old: String,
        new: String,
    },
    Added(String),
    Removed {
        name: String,
        fallback: String,
        keep: bool,
    },
}

impl fmt::Debug for EmbeddedSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<&str> = self.changes.iter().map(|(v, _)| v.as_str()).collect();
        let held: Vec<&str> = self.held.iter().map(|(p, _)| p.as_str()).collect();
        f.debug_struct("EmbeddedSchema")
            .field("type_name", &self.type_name)
            .field("changes", &versions)
            .field("held", &held)
            .finish_non_exhaustive()
    }
}

impl EmbeddedSchema {
    /// The history of the struct `type_name` (as errors name it), with no
    /// change yet.
    ///
    /// ```
    /// use palimpsest::EmbeddedSchema;
    ///
    /// let step = EmbeddedSchema::new("TraceStep");
    /// assert_eq!(step.type_name(), "TraceStep");
    /// ```
    pub fn new(type_name: &'static str) -> Self {
        EmbeddedSchema {
            type_name,
            changes: Vec::new(),
            claims: None,
            held: Vec::new(),
            positional: false,
            tagging: None,
            variant_changes: Vec::new(),
            payloads: Vec::new(),
            placeholder: false,
        }
    }

    /// The type's name, as errors show it.
    ///
    /// ```
    /// # use palimpsest::EmbeddedSchema;
    /// assert_eq!(EmbeddedSchema::new("Call").type_name(), "Call");
    /// ```
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The changes of the type's objects that take effect in `version`, a
    /// version of the root's scheme (`"0.2.0"`, or `2`), written with the
    /// operations of [`Step`] on the step `changes` is handed (whose own
    /// versions are not used). They run in the order written; several
    /// calls for one version add to it, versions may come in any order.
    ///
    /// The operations name the keys of one embedded object, as a root's
    /// steps name the document's. A hand-written [`Step::with`] sees the
    /// object; it migrates, but a downgrade through it fails, as a root's.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let step = EmbeddedSchema::new("TraceStep")
    ///     .change("0.2.0", |s| s.add("tokens", || json!(0)))
    ///     .change("0.2.0", |s| s.drop_field("scratch"));
    /// let schema = Schema::semver("Trace", "0.2.0")
    ///     .step(Step::new("0.0.1", "0.2.0"))
    ///     .embedded("steps[]", step)
    ///     .build()?;
    /// let mut doc = json!({"steps": [{"scratch": 1}]});
    /// let report = schema.migrate(&mut doc)?;
    /// assert_eq!(doc["steps"], json!([{"tokens": 0}]));
    /// assert_eq!(report.defaulted, ["steps[].tokens"]);
    /// assert_eq!(report.dropped, ["steps[].scratch"]);
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn change(
        mut self,
        version: impl fmt::Display,
        changes: impl FnOnce(Step) -> Step,
    ) -> Self {
        let version = version.to_string();
        let step = changes(Step::new("", &version));
        self.changes.push((version, step));
        self
    }

    /// The keys the type's fields read, by their current names (the older
    /// names its renames give them are claimed too). With a metadata path on the root,
    /// other keys found in its objects when a document migrates are kept in
    /// `<metadata>.legacy_nested` under their paths (`steps[0].confidence`),
    /// instead of being ignored by serde.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let schema = Schema::integer("Trace", 1)
    ///     .metadata("meta")
    ///     .step(Step::new(0, 1))
    ///     .embedded("steps[]", EmbeddedSchema::new("TraceStep").claims(["text"]))
    ///     .build()?;
    /// let mut doc = json!({"steps": [{"text": "t", "confidence": 0.9}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["meta"]["legacy_nested"], json!({"steps[0].confidence": 0.9}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn claims<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.claims = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// An embedded type this one holds, at `pattern` below its objects: a
    /// field's current name followed by `[]` for the elements of an array
    /// and `{}` for the values of an object, any number of times
    /// (`calls[]`, `by_name{}`, `grid[][]`), and further patterns after a
    /// dot (`calls[].args{}`). A field that may be `null` needs no mark:
    /// a value that is not what the pattern says is left to serde.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let call = EmbeddedSchema::new("Call").change(2, |s| s.rename("name", "tool"));
    /// let step = EmbeddedSchema::new("Step").embedded("calls{}", call);
    /// let schema = Schema::integer("Trace", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("steps[]", step)
    ///     .build()?;
    /// let mut doc = json!({"steps": [{"calls": {"a": {"name": "grep"}}}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["steps"][0]["calls"]["a"], json!({"tool": "grep"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn embedded(mut self, pattern: &str, held: EmbeddedSchema) -> Self {
        self.held.push((pattern.to_owned(), held));
        self
    }

    /// Marks the type as a positional tuple struct (`struct Span(u64,
    /// u64)`), written as an array: its changes name positions (`"2"`),
    /// each the position the element has in the array it changes: a
    /// removed element's in the array of the version before, an added
    /// one's in the array of its version. Write a version's removals last
    /// position first, then its additions first position first. Patterns
    /// of the types it holds name current positions (`"1"`).
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let span = EmbeddedSchema::new("Span")
    ///     .positional()
    ///     .change(2, |s| s.drop_field("1").add("2", || json!(0)));
    /// let schema = Schema::integer("Trace", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("span", span)
    ///     .build()?;
    /// let mut doc = json!({"span": [10, 99, 20]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["span"], json!([10, 20, 0]));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn positional(mut self) -> Self {
        self.positional = true;
        self
    }

    /// Marks the type as an externally tagged enum (serde's default): a
    /// unit variant is written as its name, the others as `{"name": ..}`.
    /// Any variant change without a tagging marks the enum so.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let status = EmbeddedSchema::new("Status")
    ///     .externally_tagged()
    ///     .rename_variant(2, "Done", "Finished");
    /// let schema = Schema::integer("Task", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("status", status)
    ///     .build()?;
    /// let mut doc = json!({"status": "Done"});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["status"], "Finished");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn externally_tagged(self) -> Self {
        self.tagging(Representation::External)
    }

    /// Marks the type as an internally tagged enum, `#[serde(tag = ..)]`:
    /// `{"<tag>": "name", ..fields}`.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let event = EmbeddedSchema::new("Event")
    ///     .internally_tagged("type")
    ///     .rename_variant(2, "Call", "ToolCall")
    ///     .variant("ToolCall", EmbeddedSchema::new("ToolCall").change(2, |s| s.rename("name", "tool")));
    /// let schema = Schema::integer("Log", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("events[]", event)
    ///     .build()?;
    /// let mut doc = json!({"events": [{"type": "Call", "name": "grep"}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["events"][0], json!({"type": "ToolCall", "tool": "grep"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn internally_tagged(self, tag: &str) -> Self {
        self.tagging(Representation::Internal(tag.to_owned()))
    }

    /// Marks the type as an adjacently tagged enum, `#[serde(tag = ..,
    /// content = ..)]`: `{"<tag>": "name", "<content>": ..}`.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let event = EmbeddedSchema::new("Event")
    ///     .adjacently_tagged("t", "c")
    ///     .rename_variant(2, "Note", "Comment");
    /// let schema = Schema::integer("Log", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("events[]", event)
    ///     .build()?;
    /// let mut doc = json!({"events": [{"t": "Note", "c": "hi"}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["events"][0], json!({"t": "Comment", "c": "hi"}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn adjacently_tagged(self, tag: &str, content: &str) -> Self {
        self.tagging(Representation::Adjacent(tag.to_owned(), content.to_owned()))
    }

    /// Marks the type as an untagged enum: only its variants' payloads
    /// change, each object with the first struct variant whose fields
    /// claim every key it has (give them [`EmbeddedSchema::claims`]).
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let shape = EmbeddedSchema::new("Shape").untagged().variant(
    ///     "Circle",
    ///     EmbeddedSchema::new("Circle").claims(["radius"]).change(2, |s| s.rename("r", "radius")),
    /// );
    /// let schema = Schema::integer("Drawing", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("shapes[]", shape)
    ///     .build()?;
    /// let mut doc = json!({"shapes": [{"r": 1}]});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["shapes"][0], json!({"radius": 1}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn untagged(self) -> Self {
        self.tagging(Representation::Untagged)
    }

    fn tagging(mut self, tagging: Representation) -> Self {
        self.tagging = Some(tagging);
        self
    }

    /// In `version`, the variant named `old` is named `new`. Of several
    /// old names of one variant in one version, a downgrade writes the one
    /// given last.
    ///
    /// See [`EmbeddedSchema::externally_tagged`] for an example.
    pub fn rename_variant(self, version: impl fmt::Display, old: &str, new: &str) -> Self {
        self.variant_change(
            version,
            VariantChange::Rename {
                old: old.to_owned(),
                new: new.to_owned(),
            },
        )
    }

    /// The variant `name` exists from `version` on: a downgrade to an older
    /// version of a value naming it fails.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Error, Schema, Step, Version};
    /// use serde_json::json;
    ///
    /// let status = EmbeddedSchema::new("Status").add_variant(2, "Paused");
    /// let schema = Schema::integer("Task", 2)
    ///     .step(Step::new(0, 1))
    ///     .step(Step::new(1, 2))
    ///     .embedded("status", status)
    ///     .build()?;
    /// let mut doc = json!({"schema_version": 2, "status": "Paused"});
    /// let err = schema.downgrade(&mut doc, &Version::integer(1)).unwrap_err();
    /// assert!(matches!(err, Error::Irreversible { .. }), "{err}");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn add_variant(self, version: impl fmt::Display, name: &str) -> Self {
        self.variant_change(version, VariantChange::Added(name.to_owned()))
    }

    /// The variant `name` is gone from `version` on: a value naming it
    /// becomes the unit variant `fallback` (named as in `version`), and the
    /// value it was is kept in the root's `<metadata>.legacy_nested` under
    /// its path, from which a downgrade restores it.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let status = EmbeddedSchema::new("Status").remove_variant(2, "Stalled", "Unknown");
    /// let schema = Schema::integer("Task", 2)
    ///     .metadata("meta")
    ///     .step(Step::new(0, 2))
    ///     .embedded("status", status)
    ///     .build()?;
    /// let mut doc = json!({"status": {"Stalled": {"since": 3}}});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["status"], "Unknown");
    /// assert_eq!(doc["meta"]["legacy_nested"]["status"], json!({"Stalled": {"since": 3}}));
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn remove_variant(self, version: impl fmt::Display, name: &str, fallback: &str) -> Self {
        self.variant_change(
            version,
            VariantChange::Removed {
                name: name.to_owned(),
                fallback: fallback.to_owned(),
                keep: true,
            },
        )
    }

    /// As [`EmbeddedSchema::remove_variant`], but the value it was is
    /// dropped: no metadata path is needed, and no downgrade restores it.
    ///
    /// ```
    /// use palimpsest::{EmbeddedSchema, Schema, Step};
    /// use serde_json::json;
    ///
    /// let status = EmbeddedSchema::new("Status").drop_variant(2, "Stalled", "Unknown");
    /// let schema = Schema::integer("Task", 2)
    ///     .step(Step::new(0, 2))
    ///     .embedded("status", status)
    ///     .build()?;
    /// let mut doc = json!({"status": "Stalled"});
    /// schema.migrate(&mut doc)?;
    /// assert_eq!(doc["status"], "Unknown");
    /// # Ok::<(), palimpsest::Error>(())
    /// ```
    pub fn drop_variant(self, version: impl fmt::Display, name: &str, fallback: &str) -> Self {
        self.variant_change(
            version,
            VariantChange::Removed {
                name: name.to_owned(),
                fallback: fallback.to_owned(),
                keep: false,
            },
        )
    }

    fn variant_change(mut self, version: impl fmt::Display, change: VariantChange) -> Self {
        self.tagging.get_or_insert(Representation::External);
        self.variant_changes.push((version.to_string(), change));
        self
    }

    /// The fields of the struct variant named `name` (its current name)
    /// change as `payload` says; its older names come from the variant
    /// renames. See [`EmbeddedSchema::internally_tagged`] for an example.
    pub fn variant(mut self, name: &str, payload: EmbeddedSchema) -> Self {
        self.tagging.get_or_insert(Representation::External);
        self.payloads.push((name.to_owned(), payload));
        self
    }

    /// Lowers it into the history the engine reads, with its versions in
    /// the root's `scheme`, at `at` (its pattern from the root, for
    /// errors).
    fn lower(self, scheme: Scheme, at: &str) -> Result<&'static EmbeddedHistory, String> {
        let fail =
            |reason: String| format!("embedded type `{}` at `{at}`: {reason}", self.type_name);
        if self.tagging.is_some() && !self.held.is_empty() {
            return Err(fail(
                "an enum holds embedded types in its variants' payloads: attach them with `variant`, not `embedded`".to_owned(),
            ));
        }
        if self.tagging.is_some() && self.positional {
            return Err(fail("an enum is not a positional tuple struct".to_owned()));
        }
        let mut changes: BTreeMap<Version, Vec<Op>> = BTreeMap::new();
        for (text, step) in self.changes {
            if let Some(message) = crate::ops::moves::malformed(&step.ops) {
                return Err(fail(message));
            }
            let version = parse_version(scheme, &text).map_err(&fail)?;
            changes.entry(version).or_default().extend(step.ops);
        }
        let renames = renames(changes.values().flatten());
        let mut checked = EmbeddedChecked::new(self.type_name);
        if self.positional {
            checked = checked.elements();
        }
        if let Some(representation) = &self.tagging {
            checked = checked.tagging(representation.tagging());
        }
        let mut variant_renames = Vec::new();
        for (text, change) in self.variant_changes {
            let version = parse_version(scheme, &text).map_err(&fail)?;
            checked = match change {
                VariantChange::Rename { old, new } => {
                    variant_renames.push((old.clone(), new.clone()));
                    checked.rename_variant(version, leak(&old), leak(&new))
                }
                VariantChange::Added(name) => checked.add_variant(version, leak(&name)),
                VariantChange::Removed {
                    name,
                    fallback,
                    keep,
                } => checked.remove_variant(version, leak(&name), leak(&fallback), keep),
            };
        }
        for (version, ops) in changes {
            checked = checked.change(
                version,
                Step {
                    from: String::new(),
                    to: String::new(),
                    ops,
                },
            );
        }
        if let Some(claims) = self.claims {
            // A key is claimed under its older names too, as the macro's
            // claims are: an old object names them until its renames run.
            let mut keys: Vec<&'static str> = Vec::new();
            for key in &claims {
                keys.extend(names_of(key, &renames).iter().copied());
            }
            checked = checked.claims(Vec::leak(keys));
        }
        let mut sites = lower_held(self.held, &renames, scheme, at)?;
        for (name, payload) in self.payloads {
            let history = payload.lower(scheme, &format!("{at}({name})"))?;
            sites.push(Site {
                at: Pattern {
                    names: names_of(&name, &variant_renames),
                    below: Vec::new(),
                },
                history: Resolve::Built(history),
                reshaped: Vec::new(),
            });
        }
        checked.0.sites = sites;
        Ok(Box::leak(Box::new(checked.build())))
    }
}

/// The sites of the embedded types attached under an object at `at` (the
/// root's: empty), whose own changes include `renames`: patterns parsed,
/// deeper ones grouped under the type at their first part (a placeholder
/// that changes nothing where none is attached), histories lowered.
fn lower_held(
    held: Vec<(String, EmbeddedSchema)>,
    renames: &[(String, String)],
    scheme: Scheme,
    at: &str,
) -> Result<Vec<Site>, String> {
    let mut direct: Vec<(Part, EmbeddedSchema)> = Vec::new();
    for (text, schema) in held {
        let mut parts = parse_pattern(&text).map_err(|reason| {
            format!(
                "embedded type `{}`: malformed pattern `{}`: {reason}",
                schema.type_name,
                joined(at, &text)
            )
        })?;
        let first = parts.remove(0);
        let index = direct.iter().position(|(part, _)| *part == first);
        if parts.is_empty() {
            match index {
                Some(index) if !direct[index].1.placeholder => {
                    return Err(format!(
                        "embedded types `{}` and `{}` are both attached at `{}`",
                        direct[index].1.type_name,
                        schema.type_name,
                        joined(at, &first.to_string())
                    ));
                }
                Some(index) => {
                    let placeholder = std::mem::replace(&mut direct[index].1, schema);
                    direct[index].1.held.extend(placeholder.held);
                }
                None => direct.push((first, schema)),
            }
            continue;
        }
        let index = index.unwrap_or_else(|| {
            let mut placeholder = EmbeddedSchema::new(leak(&joined(at, &first.to_string())));
            placeholder.placeholder = true;
            direct.push((first, placeholder));
            direct.len() - 1
        });
        let rest: Vec<String> = parts.iter().map(Part::to_string).collect();
        direct[index].1.held.push((rest.join("."), schema));
    }
    direct
        .into_iter()
        .map(|(part, schema)| {
            let history = schema.lower(scheme, &joined(at, &part.to_string()))?;
            Ok(Site {
                at: Pattern {
                    names: names_of(&part.name, renames),
                    below: part.below,
                },
                history: Resolve::Built(history),
                reshaped: Vec::new(),
            })
        })
        .collect()
}

/// The embedded types attached to a root with
/// [`SchemaBuilder::embedded`](crate::SchemaBuilder::embedded), assembled
/// into its history as the macro's are: `Ok(None)` when there are none,
/// an error naming the type and its pattern when they do not fit.
pub(crate) fn assemble(
    history: &mut History,
    held: Vec<(String, EmbeddedSchema)>,
) -> Result<Option<Nested>, String> {
    if held.is_empty() {
        return Ok(None);
    }
    let renames = renames(history.steps.iter().flat_map(|step| &step.ops));
    let sites = lower_held(held, &renames, history.current.scheme(), "")?;
    // The current version is given explicitly: a newer embedded version
    // is a mistake. Nothing precedes the legacy version, which the check
    // of each version already enforces.
    let outline = RootOutline {
        since: history.legacy.clone(),
        explicit_version: true,
        fields: |_| {},
    };
    let nested = Nested::assemble_sites(history, &outline, sites);
    match nested.as_ref().and_then(Nested::broken) {
        Some(message) => Err(message.to_owned()),
        None => Ok(nested),
    }
}

/// One part of a pattern: a field and the containers below it.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    name: String,
    below: Vec<Segment>,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for segment in &self.below {
            f.write_str(match segment {
                Segment::Elements => "[]",
                Segment::Values => "{}",
                Segment::Optional => "",
            })?;
        }
        Ok(())
    }
}

/// `steps[].calls{}`: the parts between the dots, each a name then `[]`s
/// and `{}`s.
fn parse_pattern(text: &str) -> Result<Vec<Part>, String> {
    if text.is_empty() {
        return Err("a pattern names at least one field".to_owned());
    }
    text.split('.')
        .map(|part| {
            let end = part.find(['[', ']', '{', '}']).unwrap_or(part.len());
            let (name, mut rest) = part.split_at(end);
            if name.is_empty() {
                return Err(format!("`{part}` names no field (parts are separated by single dots)"));
            }
            let mut below = Vec::new();
            while !rest.is_empty() {
                let segment = if let Some(after) = rest.strip_prefix("[]") {
                    rest = after;
                    Segment::Elements
                } else if let Some(after) = rest.strip_prefix("{}") {
                    rest = after;
                    Segment::Values
                } else {
                    return Err(format!(
                        "`{rest}` after `{name}`: only `[]` (the elements of an array) and `{{}}` (the values of an object) may follow a field"
                    ));
                };
                below.push(segment);
            }
            Ok(Part {
                name: name.to_owned(),
                below,
            })
        })
        .collect()
}

/// `at.text`, or `text` at the root.
fn joined(at: &str, text: &str) -> String {
    if at.is_empty() {
        text.to_owned()
    } else {
        format!("{at}.{text}")
    }
}

/// A version an embedded type names, in the root's `scheme`; one of the
/// other scheme parses as such, for the assembly to name the mismatch.
fn parse_version(scheme: Scheme, text: &str) -> Result<Version, String> {
    let other = match scheme {
        Scheme::Semver => Scheme::Integer,
        Scheme::Integer => Scheme::Semver,
    };
    scheme
        .parse(text)
        .or_else(|error| other.parse(text).map_err(|_| error.to_string()))
}

/// The (old, new) names of the renames among `ops`.
fn renames<'o>(ops: impl Iterator<Item = &'o Op>) -> Vec<(String, String)> {
    ops.filter_map(|op| match op {
        Op::Rename { old, new } => Some((old.clone(), new.clone())),
        _ => None,
    })
    .collect()
}

/// The names a field or variant is read under: its current `name`, then
/// each older one `renames` (old, new) lead back to.
fn names_of(name: &str, renames: &[(String, String)]) -> &'static [&'static str] {
    let mut names = vec![name.to_owned()];
    let mut index = 0;
    while index < names.len() {
        for (old, new) in renames {
            if *new == names[index] && !names.contains(old) {
                names.push(old.clone());
            }
        }
        index += 1;
    }
    let names: Vec<&'static str> = names.iter().map(|name| leak(name)).collect();
    Vec::leak(names)
}

/// A name kept for the life of the program, with the history that holds
/// it (see "Where its history lives" on [`EmbeddedSchema`]).
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_into_fields_and_containers() {
        let parts = parse_pattern("steps[].calls{}[]").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].to_string(), "steps[]");
        assert_eq!(parts[1].below, [Segment::Values, Segment::Elements]);
        for (text, reason) in [
            ("", "at least one field"),
            ("steps..calls", "names no field"),
            ("[]", "names no field"),
            ("steps[0]", "`[0]` after `steps`"),
            ("steps[", "`[` after `steps`"),
            ("steps{}x", "`x` after"),
        ] {
            let err = parse_pattern(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn a_field_is_read_under_every_name_its_renames_gave_it() {
        let renames = [
            ("query".to_owned(), "task".to_owned()),
            ("question".to_owned(), "query".to_owned()),
        ];
        assert_eq!(names_of("task", &renames), ["task", "query", "question"]);
        assert_eq!(names_of("other", &renames), ["other"]);
    }
}
