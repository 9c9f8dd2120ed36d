//! A version's JSON Schema, written from its shape.
//!
//! schemars would need every type of a document to derive `JsonSchema`,
//! and would describe the current version only: older versions' schemas
//! would still come from the history, applied to the shape. The shape
//! already holds what a schema says, for every version, so the schema is
//! written from it, with no dependency and nothing for users to derive.

use serde_json::{json, Map, Value};

use super::format::{Definition, Field, Format, Shape};

/// The dialect of the schemas written: JSON Schema 2020-12.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

impl Shape {
    /// The JSON Schema (2020-12) of this version's documents: its named
    /// types under `$defs`, the version key required to hold the version
    /// (left out for the legacy version, whose documents carry none), each
    /// field's format, the fields a document may leave out not required.
    /// Objects admit keys the shape does not name, as serde does.
    ///
    /// A format the history no longer knows (`any`: a removed field, the
    /// input of a conversion) admits any value.
    ///
    /// ```
    /// use palimpsest::contract::Contract;
    /// use palimpsest::versioned;
    /// use serde::{Deserialize, Serialize};
    /// use serde_json::json;
    ///
    /// #[versioned(since = "0.1.0")]
    /// #[derive(Serialize, Deserialize)]
    /// struct Note {
    ///     text: String,
    ///     #[serde(default)]
    ///     pinned: Option<bool>,
    /// }
    ///
    /// let schema = Contract::of::<Note>()?.current().json_schema();
    /// assert_eq!(schema["properties"]["schema_version"], json!({"const": "0.1.0"}));
    /// assert_eq!(schema["required"], json!(["schema_version"]));
    /// assert_eq!(
    ///     schema["$defs"]["Note"],
    ///     json!({
    ///         "type": "object",
    ///         "properties": {
    ///             "pinned": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
    ///             "text": {"type": "string"}
    ///         },
    ///         "required": ["text"]
    ///     })
    /// );
    /// # Ok::<(), palimpsest::contract::ContractError>(())
    /// ```
    #[must_use]
    pub fn json_schema(&self) -> Value {
        let mut schema = Map::new();
        schema.insert("$schema".into(), DIALECT.into());
        schema.insert(
            "title".into(),
            format!("{} {}", self.type_name, self.version).into(),
        );
        schema.insert("allOf".into(), json!([format(&self.root)]));
        if let Some(key) = &self.key {
            schema.insert("type".into(), "object".into());
            schema.insert(
                "properties".into(),
                json!({ key.as_str(): {"const": self.version} }),
            );
            schema.insert("required".into(), json!([key]));
        }
        let definitions: Map<String, Value> = self
            .types
            .iter()
            .map(|(name, definition)| {
                let tag = self.tags.get(name).map(String::as_str);
                let content = self.contents.get(name).map(String::as_str);
                (name.clone(), named(definition, tag, content))
            })
            .collect();
        schema.insert("$defs".into(), Value::Object(definitions));
        Value::Object(schema)
    }
}

fn format(of: &Format) -> Value {
    match of {
        Format::Any => json!({}),
        Format::Unit => json!({"type": "null"}),
        Format::Bool => json!({"type": "boolean"}),
        Format::Integer => json!({"type": "integer"}),
        Format::Number => json!({"type": "number"}),
        Format::Str => json!({"type": "string"}),
        Format::Bytes => {
            json!({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}})
        }
        Format::Option(inner) => json!({"anyOf": [format(inner), {"type": "null"}]}),
        Format::Array(item) => json!({"type": "array", "items": format(item)}),
        // JSON keys are strings, whatever the map's key type.
        Format::Map(_, value) => json!({"type": "object", "additionalProperties": format(value)}),
        Format::Tuple(items) => json!({
            "type": "array",
            "prefixItems": items.iter().map(format).collect::<Vec<_>>(),
            "minItems": items.len(),
            "maxItems": items.len(),
        }),
        Format::Named(name) => json!({ "$ref": format!("#/$defs/{name}") }),
    }
}

/// A named type's schema; `tag` is an internally or adjacently tagged
/// enum's, `content` an adjacently tagged one's.
fn named(definition: &Definition, tag: Option<&str>, content: Option<&str>) -> Value {
    match (definition, tag) {
        // The tag and the content beside it; a unit variant's content
        // is left out (serde writes none).
        (Definition::Enum(variants), Some(tag)) if content.is_some() => {
            let content = content.unwrap_or_default();
            one_of(variants.iter().map(|(name, payload)| {
                let mut properties = Map::new();
                properties.insert(tag.into(), json!({ "const": name }));
                let mut required = vec![tag];
                match payload {
                    Definition::Unit => {}
                    Definition::Unknown => {
                        properties.insert(content.into(), json!({}));
                    }
                    payload => {
                        properties.insert(content.into(), named(payload, None, None));
                        required.push(content);
                    }
                }
                json!({"type": "object", "properties": properties, "required": required})
            }))
        }
        (Definition::Enum(variants), Some(tag)) => {
            one_of(variants.iter().map(|(name, payload)| {
                let mut object = match payload {
                    Definition::Struct(fields) => object(fields),
                    _ => json!({"type": "object"}),
                };
                object["properties"][tag] = json!({ "const": name });
                let mut required = vec![Value::from(tag)];
                if let Some(Value::Array(fields)) = object.get("required") {
                    required.extend(fields.iter().cloned());
                }
                object["required"] = Value::Array(required);
                object
            }))
        }
        // serde's default: a unit variant is its name, any other an
        // object with the name as its one key.
        (Definition::Enum(variants), None) => {
            one_of(variants.iter().map(|(name, payload)| match payload {
                Definition::Unit => json!({ "const": name }),
                Definition::Unknown => json!({"anyOf": [
                    {"const": name},
                    {"type": "object", "required": [name], "maxProperties": 1},
                ]}),
                payload => json!({
                    "type": "object",
                    "properties": { name.as_str(): named(payload, None, None) },
                    "required": [name],
                    "additionalProperties": false,
                }),
            }))
        }
        // serde takes the first variant whose payload fits; a value may
        // fit several.
        (Definition::Untagged(variants), _) => json!({
            "anyOf": variants
                .values()
                .map(|payload| named(payload, None, None))
                .collect::<Vec<_>>()
        }),
        (Definition::Struct(fields), _) => object(fields),
        (Definition::Newtype(inner), _) => format(inner),
        (Definition::Tuple(items), _) => format(&Format::Tuple(items.clone())),
        (Definition::Unit, _) => json!({"type": "null"}),
        (Definition::Unknown, _) => json!({}),
    }
}

fn one_of(schemas: impl Iterator<Item = Value>) -> Value {
    json!({ "oneOf": schemas.collect::<Vec<_>>() })
}

fn object(fields: &std::collections::BTreeMap<String, Field>) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(name, field)| (name.clone(), format(&field.format)))
        .collect();
    let required: Vec<&String> = fields
        .iter()
        .filter(|(_, field)| !field.optional)
        .map(|(name, _)| name)
        .collect();
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}
