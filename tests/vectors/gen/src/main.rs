//! Writes the shared test vectors of mcp-bearer, or checks that the committed ones are current.
//!
//! ```text
//! cargo run -p mcp-bearer-vectors-gen              # rewrite tests/vectors/*_cases.json
//! cargo run -p mcp-bearer-vectors-gen -- --check   # regenerate to *.tmp, compare, exit 1 on a difference
//! cargo run -p mcp-bearer-vectors-gen -- --init-keys  # write missing keys under tests/vectors/keys/
//! ```
//!
//! The output is reproducible: the keys are fixed files, RS256, EdDSA and HMAC signatures
//! are deterministic, and a randomized signature (PS*, ES*) already in the file is reused
//! when the bytes it signs are unchanged and it still verifies.
// A generator stops at the first surprise: a broken key file or vector is a bug to fix, not
// an error to recover from.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod attacks;
mod b64;
mod claims;
mod encoding;
mod format;
mod json_edges;
mod keys;
mod ours;
mod outside;
mod token;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::format::{FORMAT, VectorFile};
use crate::keys::TestKeys;
use crate::ours::Ctx;
use crate::token::Forge;

const OURS: &str = "verify_cases.json";
const OUTSIDE: &str = "outside_cases.json";
const GENERATED_BY: &str =
    "cargo run -p mcp-bearer-vectors-gen (tests/vectors/gen); do not edit by hand";

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in tests/vectors/gen")
        .to_path_buf()
}

/// The tokens of the files as they are now, for signature reuse.
fn previous_tokens(dir: &Path) -> Vec<String> {
    let mut tokens = Vec::new();
    for name in [OURS, OUTSIDE] {
        let Ok(text) = fs::read_to_string(dir.join(name)) else {
            continue;
        };
        let Ok(file) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        for case in file["cases"].as_array().into_iter().flatten() {
            if let Some(token) = case["token"].as_str() {
                tokens.push(token.to_owned());
            }
        }
    }
    tokens
}

/// The files' contents, by name.
fn render(dir: &Path) -> Vec<(&'static str, String)> {
    let previous = previous_tokens(dir);
    let forge = Forge::remembering(previous.iter().map(String::as_str));
    let keys = TestKeys::load(&dir.join("keys"));

    let mut ctx = Ctx {
        keys: &keys,
        forge: &forge,
        cases: Vec::new(),
    };
    ours::algorithms(&mut ctx);
    ours::typ_policy(&mut ctx);
    claims::time_claims(&mut ctx);
    claims::identity_claims(&mut ctx);
    attacks::algorithm_attacks(&mut ctx);
    attacks::key_attacks(&mut ctx);
    encoding::encoding_attacks(&mut ctx);
    json_edges::json_edge_cases(&mut ctx);
    let ours = VectorFile {
        format: FORMAT,
        description: "Our own cases: a valid token per algorithm, the typ policy, every claim check, and the attack corpus. Each case is verified at its own fixed `now`.",
        generated_by: GENERATED_BY,
        cases: ctx.cases,
    };
    let outside = VectorFile {
        format: FORMAT,
        description: "Cases built from the outside vectors copied beside this file (see PROVENANCE.md); `source` names the file each case comes from.",
        generated_by: GENERATED_BY,
        cases: outside::cases(dir, &keys, &forge),
    };

    let mut seen = HashSet::new();
    for case in ours.cases.iter().chain(&outside.cases) {
        assert!(
            seen.insert(case.id.clone()),
            "duplicate case id {}",
            case.id
        );
    }
    [(OURS, ours), (OUTSIDE, outside)]
        .into_iter()
        .map(|(name, file)| {
            let text = serde_json::to_string_pretty(&file).expect("serialize the vectors");
            (name, text + "\n")
        })
        .collect()
}

fn write(dir: &Path) -> ExitCode {
    for (name, text) in render(dir) {
        let path = dir.join(name);
        fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

fn check(dir: &Path) -> ExitCode {
    let mut stale = false;
    for (name, text) in render(dir) {
        let path = dir.join(name);
        let tmp = dir.join(format!("{name}.tmp"));
        fs::write(&tmp, &text).unwrap_or_else(|e| panic!("{}: {e}", tmp.display()));
        let committed = fs::read_to_string(&path).unwrap_or_default();
        if committed == text {
            fs::remove_file(&tmp).unwrap_or_else(|e| panic!("{}: {e}", tmp.display()));
            println!("{name}: up to date");
        } else {
            stale = true;
            println!(
                "{name}: STALE; the regenerated file is {}\n  diff -u {} {}",
                tmp.display(),
                path.display(),
                tmp.display()
            );
        }
    }
    if stale {
        println!("run `cargo run -p mcp-bearer-vectors-gen` and commit the result");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let dir = vectors_dir();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => write(&dir),
        ["--check"] => check(&dir),
        ["--init-keys"] => {
            TestKeys::init(&dir.join("keys"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: gen-vectors [--check | --init-keys]");
            ExitCode::from(2)
        }
    }
}
