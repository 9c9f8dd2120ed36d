//! The names palimpsest reads from and writes into documents.

/// The key a document's version is written under, unless the type names
/// another (`#[versioned(key = "...")]`, `SchemaBuilder::key`).
pub const DEFAULT_KEY: &str = "schema_version";

/// The prefix of the metadata key a removed field's value is preserved
/// under: `legacy_<field>`.
pub const LEGACY_PREFIX: &str = "legacy_";

/// The metadata key of the version a document had before its first migration.
pub const MIGRATED_FROM: &str = "migrated_from";

/// The metadata key of the list of steps applied, one `{"from", "to"}` each.
pub const MIGRATION_HISTORY: &str = "migration_history";

/// The metadata key under which keys no field claims are preserved.
pub const LEGACY_UNKNOWN: &str = "legacy_unknown";

/// The metadata key of the object where values of embedded objects are
/// kept, each under its path in the document: removed fields
/// (`steps[3].notes`) and keys no field claims.
pub const LEGACY_NESTED: &str = "legacy_nested";

/// The metadata key of the object that tells which entries of
/// `legacy_nested` are keys no field claimed, each with the version whose
/// document shape its path is in (`{"steps[3].stray": "0.4.0"}`): a
/// downgrade puts those back where they stood, and returns the others
/// (removed fields) through the steps that took them.
pub const LEGACY_NESTED_UNCLAIMED: &str = "legacy_nested_unclaimed";

/// The metadata key a removed `field`'s value is preserved under.
pub fn legacy_key(field: &str) -> String {
    format!("{LEGACY_PREFIX}{field}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_fields_are_kept_under_the_legacy_prefix() {
        assert_eq!(legacy_key("notes"), "legacy_notes");
        assert_eq!(legacy_key("legacyFlag"), "legacy_legacyFlag");
        // The keys of unclaimed and nested values read as of the family.
        assert!(LEGACY_UNKNOWN.starts_with(LEGACY_PREFIX));
        assert!(LEGACY_NESTED.starts_with(LEGACY_PREFIX));
        assert!(LEGACY_NESTED_UNCLAIMED.starts_with(LEGACY_NESTED));
    }
}
