//! Path finding: which steps lead from a document's version to a target.

use std::collections::{BTreeMap, VecDeque};

use crate::version::Version;

/// The edges of the version graph: each step as (from, to).
pub(crate) type Edges<'a> = &'a [(Version, Version)];

/// The indices (into `edges`) of the fewest steps leading from `from` to
/// `to`, in the order they run. `Err` carries the newest version reachable
/// from `from` without passing `to`: where the gap is.
///
/// Steps only go forward, so the search never revisits a version; among
/// equally short paths the one through older versions wins, which keeps the
/// choice stable whatever order steps were registered in.
pub(crate) fn find_path(
    edges: Edges<'_>,
    from: &Version,
    to: &Version,
) -> Result<Vec<usize>, Version> {
    if from == to {
        return Ok(Vec::new());
    }
    let mut leaving: BTreeMap<&Version, Vec<usize>> = BTreeMap::new();
    for (i, (step_from, _)) in edges.iter().enumerate() {
        leaving.entry(step_from).or_default().push(i);
    }
    for indices in leaving.values_mut() {
        indices.sort_by(|&a, &b| edges[a].1.cmp(&edges[b].1));
    }

    let mut reached_by: BTreeMap<&Version, Option<usize>> = BTreeMap::new();
    reached_by.insert(from, None);
    let mut queue = VecDeque::from([from]);
    while let Some(version) = queue.pop_front() {
        if version == to {
            break;
        }
        for &i in leaving.get(version).into_iter().flatten() {
            let next = &edges[i].1;
            if next <= to && !reached_by.contains_key(next) {
                reached_by.insert(next, Some(i));
                queue.push_back(next);
            }
        }
    }

    if !reached_by.contains_key(to) {
        let furthest = reached_by.keys().next_back().copied().unwrap_or(from);
        return Err(furthest.clone());
    }
    let mut path = Vec::new();
    let mut at = to;
    while let Some(Some(i)) = reached_by.get(at) {
        path.push(*i);
        at = &edges[*i].0;
    }
    path.reverse();
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Scheme;

    fn v(text: &str) -> Version {
        Scheme::Semver.parse(text).unwrap()
    }

    fn edges(pairs: &[(&str, &str)]) -> Vec<(Version, Version)> {
        pairs.iter().map(|(a, b)| (v(a), v(b))).collect()
    }

    const LINEAR: &[(&str, &str)] = &[("0.0.1", "0.1.0"), ("0.1.0", "0.2.0"), ("0.2.0", "0.3.0")];

    #[test]
    fn already_current_needs_no_step() {
        let e = edges(LINEAR);
        assert_eq!(find_path(&e, &v("0.3.0"), &v("0.3.0")), Ok(vec![]));
    }

    #[test]
    fn one_step() {
        let e = edges(LINEAR);
        assert_eq!(find_path(&e, &v("0.2.0"), &v("0.3.0")), Ok(vec![2]));
    }

    #[test]
    fn many_steps_in_order() {
        let e = edges(LINEAR);
        assert_eq!(find_path(&e, &v("0.0.1"), &v("0.3.0")), Ok(vec![0, 1, 2]));
    }

    #[test]
    fn a_target_between_stops_there() {
        let e = edges(LINEAR);
        assert_eq!(find_path(&e, &v("0.0.1"), &v("0.2.0")), Ok(vec![0, 1]));
    }

    #[test]
    fn registration_order_does_not_matter() {
        let e = edges(&[("0.2.0", "0.3.0"), ("0.0.1", "0.1.0"), ("0.1.0", "0.2.0")]);
        assert_eq!(find_path(&e, &v("0.0.1"), &v("0.3.0")), Ok(vec![1, 2, 0]));
    }

    #[test]
    fn a_gap_names_where_the_path_stops() {
        let e = edges(&[("0.0.1", "0.1.0"), ("0.2.0", "0.3.0")]);
        assert_eq!(find_path(&e, &v("0.0.1"), &v("0.3.0")), Err(v("0.1.0")));
        assert_eq!(find_path(&e, &v("0.1.5"), &v("0.3.0")), Err(v("0.1.5")));
    }

    #[test]
    fn a_target_older_than_the_document_is_unreachable() {
        let e = edges(LINEAR);
        assert_eq!(find_path(&e, &v("0.3.0"), &v("0.1.0")), Err(v("0.3.0")));
    }

    #[test]
    fn a_shortcut_wins_over_the_long_way() {
        let e = edges(&[("0.1.0", "0.2.0"), ("0.2.0", "0.3.0"), ("0.1.0", "0.3.0")]);
        assert_eq!(find_path(&e, &v("0.1.0"), &v("0.3.0")), Ok(vec![2]));
    }

    #[test]
    fn integer_versions() {
        let e: Vec<_> = [(0, 1), (1, 2), (2, 3)]
            .iter()
            .map(|&(a, b)| (Version::integer(a), Version::integer(b)))
            .collect();
        assert_eq!(
            find_path(&e, &Version::integer(1), &Version::integer(3)),
            Ok(vec![1, 2])
        );
    }
}
