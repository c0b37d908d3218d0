//! The claim policy: the checks a verified signature's claims must pass (`typ`, issuer,
//! audience, `exp`/`nbf`/`iat` and age, required claims, scopes), in the order they are
//! reported.

use std::sync::OnceLock;

use super::VerifierOptions;
use super::claims::{Extracted, RegisteredClaims, parse_claims};
use super::token::{TokenData, TokenSource, check_scopes};
use crate::error::{Error, ErrorKind, Result};
use crate::jws::JwsHeader;

/// `exp`, `nbf` and `iat`, each with the error its type check gave.
pub(super) type TimeClaims = (
    Result<Option<f64>>,
    Result<Option<f64>>,
    Result<Option<f64>>,
);

pub(super) fn check_claims(
    options: &VerifierOptions,
    header: JwsHeader,
    payload: Vec<u8>,
    key_thumbprint: String,
    now: f64,
) -> Result<TokenData> {
    options.typ.check(header.typ.as_deref())?;
    let payload_json = String::from_utf8(payload).map_err(|_| {
        Error::new(
            ErrorKind::JwtInvalid,
            "the JWT claims set is not UTF-8 (RFC 7519 §7.2)",
        )
    })?;
    // The common case reads only the registered claims, borrowed from the payload, and
    // walks the other members with the same parser checks the full parse applies (see
    // `registered`), so it accepts no payload the full parse refuses. Any surprise (a type
    // other than the usual, an escaped string, a duplicate registered name, a required
    // claim to look for) takes the full parse, which decides every error.
    let fast = if options.required_claims.is_empty() {
        serde_json::from_str::<RegisteredClaims<'_>>(&payload_json)
            .ok()
            .map(RegisteredClaims::extract)
    } else {
        None
    };
    let (extracted, claims) = match fast {
        Some(extracted) => (extracted, OnceLock::new()),
        None => {
            let claims = parse_claims(&payload_json)?;
            (Extracted::from_map(&claims), OnceLock::from(claims))
        }
    };
    let issuer = extracted.iss?;
    if !options.dangerous_accept_any_issuer {
        check_issuer(&options.issuers, issuer.as_deref())?;
    }
    let aud = extracted.aud?;
    let audience = if options.dangerous_accept_any_audience {
        None
    } else {
        Some(check_audience(
            &options.audiences,
            aud.as_deref().unwrap_or_default(),
            aud.is_some(),
        )?)
    };
    let audiences = aud.unwrap_or_default();
    let times = (extracted.exp, extracted.nbf, extracted.iat);
    let (expires_at, not_before, issued_at) = check_times(options, times, now)?;
    if let Some(claims) = claims.get() {
        for name in &options.required_claims {
            if !claims.contains_key(name.as_str()) {
                return Err(Error::claim(
                    ErrorKind::JwtClaimValidationFailed,
                    name.clone(),
                    "missing",
                    format!("the token has no {name:?} claim, which this server requires"),
                )
                .with_values(name.clone(), ""));
            }
        }
    }
    let scopes = extracted.scopes;
    check_scopes(&options.required_scopes, &scopes)?;
    let client_id = extracted.client_id?;
    let subject = extracted.sub?;
    Ok(TokenData {
        source: TokenSource::Jwt,
        header: Some(header),
        claims,
        payload_json,
        issuer,
        subject,
        audiences,
        audience,
        expires_at: Some(expires_at),
        not_before,
        issued_at,
        scopes,
        client_id,
        token_id: extracted.jti,
        key_thumbprint,
    })
}

/// The one issuer check (JWTs and introspection): `issuer` must be one of `issuers`,
/// compared exactly.
pub(crate) fn check_issuer(issuers: &[String], issuer: Option<&str>) -> Result<()> {
    if issuer.is_some_and(|iss| issuers.iter().any(|i| i == iss)) {
        return Ok(());
    }
    // Only failures pay for the message.
    let expected = issuers.join(", ");
    let Some(iss) = issuer else {
        return Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "iss",
            "missing",
            format!("the token has no \"iss\" claim; expected {expected}"),
        )
        .with_values(expected, ""));
    };
    let slash_only = issuers
        .iter()
        .any(|i| i.trim_end_matches('/') == iss.trim_end_matches('/'));
    Err(Error::claim(
        ErrorKind::JwtClaimValidationFailed,
        "iss",
        "check_failed",
        format!(
            "unexpected \"iss\": the token's is {}, expected {}{}",
            crate::untrusted::quote(iss),
            issuers
                .iter()
                .map(|i| format!("{i:?}"))
                .collect::<Vec<_>>()
                .join(" or "),
            if slash_only {
                " (they differ only by a trailing slash)"
            } else {
                ""
            }
        ),
    )
    .with_values(expected, iss))
}

