//! `mcp-bearer token inspect` and `mcp-bearer token mint`.

use std::io::Read;
use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::Args;
use mcp_bearer::jws::check_shape;
use mcp_bearer::{Error, ErrorKind};
use serde_json::{Map, Value, json};

use crate::exit::{CliError, CliResult, MALFORMED, OK};
use crate::keys::{read_signing_keys, select_key};
use crate::output::{Style, print_json, printable};
use crate::timefmt::{describe_claim_time, iso8601, now_secs, parse_ttl};

/// The claims shown as times.
const TIME_CLAIMS: [&str; 4] = ["exp", "iat", "nbf", "auth_time"];
/// The largest token read from stdin; far above any real token, small enough to never
/// exhaust memory on a runaway pipe.
const MAX_STDIN_TOKEN_BYTES: u64 = 1024 * 1024;

/// Reads the token argument: the value itself, or stdin when it is absent or `-`.
///
/// # Errors
/// A usage error when stdin cannot be read or holds no token.
pub(crate) fn token_argument(token: Option<&str>) -> Result<String, CliError> {
    let text = match token {
        Some(t) if t != "-" => t.to_owned(),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_STDIN_TOKEN_BYTES)
                .read_to_string(&mut text)
                .map_err(|e| CliError::usage(format!("cannot read the token from stdin: {e}")))?;
            text
        }
    };
    let token = text.trim();
    // Pasted headers are common: accept "Bearer <token>" and "Authorization: Bearer <token>".
    let token = token
        .strip_prefix("Authorization:")
        .map_or(token, str::trim_start);
    let token = match token.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => token,
    };
    if token.is_empty() {
        return Err(CliError::usage(
            "no token given: pass it as an argument, or pipe it on stdin",
        ));
    }
    Ok(token.to_owned())
}

/// Arguments of `token inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token; read from stdin when omitted or `-`.
    token: Option<String>,
    /// Print JSON: {"header", "claims", "times", "expired"}.
    #[arg(long)]
    json: bool,
}

