//! The walk of a fixtures folder: which files are fixtures, and which
//! version each one's folder (or file name) names.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::report::{FixtureError, Problem};
use crate::schema::Schema;
use crate::version::Version;

/// The fixture files under `dir` with the version each names, sorted by path.
pub(super) fn find_fixtures(
    schema: &Schema,
    dir: &Path,
) -> Result<Vec<(PathBuf, Version)>, FixtureError> {
    let io_error =
        |path: &Path, e| FixtureError::new(schema.type_name(), path, None, Problem::Io(e));
    let version_of = |path: &Path, name: &str| {
        schema
            .scheme()
            .parse(name)
            .map_err(|e| FixtureError::new(schema.type_name(), path, None, Problem::NotAVersion(e)))
    };
    let mut found = Vec::new();
    for entry in sorted_entries(dir).map_err(|e| io_error(dir, e))? {
        let Some(name) = entry
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
        else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            let version = version_of(&entry, &name)?;
            for file in sorted_entries(&entry).map_err(|e| io_error(&entry, e))? {
                if is_json(&file) {
                    found.push((file, version.clone()));
                }
            }
        } else if is_json(&entry) {
            let stem = name.strip_suffix(".json").unwrap_or(&name);
            found.push((entry.clone(), version_of(&entry, stem)?));
        }
    }
    Ok(found)
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn is_json(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|ext| ext == "json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::tests::Folder;

    fn schema() -> Schema {
        Schema::semver("Note", "0.2.0")
            .step(crate::step::Step::new("0.0.1", "0.1.0"))
            .step(crate::step::Step::new("0.1.0", "0.2.0"))
            .build()
            .unwrap()
    }

    #[test]
    fn fixtures_are_found_in_path_order_with_the_version_their_name_gives() {
        let folder = Folder::new(&[
            ("0.1.0/b.json", "{}"),
            ("0.1.0/a.json", "{}"),
            ("0.1.0/notes.txt", "not a fixture"),
            ("0.0.1/z.json", "{}"),
            ("0.2.0.json", "{}"),
            (".hidden/a.json", "{}"),
            ("README.md", "not a fixture"),
        ]);
        let found: Vec<(String, String)> = find_fixtures(&schema(), &folder.0)
            .unwrap()
            .into_iter()
            .map(|(file, version)| {
                let file = file.strip_prefix(&folder.0).unwrap();
                (file.display().to_string(), version.to_string())
            })
            .collect();
        let expected = [
            ("0.0.1/z.json", "0.0.1"),
            ("0.1.0/a.json", "0.1.0"),
            ("0.1.0/b.json", "0.1.0"),
            ("0.2.0.json", "0.2.0"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, v)| {
                (
                    f.replace('/', std::path::MAIN_SEPARATOR_STR),
                    (*v).to_owned(),
                )
            })
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_name_that_is_not_a_version_is_an_error() {
        let folder = Folder::new(&[("latest/a.json", "{}")]);
        let err = find_fixtures(&schema(), &folder.0).unwrap_err();
        assert!(matches!(err.problem(), Problem::NotAVersion(_)), "{err}");
        assert!(err.file().ends_with("latest"));

        let folder = Folder::new(&[("v2.json", "{}")]);
        let err = find_fixtures(&schema(), &folder.0).unwrap_err();
        assert!(matches!(err.problem(), Problem::NotAVersion(_)), "{err}");
        assert!(err.file().ends_with("v2.json"));
    }

    #[test]
    fn a_folder_that_cannot_be_read_is_an_error() {
        let err =
            find_fixtures(&schema(), Path::new("/nonexistent/palimpsest/fixtures")).unwrap_err();
        assert!(matches!(err.problem(), Problem::Io(_)), "{err}");
        assert_eq!(err.type_name(), "Note");
    }
}
