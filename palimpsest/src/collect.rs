//! The report of the migration a `#[versioned]` `Deserialize` ran, for a
//! caller that reads through any serde entry point but wants to know what
//! happened ([`with_report`](crate::with_report)). serde hands a nested
//! `Deserialize` no context, so the report travels through a thread-local;
//! the crate's own entry points get theirs from the reader directly.

use std::cell::{Cell, RefCell};

use crate::migrate::Report;

thread_local! {
    /// Whether a caller on this thread is collecting.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// How deep in versioned values the deserializer is: only the outermost
    /// one's report is the caller's, nested ones migrate on their own.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
}

/// Runs `read` and returns, beside its result, the report of the migration
/// the outermost versioned value it read went through; `None` when that
/// value was current.
pub(crate) fn collect<R>(read: impl FnOnce() -> R) -> (R, Option<Report>) {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.set(self.0));
        }
    }
    let _reset = Reset(ACTIVE.with(|a| a.replace(true)));
    REPORT.with(|r| r.borrow_mut().take());
    let result = read();
    (result, REPORT.with(|r| r.borrow_mut().take()))
}

/// Marks entry into a versioned value while a caller collects; the guard
/// marks the exit.
pub(crate) fn enter() -> Option<Depth> {
    ACTIVE.with(Cell::get).then(|| {
        DEPTH.with(|d| d.set(d.get() + 1));
        Depth
    })
}

pub(crate) struct Depth;

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Hands the caller the report of a migration, if it is the outermost one.
pub(crate) fn record(report: &Report) {
    if ACTIVE.with(Cell::get) && DEPTH.with(Cell::get) == 1 {
        REPORT.with(|r| *r.borrow_mut() = Some(report.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Schema, Step};
    use serde_json::json;

    #[test]
    fn only_the_outermost_report_is_kept() {
        let schema = Schema::integer("T", 1)
            .step(Step::new(0, 1))
            .build()
            .unwrap();
        let mut doc = json!({});
        let outer = schema.migrate(&mut doc).unwrap();
        let (_, report) = collect(|| {
            let _outer = enter();
            {
                let _inner = enter();
                record(&Report::unchanged(&schema, schema.current().clone()));
            }
            record(&outer);
        });
        assert_eq!(report, Some(outer));
    }

    #[test]
    fn nothing_is_kept_when_nobody_collects() {
        assert!(enter().is_none());
        let (_, report) = collect(|| ());
        assert_eq!(report, None);
    }
}
