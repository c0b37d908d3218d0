//! UniFFI's `uniffi-bindgen` at the version `mcp-bearer-ffi` uses, plus one subcommand of
//! ours: `uniffi-bindgen exports <library>` prints what a compiled library exports, read from
//! its UniFFI metadata, one `kind name` line each (`function all_errors`, `constructor
//! JwtVerifier.new`, `method JwtVerifier.verify`, `record VerifiedToken`, `enum TypPolicy`,
//! `trait_method HttpFetcher.fetch`, …), for the test that every export is exercised.

use std::process::ExitCode;

use camino::Utf8Path;
use uniffi_meta::Metadata;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("exports") => match args.get(2) {
            Some(library) => exports(Utf8Path::new(library)),
            None => {
                eprintln!("usage: uniffi-bindgen exports <path to the compiled library>");
                ExitCode::from(2)
            }
        },
        _ => {
            uniffi::uniffi_bindgen_main();
            ExitCode::SUCCESS
        }
    }
}

fn exports(library: &Utf8Path) -> ExitCode {
    let items = match uniffi_bindgen::macro_metadata::extract_from_library(library) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("cannot read the UniFFI metadata of {library}: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let mut lines: Vec<String> = items.iter().filter_map(line).collect();
    lines.sort();
    lines.dedup();
    for l in lines {
        println!("{l}");
    }
    ExitCode::SUCCESS
}

fn line(item: &Metadata) -> Option<String> {
    Some(match item {
        Metadata::Func(f) => format!("function {}", f.name),
        Metadata::Object(o) => format!("object {}", o.name),
        Metadata::CallbackInterface(c) => format!("callback_interface {}", c.name),
        Metadata::Record(r) => format!("record {}", r.name),
        Metadata::Enum(e) => format!("enum {}", e.name),
        Metadata::Constructor(c) => format!("constructor {}.{}", c.self_name, c.name),
        Metadata::Method(m) => format!("method {}.{}", m.self_name, m.name),
        Metadata::TraitMethod(m) => format!("trait_method {}.{}", m.trait_name, m.name),
        Metadata::CustomType(c) => format!("custom_type {}", c.name),
        Metadata::Namespace(_)
        | Metadata::UdlFile(_)
        | Metadata::UniffiTrait(_)
        | Metadata::ObjectTraitImpl(_) => return None,
    })
}
