//! `mcp-bearer demo`: the whole job with no setup. A local issuer starts in-process, a
//! `Verifier` is built from its issuer URL (discovery, then the remote JWKS), and a good token
//! and a set of bad ones are verified, with each verdict, its reason and the time it took.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::Args;
use mcp_bearer::claims::{ClaimMapping, UserInfo};
use mcp_bearer::net::{Fetch, UreqFetch};
use mcp_bearer::{Error, KeySource, RemoteJwksOptions, VerifiedToken, Verifier, VerifierOptions};
use serde_json::{Map, Value, json};

use crate::exit::{CliError, CliResult, OK, OTHER, check_name};
use crate::issuer::{DevIssuer, DevIssuerOptions, RunningIssuer};
use crate::keys::KeyAlg;
use crate::output::{Style, duration, print_json, printable, progress};

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The issuer's signing algorithm.
    #[arg(long, value_enum, default_value = "RS256")]
    alg: KeyAlg,
    /// Print JSON: {"ok", "issuer", "cases": [{"name", "verdict", "code", "micros", …}]}.
    #[arg(long)]
    json: bool,
}

/// One token and what became of it.
struct Case {
    name: &'static str,
    /// `None` when the token must be accepted, else the code it must be rejected with.
    expected_code: Option<&'static str>,
    outcome: Result<VerifiedToken, Error>,
    elapsed: Duration,
    jwks_fetches: u64,
}

impl Case {
    fn as_expected(&self) -> bool {
        match (&self.outcome, self.expected_code) {
            (Ok(_), None) => true,
            (Err(e), Some(code)) => e.code() == code,
            _ => false,
        }
    }
}

/// Verifies tokens through a verifier and records each case.
struct Bench<'a> {
    verifier: &'a Verifier,
    cases: Vec<Case>,
}

impl Bench<'_> {
    fn fetch_count(&self) -> u64 {
        match self.verifier.source() {
            KeySource::Remote(remote) => remote.fetch_count(),
            KeySource::Static(_) => 0,
        }
    }

    fn run(&mut self, name: &'static str, token: &str, expected_code: Option<&'static str>) {
        let fetches_before = self.fetch_count();
        let started = Instant::now();
        let outcome = self.verifier.verify(token);
        let elapsed = started.elapsed();
        self.cases.push(Case {
            name,
            expected_code,
            outcome,
            elapsed,
            jwks_fetches: self.fetch_count() - fetches_before,
        });
    }
}

fn mint(issuer: &DevIssuer, request: Value) -> Result<String, CliError> {
    let request = match request {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let minted = issuer
        .mint(&request)
        .map_err(|e| CliError::new(OTHER, format!("the demo issuer could not mint: {e}")))?;
    minted
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| CliError::new(OTHER, "the demo issuer returned no token"))
}

/// The same token with its payload changed and the signature kept: what an attacker who
/// edits a token to become someone else would send.
fn tampered(token: &str) -> String {
    let mut parts = token.splitn(3, '.');
    let (header, _payload, signature) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let forged = json!({"sub": "admin", "scope": "read write admin"});
    format!(
        "{header}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(forged.to_string().as_bytes())
    )
}

