//! `mcp-bearer doctor`: checks an identity provider (and optionally an MCP server) for what
//! MCP authorization needs, and prints a pass/warn/fail list.

use std::sync::Arc;

use clap::Args;
use mcp_bearer::discovery::{DiscoveryOptions, ProviderMetadata, discover};
use mcp_bearer::jwk::{KeySetOptions, KeyType, MIN_RSA_BITS};
use mcp_bearer::jwks::JwksCache;
use mcp_bearer::metadata::{ProtectedResourceMetadata, protected_resource_metadata_url};
use mcp_bearer::net::UreqFetch;
use mcp_bearer::net::{Fetch, HttpRequest, Method};
use mcp_bearer::{Jwk, KeySet, RemoteJwksOptions};
use serde_json::{Value, json};

use crate::challenge;
use crate::exit::{CliResult, OK, OTHER};
use crate::output::{Style, print_json, printable, progress};

/// Arguments of `doctor`.
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// The identity provider's issuer URL.
    #[arg(long, value_name = "URL")]
    issuer: String,
    /// The MCP server's resource URL (e.g. https://mcp.example.com/mcp): checks its RFC 9728
    /// metadata and its 401 challenge.
    #[arg(long, value_name = "URL")]
    resource: Option<String>,
    /// Print JSON: {"ok", "checks": [{"check", "status", "detail"}]}.
    #[arg(long)]
    json: bool,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// The checks made so far.
#[derive(Debug, Default)]
struct Report {
    checks: Vec<(&'static str, Status, String)>,
}

impl Report {
    fn add(&mut self, check: &'static str, status: Status, detail: impl Into<String>) {
        self.checks.push((check, status, detail.into()));
    }

