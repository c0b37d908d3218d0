//! `mcp-bearer verify`: verifies a token as an MCP server would and, when it fails, says in
//! one line which check failed, with both sides of it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use mcp_bearer::clock::SystemClock;
use mcp_bearer::discovery::{DiscoveryOptions, discover};
use mcp_bearer::jwk::KeySetOptions;
use mcp_bearer::jws::decode_header;
use mcp_bearer::net::{Fetch, UreqFetch};
use mcp_bearer::{
    Algorithm, Error, KeySet, KeySource, RemoteJwks, RemoteJwksOptions, VerifiedToken, Verifier,
    VerifierOptions, verify_jws,
};
use serde_json::{Value, json};

use crate::exit::{CliError, CliResult, OK, check_name, exit_code_for};
use crate::output::{Style, duration, pretty_json_for_people, print_json, printable, progress};
use crate::timefmt::{describe_claim_time, iso8601, now_secs};
use crate::token::token_argument;

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The token; read from stdin when omitted or `-`.
    token: Option<String>,
    /// The issuer the token must come from (its `iss`); its keys are found by discovery
    /// unless --jwks-url or --jwks-file is given.
    #[arg(long)]
    issuer: Option<String>,
    /// An audience this server accepts (usually its resource URL); repeatable. Without it the
    /// audience is not checked, and the output says so.
    #[arg(long = "audience", value_name = "AUDIENCE")]
    audiences: Vec<String>,
    /// Fetch the keys from this JWKS URL instead of discovering it.
    #[arg(long, value_name = "URL", conflicts_with = "jwks_file")]
    jwks_url: Option<String>,
    /// Read the keys from this JWKS file instead of fetching them.
    #[arg(long, value_name = "FILE")]
    jwks_file: Option<PathBuf>,
    /// A scope the token must carry; repeatable.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// Verify the signature layer only (JWS) and print the payload; no claim is checked.
    #[arg(long)]
    jws: bool,
    /// Print a machine-readable result: {"valid", "code", "message", "check", "claim",
    /// "expected", "actual", "exit_code", …}.
    #[arg(long)]
    json: bool,
    /// Clock skew tolerated on exp, nbf and iat, in seconds (default 30).
    #[arg(long, value_name = "SECS")]
    leeway: Option<u64>,
}

/// Where the keys came from, for the report.
enum Keys {
    Remote(Arc<RemoteJwks>),
    Static(Arc<KeySet>),
}

impl Keys {
    fn source(&self) -> KeySource {
        match self {
            Keys::Remote(r) => KeySource::Remote(Arc::clone(r)),
            Keys::Static(s) => KeySource::Static(Arc::clone(s)),
        }
    }

    fn is_remote(&self) -> bool {
        matches!(self, Keys::Remote(_))
    }
}

/// Verifies a token and reports the verdict; the exit code tells the class of failure.
pub(crate) fn verify(args: &VerifyArgs) -> CliResult {
    let token = token_argument(args.token.as_deref())?;
    let style = Style::for_stdout();
    // Decide what needs no network first: an opaque token or a bad header fails at once,
    // even when the issuer is unreachable.
    if let Err(e) = decode_header(&token, &Algorithm::ASYMMETRIC) {
        return Ok(report_failure(&e, args.json, style));
    }
    let keys = match load_keys(args) {
        Ok(keys) => keys,
        Err(Failure::Usage(e)) => return Err(e),
        Err(Failure::Core(e)) => return Ok(report_failure(&e, args.json, style)),
    };
    if args.jws {
        return Ok(verify_signature_only(&token, &keys, args.json, style));
    }
    let issuer = args.issuer.clone().ok_or_else(|| {
        CliError::usage("--issuer is required (the token's expected \"iss\"), except with --jws")
    })?;
    let options = VerifierOptions {
        issuers: vec![issuer],
        audiences: args.audiences.clone(),
        dangerous_accept_any_audience: args.audiences.is_empty(),
        required_scopes: args.scopes.clone(),
        leeway: args
            .leeway
            .map_or(mcp_bearer::verify::DEFAULT_LEEWAY, Duration::from_secs),
        ..VerifierOptions::default()
    };
    let verifier = Verifier::new(keys.source(), options)?;
    if keys.is_remote() {
        progress("fetching the JWKS…");
    }
    let started = Instant::now();
    let outcome = verifier.verify(&token);
    let elapsed = started.elapsed();
    match outcome {
        Ok(verified) => {
            report_valid(&verified, args, keys.is_remote(), elapsed, style);
            Ok(OK)
        }
        Err(e) => Ok(report_failure(&e, args.json, style)),
    }
}

