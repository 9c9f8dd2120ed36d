//! What an embedded object's streaming reader does with each key of its
//! type, found once per document and type ([`KeyTable`]): a key is handed
//! on as it is, under its new name, as the source object a moved value is
//! taken out of, or captured for the walk; and the site of the embedded
//! types its value holds. Asked of the type's sets and changes for every
//! key of every object, the same answers cost more than the rest of the
//! read.

use std::sync::{Mutex, OnceLock};

use super::variants::Tagging;
use super::walk::{names, Migration, PlainRename};
use super::EmbeddedHistory;
use crate::object::ObjectPath;
use crate::ops::moves::{Conflict, MoveOp};
use crate::step::Op;
use crate::version::Version;

/// The plan of one embedded type's objects in a document at one version.
pub(crate) struct KeyTable {
    keys: Vec<(&'static str, KeyPlan)>,
    /// Where each key is in `keys`, by [`Slots`]: one compare per lookup.
    slots: Slots,
    /// The plan of a key no field reads and no change names: captured to
    /// be kept in the metadata, or handed on for serde to ignore.
    other: KeyPlan,
    /// Whether every change of the type after the document's version is
    /// made while streaming: an object whose reader captured nothing but
    /// moved values needs no walk.
    pub(crate) streamed: bool,
    /// Whether the type has changes of its own after the document's
    /// version ([`Migration::changes_object`]), asked at the end of every
    /// object that captured nothing.
    pub(crate) changes: bool,
    /// Whether the type or one it holds changes after the document's
    /// version, or the read keeps what no field claims: if not, its objects
    /// are current. Asked for every field put in scope.
    pub(crate) migrates: bool,
    /// Whether its objects have nothing to change and only their keys no
    /// field claims to keep: every key is handed on as it is, none holds
    /// an embedded type, and the struct ignores the keys it does not read.
    /// Such an object is read by `KeepingMap`, which learns those keys from
    /// serde ignoring their values, and costs the struct's fields almost
    /// nothing.
    pub(crate) keeps_only: bool,
    /// Whether an enum's values may be read by the enum itself, as
    /// current ones are: externally tagged, every variant a change names
    /// renamed (none removed) under a name no change gives another, so the
    /// enum reads the old name as the alias the derive gave it, and no
    /// payload left to the walk.
    pub(crate) aliased: bool,
    /// An enum's variants a change names, with their names at the current
    /// version (`None`: removed).
    variants: Vec<(&'static str, Option<&'static str>)>,
    /// The tables of the types its sites hold, by site, found on first use:
    /// one per field read, where the migration's list is searched.
    children: Box<[OnceLock<&'static KeyTable>]>,
}

/// A small perfect hash of a table's keys: a key's length and first and
/// last bytes, mixed by a factor found when the table is made, pick one of
/// 64 slots, each holding one key's index, plus one (0: none). Keys that
/// no factor separates are looked up one by one.
struct Slots {
    factor: u32,
    index: Option<[u8; 64]>,
}

/// Whether `key` is `known`, compared in place: the keys a reader looks up
/// are mostly under 17 bytes, which two overlapping loads of each compare
/// for less than a call to `memcmp` costs.
#[inline]
pub(crate) fn same_key(known: &str, key: &str) -> bool {
    let (known, key) = (known.as_bytes(), key.as_bytes());
    if known.len() != key.len() {
        return false;
    }
    fn ends<const N: usize>(bytes: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((bytes.first_chunk::<N>()?, bytes.last_chunk::<N>()?))
    }
    match known.len() {
        0 => true,
        1..=3 => known == key,
        4..=7 => ends::<4>(known) == ends::<4>(key),
        8..=16 => ends::<8>(known) == ends::<8>(key),
        _ => known == key,
    }
}

impl Slots {
    fn slot(factor: u32, key: &[u8]) -> usize {
        let (Some(&first), Some(&last)) = (key.first(), key.last()) else {
            return 0;
        };
        let mixed = (u32::from(first) ^ (u32::from(last) << 3) ^ (key.len() as u32) ^ 0x55)
            .wrapping_mul(factor);
        (mixed >> 26) as usize
    }

    fn new(keys: &[&'static str]) -> Self {
        let separated = |factor: u32| {
            let mut index = [0u8; 64];
            for (at, key) in keys.iter().enumerate() {
                let slot = &mut index[Slots::slot(factor, key.as_bytes())];
                if *slot != 0 || key.is_empty() {
                    return None;
                }
                *slot = u8::try_from(at + 1).ok()?;
            }
            Some(index)
        };
        // Odd multiples of the golden ratio spread the low bits to the
        // top ones the slot takes, each differently.
        (0..256u32)
            .map(|n| 0x9E37_79B1_u32.wrapping_mul(2 * n + 1))
            .find_map(|factor| {
                separated(factor).map(|index| Slots {
                    factor,
                    index: Some(index),
                })
            })
            .unwrap_or(Slots {
                factor: 0,
                index: None,
            })
    }
}

/// What a reader does with one key, and the site its value holds.
#[derive(Clone, Copy)]
pub(crate) struct KeyPlan {
    pub(crate) handling: Handling,
    /// The index, in the type's sites, of the embedded type its value holds.
    pub(crate) site: Option<usize>,
    /// The key planned, as the type names it ("" for keys it does not
    /// know): a cursor's frame borrows it.
    pub(crate) name: &'static str,
}

/// What an embedded object's reader does with one of its keys.
#[derive(Clone, Copy)]
pub(crate) enum Handling {
    /// Hands it on to the struct as it is.
    Stream,
    /// Hands it on under its new name; `slot` marks it seen, once.
    Rename { rename: PlainRename, slot: u32 },
    /// Hands it on, taking the moved value out of its object as it is
    /// read; `slot` marks it seen, once.
    TakeOut { take: TakeOut, slot: u32 },
    /// Holds it back for the migration at the end of the object.
    Capture,
}

/// A move out of an object held by one key to a key of the object
/// holding it (`metrics.duration_ms` to `duration_ms`), made while the
/// source object streams by ([`Migration::take_out`]).
#[derive(Clone, Copy)]
pub(crate) struct TakeOut {
    /// The key of the moved value in the source object: `duration_ms`.
    pub(crate) inner: &'static str,
    /// Its key once moved.
    pub(crate) to: &'static str,
    pub(crate) from_path: &'static ObjectPath,
    pub(crate) to_path: &'static ObjectPath,
    pub(crate) version: &'static Version,
}

/// One bit per rename or move a reader watches for a repeat.
const SLOTS: u32 = u64::BITS;

/// A table made once is every document's: by its type, the version it
/// reads from, and whether the root keeps values. Tables are kept for the
/// life of the program, as the histories they describe are: a few per
/// type at most.
type Made = Vec<(usize, Version, bool, &'static KeyTable)>;

static MADE: Mutex<Made> = Mutex::new(Vec::new());

/// The table of `history` in the documents `migration` reads.
pub(crate) fn table(history: &'static EmbeddedHistory, migration: &Migration) -> &'static KeyTable {
    let id = std::ptr::from_ref(history) as usize;
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let found = made.iter().find(|(h, from, keeps, _)| {
        *h == id && *keeps == migration.keeps && *from == migration.from
    });
    if let Some((.., table)) = found {
        return table;
    }
    let table: &'static KeyTable = Box::leak(Box::new(KeyTable::new(history, migration)));
    made.push((id, migration.from.clone(), migration.keeps, table));
    table
}

impl KeyTable {
    /// The plan of the objects of `history` in the document `migration`
    /// reads.
    pub(crate) fn new(history: &'static EmbeddedHistory, migration: &Migration) -> Self {
        let keeps = migration.keeps;
        let mut keys: Vec<&'static str> = Vec::new();
        let mut add = |key: &'static str| {
            if !keys.contains(&key) {
                keys.push(key);
            }
        };
        history.touched.iter().for_each(|key| add(key.as_str()));
        history.claims.iter().flatten().for_each(|key| add(key));
        for site in &history.sites {
            site.at.names.iter().for_each(|key| add(key));
        }
        let mut slots = 0;
        let mut streamed = true;
        let plans = keys
            .into_iter()
            .map(|key| {
                // Objects whose exact paths no reader counts are left to
                // the walk, which knows them, when a value of theirs may be kept.
                let uncounted = keeps
                    && history
                        .sites
                        .iter()
                        .any(|child| child.reads(key) && child.counted().is_none());
                let site = history.sites.iter().position(|child| child.reads(key));
                let handling = if history.touched.contains(key) {
                    let rename = migration.plain_rename(history, key);
                    let take = migration.take_out(history, key);
                    match (rename, take) {
                        (Some(rename), _) if !uncounted && slots < SLOTS => {
                            slots += 1;
                            Handling::Rename {
                                rename,
                                slot: slots - 1,
                            }
                        }
                        // What is left of a source no field claims is
                        // kept whole, by the walk.
                        (_, Some(take))
                            if site.is_none()
                                && !(keeps && history.unclaimed(key))
                                && slots < SLOTS =>
                        {
                            slots += 1;
                            Handling::TakeOut {
                                take,
                                slot: slots - 1,
                            }
                        }
                        _ => Handling::Capture,
                    }
                } else if (keeps && history.unclaimed(key)) || uncounted {
                    Handling::Capture
                } else {
                    Handling::Stream
                };
                (
                    key,
                    KeyPlan {
                        handling,
                        site,
                        name: key,
                    },
                )
            })
            .collect::<Vec<_>>();
        // Every change is one the plans make: a plain rename or a move
        // taken out while reading.
        for (_, op) in migration.own_ops(history) {
            let made = match op {
                Op::Rename { old, .. } => plans.iter().any(|(key, plan)| {
                    key == old && matches!(plan.handling, Handling::Rename { .. })
                }),
                Op::Moves(MoveOp::Move { from, .. }) => plans.iter().any(|(key, plan)| {
                    *key == from.root() && matches!(plan.handling, Handling::TakeOut { .. })
                }),
                _ => false,
            };
            streamed &= made;
        }
        let other = if keeps && history.claims.is_some() {
            Handling::Capture
        } else {
            Handling::Stream
        };
        let names: Vec<&'static str> = plans.iter().map(|(key, _)| *key).collect();
        let changes = migration.changes_object(history);
        let keeps_only = keeps
            && history.ignores_unclaimed()
            && history.variants.is_none()
            && !history.positional
            && !changes
            && plans
                .iter()
                .all(|(_, plan)| plan.site.is_none() && matches!(plan.handling, Handling::Stream));
        let variants = migration.variant_fates(history);
        let aliased = history.variants.as_ref().is_some_and(|all| {
            all.tagging == Tagging::External
                && variants
                    .iter()
                    .all(|&(old, now)| now.is_some() && !all.gives(old))
                && !(keeps && history.sites.iter().any(|child| child.counted().is_none()))
        });
        KeyTable {
            keeps_only,
            aliased,
            slots: Slots::new(&names),
            keys: plans,
            variants,
            children: history.sites.iter().map(|_| OnceLock::new()).collect(),
            changes,
            migrates: keeps || history.changes_after(&migration.from),
            other: KeyPlan {
                handling: other,
                site: None,
                name: "",
            },
            streamed: streamed && history.variants.is_none() && !history.positional,
        }
    }

    /// The renames and moves of the table, with their slots.
    pub(crate) fn slotted(&self) -> impl Iterator<Item = (KeyPlan, u32)> + '_ {
        self.keys
            .iter()
            .filter_map(|(_, plan)| match plan.handling {
                Handling::Rename { slot, .. } | Handling::TakeOut { slot, .. } => {
                    Some((*plan, slot))
                }
                Handling::Stream | Handling::Capture => None,
            })
    }

    /// The table of the type the `index`th site of `history`, whose table
    /// this is, holds, in the document `migration` reads.
    #[inline]
    pub(crate) fn child(
        &self,
        history: &'static EmbeddedHistory,
        index: usize,
        migration: &Migration,
    ) -> &'static KeyTable {
        self.children[index].get_or_init(|| migration.table(history.sites[index].history()))
    }

    /// The plan of `key`, borrowed: a plan holds a rename's or a move's
    /// names, too many bytes to copy for each key read.
    #[inline]
    pub(crate) fn plan(&self, key: &str) -> &KeyPlan {
        let Some(index) = &self.slots.index else {
            return self
                .keys
                .iter()
                .find(|(known, _)| same_key(known, key))
                .map_or(&self.other, |(_, plan)| plan);
        };
        match index[Slots::slot(self.slots.factor, key.as_bytes())] {
            0 => &self.other,
            at => match &self.keys[usize::from(at) - 1] {
                (known, plan) if same_key(known, key) => plan,
                _ => &self.other,
            },
        }
    }

    /// The fate of an enum's variant `name` a change names: its name at
    /// the current version, or `None` when removed; `None` outside when no
    /// change names it.
    #[allow(clippy::option_option)]
    #[inline]
    pub(crate) fn variant(&self, name: &str) -> Option<Option<&'static str>> {
        self.variants
            .iter()
            .find(|(known, _)| same_key(known, name))
            .map(|(_, fate)| *fate)
    }
}

impl Migration {
    /// The move of a value out of the object under `key` of an object of
    /// `history` to a key of its own, when the changes after the
    /// document's version do nothing else with `key`, nor with the key the
    /// value moves to, and a conflict is an error: its reader then takes
    /// the value out as the source object streams by, instead of capturing
    /// the object for the walk. Other policies are the walk's.
    pub(crate) fn take_out(&self, history: &'static EmbeddedHistory, key: &str) -> Option<TakeOut> {
        let mut found = None;
        for (version, op) in self.own_ops(history) {
            if let Op::Moves(MoveOp::Move {
                from,
                to,
                conflict: Conflict::Error,
            }) = op
            {
                if from.root() == key && from.segments().len() == 2 && to.segments().len() == 1 {
                    if found.is_some() {
                        return None;
                    }
                    found = Some((
                        op,
                        TakeOut {
                            inner: from.segments()[1].as_str(),
                            to: to.root(),
                            from_path: from,
                            to_path: to,
                            version,
                        },
                    ));
                }
            }
        }
        let (op, take) = found?;
        // The value arrives from the stream, migrated by no walk: where it
        // goes, nothing else may change it, nor read it as embedded.
        let others = self
            .own_ops(history)
            .filter(|(_, other)| !std::ptr::eq(*other, op));
        for (_, other) in others {
            if names(other, key) || names(other, take.to) {
                return None;
            }
        }
        let embedded = history.sites.iter().any(|site| site.reads(take.to));
        (history.claims(take.to) && !embedded).then_some(take)
    }
}

#[cfg(test)]
mod tests {
    use super::{same_key, Slots};

