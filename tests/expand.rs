//! A snapshot of one full expansion of `#[versioned]`, pretty-printed, so a
//! change to the generated code shows up as a reviewable diff of
//! `tests/expand/*.expanded.rs`. Regenerate them with
//! `PALIMPSEST_BLESS=1 cargo test --test expand` and read the diff.
//!
//! Why the modules are included by `#[path]`: a proc-macro crate exports
//! nothing but its macros, so a test cannot call into it, and `cargo
//! expand` needs a nightly compiler and an extra tool. Everything but the
//! derive's `lib.rs` works on `proc_macro2` tokens, which run anywhere, so
//! this test compiles those modules as its own and calls
//! `expand::versioned`, the same function the attribute calls, offline and
//! on stable.

#[allow(dead_code)]
#[path = "../palimpsest-derive/src"]
mod derive {
    pub mod ast;
    pub mod attr;
    pub mod case;
    pub mod check;
    pub mod convert;
    pub mod ctxt;
    pub mod enums;
    pub mod expand;
    pub mod moves;
    pub mod root_enum;
    pub mod shapes;
    pub mod tuples;
    pub mod variant_attrs;
    pub mod version;
    pub mod vocab;
}

// The derive's modules name each other `crate::...`.
use derive::{
    ast, attr, case, check, convert, ctxt, enums, expand, moves, root_enum, shapes, tuples,
    variant_attrs, version, vocab,
};

use std::path::Path;

/// The struct of the design document, with a hand-written step beside the
/// generated ones: every kind of operation appears once.
const TRACE: &str = r#"
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Trace {
        pub problem_statement: String,
        #[renamed_from("result", since = "0.2.0")]
        pub outcome: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tags: Vec<String>,
        #[removed_in("0.3.0")]
        pub notes: String,
        #[removed_in("0.2.0", drop)]
        pub scratch: String,
        #[serde(default)]
        pub context: TraceContext,
    }
"#;

const TRACE_ARGS: &str = r#"
    since = "0.1.0",
    metadata = "context.metadata",
    step(from = "0.2.0", to = "0.3.0", with = crate::steps::split_notes, combine = "before")
"#;

fn expand_pretty(args: &str, item: &str) -> String {
    let args: proc_macro2::TokenStream = args.parse().expect("arguments tokenize");
    let item: syn::Item = syn::parse_str(item).expect("the item parses");
    let tokens = expand::versioned(args, &item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is Rust");
    prettyplease::unparse(&file)
}

/// An embedded type of the design document, holding another one.
const STEP: &str = r#"
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct TraceStep {
        #[renamed_from("thought", since = "0.2.0")]
        pub reasoning: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub tokens: u32,
        #[removed_in("0.3.0", drop)]
        pub notes: String,
        #[serde(default)]
        pub calls: Vec<Call>,
    }
"#;

#[test]
fn trace_expansion_matches_the_snapshot() {
    assert_snapshot(TRACE_ARGS, TRACE, "trace");
}

#[test]
fn embedded_expansion_matches_the_snapshot() {
    assert_snapshot("embedded", STEP, "trace_step");
}

fn assert_snapshot(args: &str, item: &str, name: &str) {
    let actual = expand_pretty(args, item);
    assert!(
        !actual.contains("compile_error"),
        "the representative struct must expand without errors:\n{actual}"
    );
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/expand/{name}.expanded.rs"));
    if std::env::var_os("PALIMPSEST_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion changed; if that is intended, run `PALIMPSEST_BLESS=1 cargo test --test expand` \
         and review the diff of {}\n--- actual ---\n{actual}",
        path.display()
    );
}