    fn failed(&self) -> bool {
        self.checks.iter().any(|(_, s, _)| *s == Status::Fail)
    }
}

/// Runs every check and prints the list; exit code 1 when one fails (warnings pass).
pub(crate) fn doctor(args: &DoctorArgs) -> CliResult {
    let mut report = Report::default();
    let fetch: Arc<dyn Fetch> = UreqFetch::shared()?;
    progress(&format!("discovering {}…", args.issuer));
    match discover(&args.issuer, fetch.as_ref(), &DiscoveryOptions::default()) {
        Ok(metadata) => {
            report.add(
                "discovery",
                Status::Pass,
                format!("metadata at {}", metadata.source_url),
            );
            check_keys(&mut report, &metadata, fetch.as_ref());
            check_client_support(&mut report, &metadata);
        }
        Err(e) => {
            report.add(
                "discovery",
                Status::Fail,
                format!("{} [{}]", e.message(), e.code()),
            );
            for check in [
                "jwks_uri",
                "signing algorithms",
                "key strength",
                "PKCE",
                "DCR",
            ] {
                report.add(check, Status::Skip, "needs discovery");
            }
        }
    }
    if let Some(resource) = &args.resource {
        progress(&format!("checking the resource {resource}…"));
        check_resource(&mut report, resource, &args.issuer, fetch.as_ref());
    }
    print_report(&report, args);
    Ok(if report.failed() { OTHER } else { OK })
}

fn check_keys(report: &mut Report, metadata: &ProviderMetadata, fetch: &dyn Fetch) {
    let skip_rest = |report: &mut Report| {
        report.add("signing algorithms", Status::Skip, "needs the JWKS");
        report.add("key strength", Status::Skip, "needs the JWKS");
    };
    let Some(jwks_uri) = metadata.jwks_uri.as_deref() else {
        report.add("jwks_uri", Status::Fail, "the metadata has no \"jwks_uri\"");
        return skip_rest(report);
    };
    // The URL policy the verifier applies: building the cache checks it, and fetches nothing.
    if let Err(e) = JwksCache::new(jwks_uri, RemoteJwksOptions::default()) {
        report.add("jwks_uri", Status::Fail, e.message());
        return skip_rest(report);
    }
    let mut request = HttpRequest::get(jwks_uri);
    request.max_response_bytes = mcp_bearer::jwks::DEFAULT_MAX_RESPONSE_BYTES;
    progress(&format!("fetching {jwks_uri}…"));
    let keys = match fetch.fetch(&request) {
        Ok(r) if r.status == 200 => KeySet::from_slice(&r.body, KeySetOptions::default()),
        Ok(r) => {
            report.add(
                "jwks_uri",
                Status::Fail,
                format!("{jwks_uri} answered HTTP {}", r.status),
            );
            return skip_rest(report);
        }
        Err(e) => {
            report.add("jwks_uri", Status::Fail, e.to_string());
            return skip_rest(report);
        }
    };
    let keys = match keys {
        Ok(keys) => keys,
        Err(e) => {
            report.add(
                "jwks_uri",
                Status::Fail,
                format!("{jwks_uri}: {} [{}]", e.message(), e.code()),
            );
            return skip_rest(report);
        }
    };
    report.add(
        "jwks_uri",
        Status::Pass,
        format!(
            "{jwks_uri}: {} usable key{} (kids [{}])",
            keys.keys().len(),
            if keys.keys().len() == 1 { "" } else { "s" },
            keys.kids().join(", ")
        ),
    );
    check_algorithms(report, metadata, &keys);
    check_strength(report, &keys);
}

fn key_description(key: &Jwk) -> String {
    let alg = key.algorithm().map(|a| a.name().to_owned());
    match (key.key_type(), key.curve(), key.rsa_bits()) {
        (KeyType::Rsa, _, Some(bits)) => format!("RSA {bits} bits{}", suffix(alg)),
        (_, Some(curve), _) => format!("{} {}{}", key.key_type().name(), curve.name(), suffix(alg)),
        _ => format!("{}{}", key.key_type().name(), suffix(alg)),
    }
}

fn suffix(alg: Option<String>) -> String {
    alg.map(|a| format!(" ({a})")).unwrap_or_default()
}

fn check_algorithms(report: &mut Report, metadata: &ProviderMetadata, keys: &KeySet) {
    if keys.keys().is_empty() {
        report.add(
            "signing algorithms",
            Status::Fail,
            "the JWKS has no usable signing key",
        );
        return;
    }
    let mut algs: Vec<String> = keys
        .keys()
        .iter()
        .map(|k| {
            k.algorithm().map_or_else(
                || format!("{} (no alg)", k.key_type().name()),
                |a| a.name().to_owned(),
            )
        })
        .collect();
    algs.sort();
    algs.dedup();
    let advertised = &metadata.id_token_signing_alg_values_supported;
    let unsafe_advertised: Vec<&String> = advertised
        .iter()
        .filter(|a| a.eq_ignore_ascii_case("none") || a.starts_with("HS"))
        .collect();
    let detail = format!(
        "keys sign with {}; the metadata advertises [{}]",
        algs.join(", "),
        advertised.join(", ")
    );
    if unsafe_advertised.is_empty() {
        report.add("signing algorithms", Status::Pass, detail);
    } else {
        report.add(
            "signing algorithms",
            Status::Warn,
            format!("{detail}; {unsafe_advertised:?} cannot be verified from a JWKS"),
        );
    }
}

fn check_strength(report: &mut Report, keys: &KeySet) {
    let described: Vec<String> = keys.keys().iter().map(key_description).collect();
    let weak: Vec<&Jwk> = keys
        .keys()
        .iter()
        .filter(|k| k.rsa_bits().is_some_and(|b| b < MIN_RSA_BITS))
        .collect();
    let skipped: Vec<String> = keys
        .skipped()
        .iter()
        .map(|s| {
            // The core's own rendering: the kid quoted, bounded and escaped.
            match s.kid {
                Some(_) => format!("#{} {s}", s.index),
                None => s.to_string(),
            }
        })
        .collect();
    let mut detail = described.join("; ");
    if !skipped.is_empty() {
        detail.push_str(&format!("; skipped members: {}", skipped.join("; ")));
    }
    let status = if !weak.is_empty() || keys.keys().is_empty() {
        Status::Fail
    } else if skipped.is_empty() {
        Status::Pass
    } else {
        Status::Warn
    };
    report.add("key strength", status, detail);
}

fn check_client_support(report: &mut Report, metadata: &ProviderMetadata) {
    let methods = &metadata.code_challenge_methods_supported;
    if methods.iter().any(|m| m == "S256") {
        report.add("PKCE", Status::Pass, "S256 is supported");
    } else if metadata.authorization_endpoint.is_some() {
        report.add(
            "PKCE",
            Status::Fail,
            format!(
                "code_challenge_methods_supported is [{}], without S256: MCP clients refuse to \
                 log in without it",
                methods.join(", ")
            ),
        );
    } else {
        report.add(
            "PKCE",
            Status::Warn,
            "no authorization_endpoint and no S256 advertised: this issuer cannot log users in \
             for MCP clients",
        );
    }
    match &metadata.registration_endpoint {
        Some(endpoint) => report.add("DCR", Status::Pass, format!("registration at {endpoint}")),
        None => report.add(
            "DCR",
            Status::Warn,
            "no registration_endpoint: MCP clients need a pre-registered client id, or an OAuth \
             proxy in front of this provider",
        ),
    }
}

fn check_resource(report: &mut Report, resource: &str, issuer: &str, fetch: &dyn Fetch) {
    let metadata_url = match protected_resource_metadata_url(resource) {
        Ok(url) => url,
        Err(e) => {
            report.add("resource metadata", Status::Fail, e.message());
            return;
        }
    };
    match fetch.fetch(&HttpRequest::get(&metadata_url)) {
        Ok(r) if r.status == 200 => {
            match serde_json::from_slice::<ProtectedResourceMetadata>(&r.body) {
                Ok(document) => {
                    report.add(
                        "resource metadata",
                        Status::Pass,
                        format!("at {metadata_url}"),
                    );
                    check_resource_document(report, &document, resource, issuer);
                }
                Err(e) => report.add(
                    "resource metadata",
                    Status::Fail,
                    format!("{metadata_url} is not an RFC 9728 document: {e}"),
                ),
            }
        }
        Ok(r) => report.add(
            "resource metadata",
            Status::Fail,
            format!(
                "{metadata_url} answered HTTP {} (RFC 9728 §3){}",
                r.status,
                trailing_slash_hint(resource, fetch)
            ),
        ),
        Err(e) => report.add("resource metadata", Status::Fail, e.to_string()),
    }
    check_challenge(report, resource, &metadata_url, fetch);
}

/// The well-known URL keeps the resource's path as written, so `/mcp/` and `/mcp` have
/// different metadata URLs; when only the other spelling answers, say so.
fn trailing_slash_hint(resource: &str, fetch: &dyn Fetch) -> String {
    let other = match resource.strip_suffix('/') {
        Some(without) => without.to_owned(),
        None => format!("{resource}/"),
    };
    let Ok(other_url) = protected_resource_metadata_url(&other) else {
        return String::new();
    };
    match fetch.fetch(&HttpRequest::get(&other_url)) {
        Ok(r) if r.status == 200 => format!(
            "; {other_url} answers: the resource URL differs only by a trailing slash \
             (use {other:?})"
        ),
        _ => String::new(),
    }
}

fn check_resource_document(
    report: &mut Report,
    document: &ProtectedResourceMetadata,
    resource: &str,
    issuer: &str,
) {
    let named = document.resource.as_str();
    if named == resource {
        report.add("resource identifier", Status::Pass, named);
    } else {
        let slash = named.trim_end_matches('/') == resource.trim_end_matches('/');
        report.add(
            "resource identifier",
            Status::Fail,
            format!(
                "the metadata names {named:?}, not {resource:?}{}",
                if slash {
                    " (differs only by a trailing slash)"
                } else {
                    ""
                }
            ),
        );
    }
    let servers = &document.authorization_servers;
    if servers.iter().any(|s| s == issuer) {
        report.add(
            "authorization servers",
            Status::Pass,
            format!("lists {issuer}"),
        );
    } else {
        report.add(
            "authorization servers",
            Status::Fail,
            format!(
                "authorization_servers is [{}]; MCP clients find {issuer} only if it is listed",
                servers.join(", ")
            ),
        );
    }
}

fn check_challenge(report: &mut Report, resource: &str, metadata_url: &str, fetch: &dyn Fetch) {
    // An MCP client's first request: a JSON-RPC POST without a token.
    let mut request = HttpRequest::get(resource);
    request.method = Method::Post;
    request.headers = vec![
        (
            "Accept".into(),
            "application/json, text/event-stream".into(),
        ),
        ("Content-Type".into(), "application/json".into()),
    ];
    request.body = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.to_vec();
    let response = match fetch.fetch(&request) {
        Ok(r) => r,
        Err(e) => {
            report.add("401 challenge", Status::Fail, e.to_string());
            return;
        }
    };
    if response.status != 401 {
        report.add(
            "401 challenge",
            Status::Fail,
            format!(
                "an unauthenticated request got HTTP {}, expected 401",
                response.status
            ),
        );
        return;
    }
    let Some(header) = response.header("www-authenticate") else {
        report.add(
            "401 challenge",
            Status::Fail,
            "the 401 has no WWW-Authenticate header (RFC 6750 §3)",
        );
        return;
    };
    let challenges = challenge::parse(header);
    let Some(bearer) = challenges
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case("bearer"))
    else {
        report.add(
            "401 challenge",
            Status::Fail,
            format!("WWW-Authenticate has no Bearer challenge: {header}"),
        );
        return;
    };
    match bearer.param("resource_metadata") {
        Some(url) if url == metadata_url => report.add("401 challenge", Status::Pass, header),
        Some(url) => report.add(
            "401 challenge",
            Status::Warn,
            format!("resource_metadata is {url:?}; the well-known URL is {metadata_url:?}"),
        ),
        None => report.add(
            "401 challenge",
            Status::Fail,
            format!(
                "the Bearer challenge has no resource_metadata (MCP authorization, RFC 9728 §5.1): \
                 {header}"
            ),
        ),
    }
}

