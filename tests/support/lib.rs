//! The workspace's one generator of trace documents, and what else the
//! integration tests and examples share.
//!
//! Every generated trace document of this workspace comes from [`corpus`]:
//! the bundled corpus `data/corpus/traces.jsonl` (`cargo run --example
//! generate_corpus`), the traces the root tests generate, and palimpsest's
//! benchmark corpora (`palimpsest/benches/support`, through a dev-dependency
//! on this package). It depends on serde only, so any crate of the
//! workspace, palimpsest included, can use it in its tests and benchmarks
//! without a dependency cycle.

pub mod corpus;