/// A failure while getting the keys: the user's input, or a core error to report as a
/// verdict (network, bad JWKS, issuer mismatch).
enum Failure {
    Usage(CliError),
    Core(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

fn load_keys(args: &VerifyArgs) -> Result<Keys, Failure> {
    if let Some(path) = &args.jwks_file {
        let bytes = std::fs::read(path).map_err(|e| {
            Failure::Usage(CliError::usage(format!(
                "cannot read the JWKS file {}: {e}",
                path.display()
            )))
        })?;
        return Ok(Keys::Static(Arc::new(KeySet::from_slice(
            &bytes,
            KeySetOptions::default(),
        )?)));
    }
    let fetch: Arc<dyn Fetch> = UreqFetch::shared()?;
    let jwks_url = match (&args.jwks_url, &args.issuer) {
        (Some(url), _) => url.clone(),
        (None, Some(issuer)) => {
            progress(&format!("discovering {issuer}…"));
            let metadata = discover(issuer, fetch.as_ref(), &DiscoveryOptions::default())?;
            metadata.jwks_uri.ok_or_else(|| {
                Error::new(
                    mcp_bearer::ErrorKind::JwksInvalid,
                    format!(
                        "the discovery document at {} has no \"jwks_uri\"",
                        metadata.source_url
                    ),
                )
            })?
        }
        (None, None) => {
            return Err(Failure::Usage(CliError::usage(
                "say where the keys are: --issuer URL (discovery), --jwks-url URL or --jwks-file FILE",
            )));
        }
    };
    let remote = RemoteJwks::with_parts(
        &jwks_url,
        RemoteJwksOptions::default(),
        fetch,
        Arc::new(SystemClock),
    )?;
    Ok(Keys::Remote(Arc::new(remote)))
}

fn verify_signature_only(token: &str, keys: &Keys, json_output: bool, style: Style) -> u8 {
    let set = match keys {
        Keys::Static(set) => Arc::clone(set),
        Keys::Remote(remote) => {
            progress("fetching the JWKS…");
            match remote.keys() {
                Ok(snapshot) => snapshot.keys,
                Err(e) => return report_failure(&e, json_output, style),
            }
        }
    };
    let verified = match verify_jws(token, &set, &Algorithm::ASYMMETRIC) {
        Ok(v) => v,
        Err(e) => return report_failure(&e, json_output, style),
    };
    let payload: Value = serde_json::from_slice(&verified.payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&verified.payload).into()));
    if json_output {
        print_json(
            &json!({
                "valid": true,
                "layer": "jws",
                "header": verified.header.raw,
                "payload": payload,
                "key_thumbprint": verified.key_thumbprint,
            }),
            false,
        );
    } else {
        out!(
            "{} ({}, key {}); no claim was checked",
            style.green("✓ signature valid"),
            verified.header.alg,
            verified.key_thumbprint
        );
        match &payload {
            Value::String(text) => out!("{}", printable(text)),
            other => out!("{}", pretty_json_for_people(other)),
        }
    }
    OK
}

fn report_valid(
    verified: &VerifiedToken,
    args: &VerifyArgs,
    remote: bool,
    elapsed: Duration,
    style: Style,
) {
    let now = now_secs();
    let expires_at = verified
        .expires_at()
        .map_or(i64::MAX, |e| i64::try_from(e).unwrap_or(i64::MAX));
    if args.json {
        print_json(
            &json!({
                "valid": true,
                "issuer": verified.issuer(),
                "subject": verified.subject(),
                "audience": verified.audience(),
                "audiences": verified.audiences(),
                "audience_checked": !args.audiences.is_empty(),
                "scopes": verified.scopes(),
                "client_id": verified.client_id(),
                "expires_at": expires_at,
                "header": verified.header().map(|h| &h.raw),
                "claims": verified.claims(),
                "verify_micros": u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            }),
            false,
        );
        return;
    }
    let (alg, kid) = verified
        .header()
        .map_or(("?", None), |h| (h.alg.name(), h.kid.as_deref()));
    out!(
        "{} ({}{}, verified in {}{})",
        style.green("✓ valid token"),
        alg,
        kid.map(|k| format!(", kid {}", printable(k)))
            .unwrap_or_default(),
        duration(elapsed),
        if remote {
            " including the JWKS fetch"
        } else {
            ""
        }
    );
    // Every value but the expiry is the token's own text, made printable before our colours
    // are added.
    let shown = |text: &str| printable(text).into_owned();
    let audience = if args.audiences.is_empty() {
        format!(
            "{} {}",
            shown(&verified.audiences().join(", ")),
            style.yellow("(not checked: pass --audience with this server's resource URL)")
        )
    } else {
        shown(verified.audience().unwrap_or_default())
    };
    let rows = [
        ("issuer", shown(verified.issuer().unwrap_or("-"))),
        ("subject", shown(verified.subject().unwrap_or("-"))),
        ("audience", audience),
        ("scopes", shown(&verified.scopes().join(" "))),
        ("client", shown(verified.client_id().unwrap_or("-"))),
        (
            "expires",
            format!(
                "{} ({})",
                iso8601(expires_at),
                describe_claim_time("exp", expires_at, now)
            ),
        ),
    ];
    for (name, value) in rows {
        out!("  {name:<9} {value}");
    }
}

/// Prints the verdict of a failed verification (one line, or JSON) and returns its exit code.
pub(crate) fn report_failure(error: &Error, json_output: bool, style: Style) -> u8 {
    let exit_code = exit_code_for(error);
    if json_output {
        print_json(
            &json!({
                "valid": false,
                "code": error.code(),
                "message": error.message(),
                "check": check_name(error),
                "claim": error.claim_name(),
                "reason": error.reason(),
                "expected": error.expected(),
                "actual": error.actual(),
                "http_status": error.http_status(),
                "exit_code": exit_code,
            }),
            false,
        );
    } else {
        out!("{}", failure_line(error, style));
    }
    exit_code
}

/// One line: the failed check, the core's explanation (which names both sides), and the code.
pub(crate) fn failure_line(error: &Error, style: Style) -> String {
    // The message and both sides of the check may quote the token: all made printable.
    let mut line = format!(
        "{} {}: {}",
        style.red("✗"),
        style.bold(check_name(error)),
        printable(error.message())
    );
    // The core's messages name both sides of most checks; add them where one does not.
    if let (Some(expected), Some(actual)) = (error.expected(), error.actual())
        && !actual.is_empty()
        && !error.message().contains(actual)
    {
        line.push_str(&format!(
            " (expected {}, token has {})",
            printable(expected),
            printable(actual)
        ));
    }
    line.push_str(&format!(" [{}]", error.code()));
    line
}
