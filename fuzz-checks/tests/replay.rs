//! Replays the committed fuzz inputs through the fuzz targets' own checks, on the stable
//! toolchain: every file of `fuzz/corpus/<target>/` (seeds and what the fuzzers found,
//! minimised with `cargo fuzz cmin`) and of `fuzz/regressions/<target>/` (named inputs kept
//! whatever their coverage) must pass. This is how CI runs the fuzzers' findings and seeds
//! without nightly or libFuzzer.
//!
//! A finding is fixed before it is committed, and its input kept in `regressions/<target>/`
//! under a name that says what it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use fuzz_checks::{Check, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn check_of(target: &str) -> Check {
    TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .unwrap_or_else(|| panic!("no target {target}"))
}

/// Runs every file through `check`; the paths of those that panic.
fn failures(paths: &[PathBuf], check: &dyn Fn(&[u8])) -> Vec<String> {
    paths
        .iter()
        .filter(|path| {
            let data = fs::read(path).unwrap();
            catch_unwind(AssertUnwindSafe(|| check(&data))).is_err()
        })
        .map(|p| {
            let shown = p.strip_prefix(fuzz_dir()).unwrap_or(p);
            format!("fuzz/{}", shown.display())
        })
        .collect()
}

fn replay(target: &str) {
    let mut paths = files(&fuzz_dir().join("corpus").join(target));
    assert!(
        !paths.is_empty(),
        "fuzz/corpus/{target}/ is empty: run `cargo run -p mcp-bearer-fuzz-checks --bin \
         seed-corpus`"
    );
    paths.extend(files(&fuzz_dir().join("regressions").join(target)));
    let failed = failures(&paths, &check_of(target));
    assert!(
        failed.is_empty(),
        "{} of {} inputs of {target} fail their check (the panic of each is printed above):\n{}",
        failed.len(),
        paths.len(),
        failed.join("\n")
    );
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                replay(stringify!($target));
            }
        )*

        /// Every target of the checks crate has a replay test above.
        const REPLAYED: &[&str] = &[$(stringify!($target)),*];
    };
}

replay_tests!(
    verify,
    jwks,
    discovery,
    token_response,
    registration,
    state,
    redirect,
    challenge,
    client_metadata
);

/// The checks, the replay tests, the cargo-fuzz targets and the corpus folders name the
/// same targets, and each fuzz target is the one-line wrapper of its check.
#[test]
fn targets_agree_everywhere() {
    let names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, REPLAYED, "a target without a replay test");
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let bins: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "mcp-bearer-fuzz")
        .collect();
    assert_eq!(bins, names, "fuzz/Cargo.toml's [[bin]]s");
    let mut sources: Vec<String> = files(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    sources.sort();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(sources, sorted, "fuzz/fuzz_targets/");
    for name in &names {
        let source =
            fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            source.contains(&format!(
                "fuzz_target!(|data: &[u8]| fuzz_checks::{name}(data));"
            )),
            "fuzz/fuzz_targets/{name}.rs must only call fuzz_checks::{name}"
        );
    }
    let mut corpora: Vec<String> = fs::read_dir(fuzz_dir().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    corpora.sort();
    assert_eq!(corpora, sorted, "fuzz/corpus/");
}