/// Runs the demo; exit code 0 when every verdict is as expected.
pub(crate) fn demo(args: &DemoArgs) -> CliResult {
    let style = Style::for_stdout();
    progress("starting the local issuer…");
    let running = RunningIssuer::start(DevIssuerOptions {
        port: 0,
        alg: args.alg.algorithm(),
        issuer_url: None,
        keys: Vec::new(),
        verbose: false,
    })?;
    let issuer = Arc::clone(running.issuer());
    let fetch: Arc<dyn Fetch> = UreqFetch::shared()?;
    progress("discovering the issuer…");
    let started = Instant::now();
    let mcp_bearer::IssuerVerifier { verifier, metadata } = Verifier::from_issuer(
        issuer.issuer(),
        VerifierOptions {
            audiences: vec![issuer.resource()],
            ..VerifierOptions::default()
        },
        // No cooldown: the demo rotates keys seconds apart and wants each rotation seen.
        RemoteJwksOptions {
            cooldown: Duration::ZERO,
            ..RemoteJwksOptions::default()
        },
        fetch,
    )?;
    let discovery_time = started.elapsed();

    let good = mint(
        &issuer,
        json!({"sub": "alice", "name": "Alice Example", "email": "alice@example.com",
               "scope": "read write", "client_id": "demo-client"}),
    )?;
    let mut bench = Bench {
        verifier: &verifier,
        cases: Vec::new(),
    };
    bench.run("good token, cold (fetches the JWKS)", &good, None);
    bench.run("good token again (verified-token cache)", &good, None);
    let expired = mint(&issuer, json!({"sub": "bob", "ttl": -300}))?;
    bench.run("expired 5 min ago", &expired, Some("ERR_JWT_EXPIRED"));
    let other_audience = mint(&issuer, json!({"aud": "https://other.example.com/mcp"}))?;
    bench.run(
        "issued for another server",
        &other_audience,
        Some("ERR_JWT_CLAIM_VALIDATION_FAILED"),
    );
    let victim = mint(&issuer, json!({"sub": "carol", "scope": "read"}))?;
    bench.run(
        "tampered payload",
        &tampered(&victim),
        Some("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    bench.run(
        "opaque token (not a JWT)",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        Some("ERR_TOKEN_OPAQUE"),
    );
    let unknown_kid = mint(&issuer, json!({"kid": "not-in-the-jwks"}))?;
    bench.run(
        "unknown kid",
        &unknown_kid,
        Some("ERR_JWKS_NO_MATCHING_KEY"),
    );
    issuer.rotate(None, false)?;
    let after_rotation = mint(&issuer, json!({"sub": "dave"}))?;
    bench.run("signed by a new key after rotation", &after_rotation, None);
    issuer.rotate(None, true)?;
    // The verifier refreshes its keys every 10 minutes; the demo does not wait for that.
    verifier.prefetch()?;
    bench.run(
        "good token, its key rotated out",
        &good,
        Some("ERR_JWKS_NO_MATCHING_KEY"),
    );
    let cases = bench.cases;
    let ok = cases.iter().all(Case::as_expected);
    if args.json {
        print_json_report(&issuer, &metadata.source_url, discovery_time, &cases, ok);
    } else {
        print_report(&issuer, &metadata.source_url, discovery_time, &cases, style);
    }
    running.stop();
    Ok(if ok { OK } else { OTHER })
}

/// The user a token speaks for, read with the core's default OIDC claim mapping.
fn user_info(token: &VerifiedToken) -> String {
    let user = UserInfo::from_claims(token.claims(), &ClaimMapping::oidc());
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    format!(
        "user {} ({}, {}), scopes [{}], client {}",
        dash(&user.user_id),
        dash(&user.name),
        dash(&user.email),
        user.scopes.join(" "),
        dash(&user.client_id)
    )
}

fn print_report(
    issuer: &DevIssuer,
    discovery_url: &str,
    discovery_time: Duration,
    cases: &[Case],
    style: Style,
) {
    out!("{}", style.bold("mcp-bearer demo"));
    out!("  issuer     {} (in-process, on loopback)", issuer.issuer());
    out!(
        "  discovery  {discovery_url} -> {} ({})",
        issuer.jwks_uri(),
        duration(discovery_time)
    );
    out!("  audience   {}", issuer.resource());
    out!(
        "  {}",
        style.dim(
            "JWKS refetch cooldown 0 s here (default 30 s): the demo rotates keys seconds apart"
        )
    );
    out!();
    let width = cases.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for case in cases {
        let mark = if case.as_expected() {
            style.green("✓")
        } else {
            style.red("✗")
        };
        let fetched = if case.jwks_fetches > 0 {
            style.dim(&format!(" ({} JWKS fetch)", case.jwks_fetches))
        } else {
            String::new()
        };
        let verdict = match &case.outcome {
            Ok(_) => style.green("accepted"),
            Err(_) => style.yellow("rejected"),
        };
        out!(
            "{mark} {:<width$}  {verdict}  {:>9}{fetched}",
            case.name,
            duration(case.elapsed)
        );
        match &case.outcome {
            Ok(token) => out!("    {}", printable(&user_info(token))),
            Err(e) => out!(
                "    {} {}: {}",
                e.code(),
                check_name(e),
                printable(e.message())
            ),
        }
        if !case.as_expected() {
            out!(
                "    {}",
                style.red(&format!(
                    "expected {}",
                    case.expected_code.unwrap_or("the token to be accepted")
                ))
            );
        }
    }
    let good = cases.iter().filter(|c| c.as_expected()).count();
    out!();
    out!("{good} of {} verdicts as expected", cases.len());
}

fn print_json_report(
    issuer: &DevIssuer,
    discovery_url: &str,
    discovery_time: Duration,
    cases: &[Case],
    ok: bool,
) {
    let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    let rendered: Vec<Value> = cases
        .iter()
        .map(|case| {
            let (verdict, code, message, subject) = match &case.outcome {
                Ok(t) => ("accepted", None, None, t.subject().map(str::to_owned)),
                Err(e) => (
                    "rejected",
                    Some(e.code()),
                    Some(e.message().to_owned()),
                    None,
                ),
            };
            json!({
                "name": case.name,
                "verdict": verdict,
                "expected_code": case.expected_code,
                "code": code,
                "message": message,
                "subject": subject,
                "as_expected": case.as_expected(),
                "micros": micros(case.elapsed),
                "jwks_fetches": case.jwks_fetches,
            })
        })
        .collect();
    print_json(
        &json!({
            "ok": ok,
            "issuer": issuer.issuer(),
            "discovery_url": discovery_url,
            "discovery_micros": micros(discovery_time),
            "audience": issuer.resource(),
            "cases": rendered,
        }),
        false,
    );
}