fn print_report(report: &Report, args: &DoctorArgs) {
    if args.json {
        let checks: Vec<Value> = report
            .checks
            .iter()
            .map(|(check, status, detail)| {
                json!({ "check": check, "status": status.name(), "detail": detail })
            })
            .collect();
        print_json(
            &json!({
                "issuer": args.issuer,
                "resource": args.resource,
                "ok": !report.failed(),
                "checks": checks,
            }),
            false,
        );
        return;
    }
    let style = Style::for_stdout();
    let width = report
        .checks
        .iter()
        .map(|(c, _, _)| c.len())
        .max()
        .unwrap_or(0);
    for (check, status, detail) in &report.checks {
        let mark = match status {
            Status::Pass => style.green("pass"),
            Status::Warn => style.yellow("warn"),
            Status::Fail => style.red("FAIL"),
            Status::Skip => style.dim("skip"),
        };
        // Details quote what the servers answered (URLs, kids, headers, error messages).
        out!("{mark}  {check:<width$}  {}", printable(detail));
    }
    let count = |s: Status| report.checks.iter().filter(|(_, x, _)| *x == s).count();
    out!(
        "{} passed, {} warnings, {} failed",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_document_naming_another_resource_fails_with_a_slash_hint() {
        let mut report = Report::default();
        let document = ProtectedResourceMetadata::new(
            "https://mcp.example.com/mcp/",
            vec!["https://idp.example.com".into()],
        );
        check_resource_document(
            &mut report,
            &document,
            "https://mcp.example.com/mcp",
            "https://idp.example.com",
        );
        assert_eq!(report.checks[0].1, Status::Fail);
        assert!(report.checks[0].2.contains("trailing slash"));
        assert_eq!(report.checks[1].1, Status::Pass);
    }
}
