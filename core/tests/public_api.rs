//! The public API of the core, as a checked-in list (`core/public-api.txt`), so that the
//! surface the bindings wrap changes only on purpose.
//!
//! The list is read from the source with `syn`, starting at `src/lib.rs` and following every
//! `pub mod`, and every private module that its parent re-exports from (`pub use
//! client_metadata::{…}`), whose public items are public under the re-exported names
//! (other private modules and `#[cfg(test)]` code are skipped; `pub use` lines are listed as
//! written). Each line is one public item: a module, a re-export, a type with its public
//! fields or variants, a trait and its items, a constant, a function or method with its
//! signature, and each trait implemented for a public type.
//!
//! After an intended change, regenerate and commit the list:
//! `UPDATE_PUBLIC_API=1 cargo test -p mcp-bearer --test public_api`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, TraitItem, Visibility};

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn has_cfg_test(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.to_token_stream().to_string().contains("test"))
}

fn doc_hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && a.meta.to_token_stream().to_string().contains("hidden")
    })
}

/// Token text with the spaces `quote` puts everywhere taken out where Rust would not write
/// them.
fn tidy(tokens: impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        (" ;", ";"),
        ("< ", "<"),
        (" >", ">"),
        (" <", "<"),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        ("& ", "&"),
        (" :", ":"),
        ("' ", "'"),
        ("# ", "#"),
        ("! ", "!"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s = s.replace("->", " -> ").replace("  ", " ");
    s.replace(" (", "(").replace("fn ", "")
}

/// Where the source of module `name`, declared in the file `parent` (whose own module
/// directory is `dir`), lives.
fn module_file(dir: &Path, name: &str) -> PathBuf {
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// The directory that holds the submodules of the module in `file`.
fn module_dir(file: &Path) -> PathBuf {
    let stem = file.file_stem().unwrap().to_str().unwrap();
    let parent = file.parent().unwrap();
    if stem == "mod" || stem == "lib" {
        parent.to_path_buf()
    } else {
        parent.join(stem)
    }
}

/// The first path segment of every `pub use` in `items` (`pub use client_metadata::{…}` →
/// `client_metadata`): the private submodules whose public items this module re-exports.
fn reexported_modules(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Use(u) if is_pub(&u.vis) => match &u.tree {
                syn::UseTree::Path(p) => Some(p.ident.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The structs, enums and unions of `items` that are not `pub`.
fn private_types(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if !is_pub(&s.vis) => Some(s.ident.to_string()),
            Item::Enum(e) if !is_pub(&e.vis) => Some(e.ident.to_string()),
            Item::Union(u) if !is_pub(&u.vis) => Some(u.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Whether `ty` names one of `private` (a bare path to a type of this module).
fn is_private_type(ty: &syn::Type, private: &[String]) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let ident = p.path.segments[0].ident.to_string();
            private.contains(&ident)
        }
        _ => false,
    }
}

fn walk_items(items: &[Item], path: &str, dir: &Path, out: &mut Vec<String>) {
    let reexported = reexported_modules(items);
    let private = private_types(items);
    for item in items {
        match item {
            // A private module whose items this one re-exports: its public items are public
            // API under their re-exported names, so they are listed too (with their
            // methods and fields), under the module they are written in. The workspace's
            // `unreachable_pub` lint keeps `pub` items that are not re-exported out of them.
            Item::Mod(m)
                if !is_pub(&m.vis)
                    && !has_cfg_test(&m.attrs)
                    && reexported.contains(&m.ident.to_string()) =>
            {
                let child = format!("{path}::{}", m.ident);
                out.push(format!("(re-exported) mod {child}"));
                match &m.content {
                    Some((_, inner)) => {
                        walk_items(inner, &child, &dir.join(m.ident.to_string()), out)
                    }
                    None => {
                        let file = module_file(dir, &m.ident.to_string());
                        walk_file(&file, &child, out);
                    }
                }
            }
            Item::Mod(m) if is_pub(&m.vis) && !has_cfg_test(&m.attrs) => {
                let child = format!("{path}::{}", m.ident);
                let hidden = if doc_hidden(&m.attrs) {
                    "#[doc(hidden)] "
                } else {
                    ""
                };
                out.push(format!("{hidden}mod {child}"));
                match &m.content {
                    Some((_, inner)) => {
                        walk_items(inner, &child, &dir.join(m.ident.to_string()), out)
                    }
                    None => {
                        let file = module_file(dir, &m.ident.to_string());
                        walk_file(&file, &child, out);
                    }
                }
            }
            Item::Use(u) if is_pub(&u.vis) => {
                out.push(format!("{path}: {}", tidy(&u.tree).replace(' ', "")));
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let generics = tidy(&s.generics);
                out.push(format!("struct {path}::{}{generics}", s.ident));
                for f in &s.fields {
                    if is_pub(&f.vis) {
                        let name = f.ident.as_ref().map_or("_".to_owned(), ToString::to_string);
                        out.push(format!(
                            "  field {path}::{}::{name}: {}",
                            s.ident,
                            tidy(&f.ty)
                        ));
                    }
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                out.push(format!("enum {path}::{}{}", e.ident, tidy(&e.generics)));
                for v in &e.variants {
                    out.push(format!(
                        "  variant {path}::{}::{}{}",
                        e.ident,
                        v.ident,
                        tidy(&v.fields)
                    ));
                }
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                out.push(format!("trait {path}::{}{}", t.ident, tidy(&t.generics)));
                for ti in &t.items {
                    match ti {
                        TraitItem::Fn(f) => {
                            out.push(format!("  trait fn {path}::{}::{}", t.ident, tidy(&f.sig)))
                        }
                        TraitItem::Type(ty) => {
                            out.push(format!("  trait type {path}::{}::{}", t.ident, ty.ident))
                        }
                        TraitItem::Const(c) => {
                            out.push(format!("  trait const {path}::{}::{}", t.ident, c.ident))
                        }
                        _ => {}
                    }
                }
            }
            Item::Fn(f) if is_pub(&f.vis) && !has_cfg_test(&f.attrs) => {
                let hidden = if doc_hidden(&f.attrs) {
                    "#[doc(hidden)] "
                } else {
                    ""
                };
                out.push(format!("{hidden}fn {path}::{}", tidy(&f.sig)));
            }
            Item::Const(c) if is_pub(&c.vis) => {
                out.push(format!("const {path}::{}: {}", c.ident, tidy(&c.ty)));
            }
            Item::Static(s) if is_pub(&s.vis) => {
                out.push(format!("static {path}::{}: {}", s.ident, tidy(&s.ty)));
            }
            Item::Type(t) if is_pub(&t.vis) => {
                out.push(format!(
                    "type {path}::{}{} = {}",
                    t.ident,
                    tidy(&t.generics),
                    tidy(&t.ty)
                ));
            }
            // The impls of a type the module does not make public are not public API.
            Item::Impl(i) if !has_cfg_test(&i.attrs) && !is_private_type(&i.self_ty, &private) => {
                let self_ty = tidy(&i.self_ty);
                if let Some((_, trait_path, _)) = &i.trait_ {
                    out.push(format!(
                        "impl {} for {self_ty} (in {path})",
                        tidy(trait_path)
                    ));
                    continue;
                }
                for ii in &i.items {
                    match ii {
                        ImplItem::Fn(f) if is_pub(&f.vis) && !has_cfg_test(&f.attrs) => {
                            out.push(format!("fn {path}::{self_ty}::{}", tidy(&f.sig)));
                        }
                        ImplItem::Const(c) if is_pub(&c.vis) => {
                            out.push(format!(
                                "const {path}::{self_ty}::{}: {}",
                                c.ident,
                                tidy(&c.ty)
                            ));
                        }
                        _ => {}
                    }
                }
            }
            // `from_config_data!(Type)` writes `Type::from_json` and `Type::from_value`.
            Item::Macro(m)
                if m.mac.path.segments.last().map(|s| s.ident.to_string())
                    == Some("from_config_data".to_owned()) =>
            {
                let ty = m.mac.tokens.to_string();
                out.push(format!(
                    "fn {path}::{ty}::from_json(text: &str) -> Result<Self>"
                ));
                out.push(format!(
                    "fn {path}::{ty}::from_value(value: Value) -> Result<Self>"
                ));
            }
            _ => {}
        }
    }
}

fn walk_file(file: &Path, path: &str, out: &mut Vec<String>) {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    walk_items(&parsed.items, path, &module_dir(file), out);
}

fn public_api() -> String {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let mut lines = Vec::new();
    walk_file(&lib, "mcp_bearer", &mut lines);
    // Impl blocks of private types with public methods are not reachable; they are listed
    // only when their type is, which the reader checks by eye in the diff. The order is the
    // source order within a file, files in module order, so a diff reads like the code.
    lines.join("\n") + "\n"
}

#[test]
fn the_public_api_is_the_checked_in_list() {
    let listed = Path::new(env!("CARGO_MANIFEST_DIR")).join("public-api.txt");
    let now = public_api();
    if std::env::var_os("UPDATE_PUBLIC_API").is_some() {
        fs::write(&listed, &now).unwrap();
        return;
    }
    let committed = fs::read_to_string(&listed).unwrap_or_default();
    if committed != now {
        let old: Vec<&str> = committed.lines().collect();
        let new: Vec<&str> = now.lines().collect();
        let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
        let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
        panic!(
            "the public API changed; if on purpose, run \
             `UPDATE_PUBLIC_API=1 cargo test -p mcp-bearer --test public_api` and commit \
             core/public-api.txt\nremoved:\n  {}\nadded:\n  {}",
            removed
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n  "),
            added
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n  "),
        );
    }
}

/// Names of third-party types that the core imports by name somewhere (`url::Url`,
/// `url::Host`, `base64::DecodeError`, ureq's `Agent` and `Uri`, rustls' `ClientConfig`,
/// parking_lot's locks).
const THIRD_PARTY_NAMES: &[&str] = &[
    "Url",
    "Host",
    "ParseError",
    "DecodeError",
    "Agent",
    "Uri",
    "ClientConfig",
    "Mutex",
    "RwLock",
];

/// `line` with every `mcp_bearer::…` path taken out.
fn without_own_paths(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("mcp_bearer::") {
        out.push_str(&rest[..at]);
        rest = rest[at..].trim_start_matches(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
    }
    out.push_str(rest);
    out
}

#[test]
fn no_third_party_type_in_a_public_signature() {
    let api = public_api();
    let offenders: Vec<&str> = api
        .lines()
        .filter(|l| !l.starts_with("impl ") && !l.starts_with("mcp_bearer"))
        .filter(|l| {
            // The item's own path (`mcp_bearer::net::ureq::UreqFetch`) is ours, whatever its
            // module is named: only what is left (field types, parameters, return types) is
            // checked.
            let types = without_own_paths(l);
            let by_path = [
                "url::",
                "base64::",
                "ureq::",
                "rustls::",
                "aws_lc_rs::",
                "parking_lot::",
            ]
            .iter()
            .any(|c| types.contains(c));
            // The same types imported by name (`use url::Url;` then `-> Result<Url>`).
            let by_name = types
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| THIRD_PARTY_NAMES.contains(&word));
            by_path || by_name
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}
