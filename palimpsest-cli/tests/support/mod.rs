//! What the end-to-end tests run the command for, in this process:
//! [`StandInTrace`], a stand-in for the trace models implemented by hand
//! over a plain serde derive, and [`cmd`], the command for it.
//!
//! The stand-in's history: `0.0.1` (legacy, no version key) -> `0.1.0`
//! renames `result` to `outcome` -> `0.2.0` adds `tags` and preserves the
//! removed `notes` at `context.metadata.legacy_notes`.

use std::ffi::{OsStr, OsString};
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Output};
use std::sync::OnceLock;

use palimpsest::{Schema, Step, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// An agent's execution trace, in the stand-in's current version 0.2.0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandInTrace {
    /// What the agent was asked.
    pub problem_statement: String,
    /// The steps it took.
    #[serde(default)]
    pub steps: Vec<StandInStep>,
    /// How it ended (`result` before 0.1.0).
    pub outcome: String,
    /// Labels (added in 0.2.0).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where migration history and preserved values go.
    #[serde(default)]
    pub context: StandInContext,
}

/// One step of a [`StandInTrace`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandInStep {
    /// The tool called.
    pub tool: String,
    /// Its arguments.
    #[serde(default)]
    pub arguments: Value,
    /// What it returned.
    #[serde(default)]
    pub result: Value,
}

/// The context of a [`StandInTrace`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StandInContext {
    /// Free-form metadata, including palimpsest's migration history.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Versioned for StandInTrace {
    fn schema() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::semver("StandInTrace", "0.2.0")
                .metadata("context.metadata")
                .step(Step::new("0.0.1", "0.1.0").rename("result", "outcome"))
                .step(
                    Step::new("0.1.0", "0.2.0")
                        .add("tags", || json!([]))
                        .preserve("notes"),
                )
                .build()
                .expect("the stand-in schema is valid")
        })
    }
}

/// The `palimpsest` command for [`StandInTrace`], run in this process
/// through [`palimpsest_cli::run_with`]; built as an `assert_cmd` command
/// is, and asserted on the same way.
#[derive(Default)]
pub struct InProcess {
    args: Vec<OsString>,
}

/// A command to build: see [`InProcess`].
pub fn cmd() -> InProcess {
    InProcess::default()
}

impl InProcess {
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Runs the command and returns what it printed and its status, to
    /// assert on.
    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        use assert_cmd::assert::OutputAssertExt;

        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let args = std::iter::once(OsString::from("palimpsest")).chain(self.args.iter().cloned());
        let code = palimpsest_cli::run_with::<StandInTrace, _, _>(args, &mut stdout, &mut stderr);
        Output {
            // A wait status holds the exit code in its second byte.
            status: ExitStatus::from_raw(i32::from(code) << 8),
            stdout,
            stderr,
        }
        .assert()
    }
}