    /// Keys of every length up to past the longest compared in place,
    /// against themselves and against each one byte different at every
    /// position, and each shorter or longer by one.
    #[test]
    fn same_key_tells_keys_apart_at_every_byte_and_length() {
        for len in 0..=24 {
            let key: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            assert!(same_key(&key, &key.clone()), "{key}");
            for at in 0..len {
                let mut other = key.clone().into_bytes();
                other[at] = b'Z';
                let other = String::from_utf8(other).unwrap();
                assert!(!same_key(&key, &other), "{key} {other}");
                assert!(!same_key(&other, &key), "{other} {key}");
            }
            let longer = format!("{key}a");
            assert!(
                !same_key(&key, &longer) && !same_key(&longer, &key),
                "{key}"
            );
        }
    }

    /// The key `slots` points `key` at, if it is one of `keys`, as
    /// `KeyTable::plan` finds it.
    fn find(slots: &Slots, keys: &[&str], key: &str) -> Option<usize> {
        let index = slots.index.as_ref().expect("the keys are separated");
        match index[Slots::slot(slots.factor, key.as_bytes())] {
            0 => None,
            at => Some(usize::from(at) - 1).filter(|&at| keys[at] == key),
        }
    }

    #[test]
    fn each_key_has_a_slot_of_its_own_and_other_keys_find_none() {
        let keys = [
            "index",
            "thought",
            "reasoning",
            "action",
            "observation",
            "duration_ms",
            "metrics",
            "name",
            "arguments",
        ];
        let slots = Slots::new(&keys);
        for (at, key) in keys.iter().enumerate() {
            assert_eq!(find(&slots, &keys, key), Some(at), "{key}");
        }
        for other in ["indeX", "thoughts", "metric", "", "b", "nome", "aa"] {
            assert_eq!(find(&slots, &keys, other), None, "{other}");
        }
    }

    #[test]
    fn keys_no_factor_separates_are_searched_one_by_one() {
        // Same length, first and last bytes: every factor puts them in one slot.
        assert!(Slots::new(&["abc", "axc"]).index.is_none());
        assert!(Slots::new(&["", "a"]).index.is_none());
    }
}
