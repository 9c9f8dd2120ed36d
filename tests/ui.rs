//! The compile errors of `#[versioned]`: one case per message, each file
//! opening with a `//!` line saying what it rejects. An error without a case
//! here is not part of the contract.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui`
//! and read every `.stderr` before committing it: each error must point at
//! the attribute or literal at fault.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