/// A decoded, unverified JWT.
struct Decoded {
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

fn decode_segment(segment: &str, what: &str) -> Result<Map<String, Value>, Error> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| {
        Error::new(
            ErrorKind::JwsInvalid,
            format!("the {what} is not valid base64url"),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|_| {
        Error::new(
            ErrorKind::JwtInvalid,
            format!("the {what} is not a JSON object"),
        )
    })
}

fn decode(token: &str) -> Result<Decoded, Error> {
    check_shape(token)?;
    let mut parts = token.split('.');
    let header = decode_segment(parts.next().unwrap_or_default(), "header")?;
    let claims = decode_segment(parts.next().unwrap_or_default(), "payload (claims)")?;
    Ok(Decoded { header, claims })
}

/// Shows a token's header and claims without verifying it.
pub(crate) fn inspect(args: &InspectArgs) -> CliResult {
    let token = token_argument(args.token.as_deref())?;
    let decoded = match decode(&token) {
        Ok(d) => d,
        Err(e) => return Ok(report_undecodable(&e, args.json)),
    };
    let now = now_secs();
    let times: Map<String, Value> = TIME_CLAIMS
        .iter()
        .filter_map(|name| {
            let at = decoded.claims.get(*name)?.as_f64()? as i64;
            Some((
                (*name).to_owned(),
                json!({
                    "epoch": at,
                    "iso": iso8601(at),
                    "relative": describe_claim_time(name, at, now),
                }),
            ))
        })
        .collect();
    let expired = decoded
        .claims
        .get("exp")
        .and_then(Value::as_f64)
        .map(|exp| (exp as i64) <= now);
    if args.json {
        print_json(
            &json!({
                "header": decoded.header,
                "claims": decoded.claims,
                "times": times,
                "expired": expired,
                "verified": false,
            }),
            false,
        );
        return Ok(OK);
    }
    let style = Style::for_stdout();
    out!("{}", style.bold("header"));
    print_members(&decoded.header, now, style);
    out!("{}", style.bold("claims"));
    print_members(&decoded.claims, now, style);
    match expired {
        Some(true) => out!("{}", style.red("this token has expired")),
        None => out!(
            "{}",
            style.yellow("this token has no \"exp\": verifiers reject it")
        ),
        Some(false) => {}
    }
    out!(
        "{}",
        style.dim("signature not checked; run `mcp-bearer verify` to verify it")
    );
    Ok(OK)
}

/// One line per member: names and values are the token's, so both are made [`printable`].
fn print_members(members: &Map<String, Value>, now: i64, style: Style) {
    let width = members
        .keys()
        .map(|name| printable(name).chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in members {
        let shown = match value {
            Value::String(s) => printable(s).into_owned(),
            other => printable(&other.to_string()).into_owned(),
        };
        let when = value
            .as_f64()
            .filter(|_| TIME_CLAIMS.contains(&name.as_str()))
            .map(|at| {
                let at = at as i64;
                format!("  {} ({})", iso8601(at), describe_claim_time(name, at, now))
            })
            .unwrap_or_default();
        out!("  {:<width$}  {shown}{}", printable(name), style.dim(&when));
    }
}

fn report_undecodable(error: &Error, json_output: bool) -> u8 {
    let headline = match error.kind() {
        ErrorKind::TokenOpaque => "this is not a JWT (opaque token)",
        ErrorKind::NotSupported => "this is not a signed JWT (it looks like a JWE)",
        _ => "this is not a well-formed JWT",
    };
    if json_output {
        print_json(
            &json!({
                "jwt": false,
                "code": error.code(),
                "message": format!("{headline}: {}", error.message()),
            }),
            false,
        );
    } else {
        let style = Style::for_stdout();
        out!(
            "{}: {} [{}]",
            style.red(headline),
            printable(error.message()),
            error.code()
        );
    }
    MALFORMED
}

/// Arguments of `token mint`.
#[derive(Debug, Args)]
pub(crate) struct MintArgs {
    /// A private JWK or JWKS file (e.g. from `mcp-bearer keys generate`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Which key of the set to sign with (default: the first).
    #[arg(long)]
    kid: Option<String>,
    /// The issuer (`iss`).
    #[arg(long)]
    iss: String,
    /// The audience (`aud`); repeat for several.
    #[arg(long, required = true)]
    aud: Vec<String>,
    /// The subject (`sub`).
    #[arg(long)]
    sub: Option<String>,
    /// Scopes (`scope`, space-separated); repeat or give several in one string.
    #[arg(long)]
    scope: Vec<String>,
    /// Lifetime: 300, 300s, 5m, 1h, 2d; negative (e.g. -5m) for an expired token.
    #[arg(long, default_value = "5m", allow_hyphen_values = true)]
    ttl: String,
    /// Extra claim `name=value`; the value is parsed as JSON when it is JSON, else taken as a
    /// string. Repeatable.
    #[arg(long = "claim", value_name = "NAME=VALUE")]
    claims: Vec<String>,
    /// The `typ` header (default JWT), e.g. at+jwt.
    #[arg(long)]
    typ: Option<String>,
}

/// Signs a token with a key from a file and prints it.
pub(crate) fn mint(args: &MintArgs) -> CliResult {
    let key = select_key(read_signing_keys(&args.key)?, args.kid.as_deref())?;
    let ttl = parse_ttl(&args.ttl).map_err(CliError::usage)?;
    let now = now_secs();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(args.iss));
    claims.insert(
        "aud".into(),
        match args.aud.as_slice() {
            [one] => json!(one),
            many => json!(many),
        },
    );
    if let Some(sub) = &args.sub {
        claims.insert("sub".into(), json!(sub));
    }
    if !args.scope.is_empty() {
        claims.insert("scope".into(), json!(args.scope.join(" ")));
    }
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now.saturating_add(ttl)));
    for pair in &args.claims {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("--claim {pair:?} is not NAME=VALUE")))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        claims.insert(name.to_owned(), value);
    }
    let mut header = Map::new();
    if let Some(typ) = &args.typ {
        header.insert("typ".into(), json!(typ));
    }
    out!("{}", key.sign_jwt(&claims, &header)?);
    Ok(OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_authorization_headers_are_accepted() {
        assert_eq!(
            token_argument(Some("Authorization: Bearer abc.def.ghi")).ok(),
            Some("abc.def.ghi".to_owned())
        );
        assert_eq!(
            token_argument(Some("bearer xyz")).ok(),
            Some("xyz".to_owned())
        );
        assert!(token_argument(Some("   ")).is_err());
    }

    #[test]
    fn opaque_tokens_are_named_as_such() {
        let err = decode("gho_16C7e42F292c6912E7710c838347Ae178B4a").err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::TokenOpaque));
    }
}