/// The one audience check (JWTs and introspection): one of the token's `audiences` must be
/// one of `accepted`; returns it. `present` says whether the token has `aud` at all.
pub(crate) fn check_audience(
    accepted: &[String],
    audiences: &[String],
    present: bool,
) -> Result<String> {
    if present && let Some(hit) = accepted.iter().find(|a| audiences.contains(a)) {
        return Ok(hit.clone());
    }
    // Only failures pay for the message.
    let expected = accepted.join(", ");
    if !present {
        return Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "aud",
            "missing",
            format!("the token has no \"aud\" claim; this server expects {expected}"),
        )
        .with_values(expected, ""));
    }
    let slash_only = accepted.iter().any(|a| {
        audiences
            .iter()
            .any(|t| a.trim_end_matches('/') == t.trim_end_matches('/'))
    });
    Err(Error::claim(
        ErrorKind::JwtClaimValidationFailed,
        "aud",
        "check_failed",
        format!(
            "unexpected \"aud\": the token is for {}, this server expects {}{}",
            crate::untrusted::quote_list(audiences.iter().map(String::as_str)),
            accepted
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(" or "),
            if slash_only {
                " (they differ only by a trailing slash)"
            } else {
                ""
            }
        ),
    )
    .with_values(expected, audiences.join(", ")))
}

/// Checks `exp`, `nbf`, `iat` and the token age; returns (`exp`, `nbf`, `iat`).
pub(super) fn check_times(
    options: &VerifierOptions,
    (exp, nbf, iat): TimeClaims,
    now: f64,
) -> Result<(f64, Option<f64>, Option<f64>)> {
    let leeway = options.leeway.as_secs_f64();
    let exp = exp?.ok_or_else(|| {
        Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "exp",
            "missing",
            "the token has no \"exp\" claim; access tokens must expire",
        )
    })?;
    if exp <= now - leeway {
        return Err(Error::claim(
            ErrorKind::JwtExpired,
            "exp",
            "check_failed",
            format!(
                "the token expired {} s ago (exp {}, now {}, leeway {} s); get a new token",
                (now - exp).round(),
                exp as i64,
                now as i64,
                leeway
            ),
        )
        .with_values(
            format!("exp > {}", (now - leeway) as i64),
            format!("{}", exp as i64),
        ));
    }
    let nbf = nbf?;
    if let Some(nbf) = nbf
        && nbf > now + leeway
    {
        return Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "nbf",
            "check_failed",
            format!(
                "the token is not valid yet: nbf is {} s in the future (leeway {} s); \
                     check the clocks of this server and the issuer",
                (nbf - now).round(),
                leeway
            ),
        )
        .with_values(
            format!("nbf <= {}", (now + leeway) as i64),
            format!("{}", nbf as i64),
        ));
    }
    let iat = iat?;
    if let Some(iat) = iat
        && iat > now + leeway
    {
        return Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "iat",
            "check_failed",
            format!(
                "the token was issued {} s in the future (leeway {} s); check the clocks \
                     of this server and the issuer",
                (iat - now).round(),
                leeway
            ),
        )
        .with_values(
            format!("iat <= {}", (now + leeway) as i64),
            format!("{}", iat as i64),
        ));
    }
    if let Some(max_age) = options.max_token_age {
        let Some(iat) = iat else {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "iat",
                "missing",
                "the token has no \"iat\" claim, which max_token_age requires",
            ));
        };
        let age = now - iat;
        if age - leeway > max_age.as_secs_f64() {
            return Err(Error::claim(
                ErrorKind::JwtExpired,
                "iat",
                "check_failed",
                format!(
                    "the token is {} s old; this server accepts tokens up to {} s old",
                    age.round(),
                    max_age.as_secs()
                ),
            ));
        }
    }
    Ok((exp, nbf, iat))
}
