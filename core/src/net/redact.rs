//! The one rule for showing a URL or an HTTP client's text in a message or `Debug` output:
//! userinfo dropped, credential parameters redacted, untrusted text quoted and cut.

use std::borrow::Cow;

/// Query (and fragment) parameters whose values are credentials: the `code` of an
/// authorization response (a GET of a redirect URI carries it), tokens, secrets, verifiers.
/// Names that contain one of [`CREDENTIAL_WORDS`] (`api_key`, `X-Amz-Signature`, …) are
/// credentials too.
const CREDENTIAL_PARAMS: &[&str] = &[
    "code",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "code_verifier",
    "subject_token",
    "actor_token",
    "assertion",
    "client_assertion",
    "password",
    "auth",
    "authorization",
    "pass",
    "pwd",
];

/// Parts of a parameter name (compared in lower case) that mark its value as a credential:
/// API keys, signed-URL signatures and session ids put into a JWKS or endpoint URL.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "key",
    "sig",
    "credential",
    "assertion",
    "session",
];

fn is_credential_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_PARAMS.contains(&lower.as_str())
        || CREDENTIAL_WORDS.iter().any(|w| lower.contains(w))
}

/// `url` made fit for a message or `Debug` output: the userinfo (`user:pass@`) removed and
/// the values of credential parameters (`code`, `access_token`, `client_secret`, `api_key`,
/// signatures, …) replaced by `<redacted>`; the scheme, host, port and path stay, so an
/// operator can still tell which endpoint failed.
///
/// The one rule for every URL the crate prints: a configured URL, a URL from a discovery
/// document, a redirect's `Location`.
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    let stripped = strip_userinfo(url);
    match redact_params(&stripped) {
        Some(redacted) => Cow::Owned(redacted),
        None => stripped,
    }
}

/// The most characters of a URL from the network an error message shows.
const MAX_URL_CHARS: usize = 256;

/// A URL that came from the network (a redirect's `Location`, a discovery document's
/// `jwks_uri`) for a message: redacted by [`redact_url`], then quoted, escaped and cut after
/// 256 characters like any untrusted value.
pub(crate) fn quote_url(url: &str) -> String {
    crate::untrusted::quote_at_most(&redact_url(url), MAX_URL_CHARS)
}

/// The longest [`FetchError`](super::FetchError) text an error message repeats, in characters.
const MAX_FETCH_TEXT_CHARS: usize = 512;

/// A [`FetchError`](super::FetchError)'s text for an error message. A [`Fetch`](super::Fetch) may be the host's own, so its
/// text is not trusted to be redacted or short: URLs in it go through [`redact_url`], control
/// characters are escaped and the text is cut after 512 characters.
pub(crate) fn fetch_text(text: &str) -> String {
    crate::untrusted::clip(&redact_urls_in(text), MAX_FETCH_TEXT_CHARS)
}

/// `text` (an HTTP client's error message, say) with every absolute URL in it passed
/// through [`redact_url`].
pub(crate) fn redact_urls_in(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0usize;
    let mut search = 0usize;
    while let Some(found) = text[search..].find("://") {
        let sep = search + found;
        let start = text[..sep]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(sep, |(i, _)| i);
        let end = text[sep..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(text.len(), |i| sep + i);
        // Punctuation that ends a sentence around the URL ("{url}: refused") is not part of it.
        let end = start
            + text[start..end]
                .trim_end_matches([':', ';', ',', '.', ')', ']'])
                .len();
        if start < sep {
            let redacted = redact_url(&text[start..end]);
            if let Cow::Owned(redacted) = redacted {
                out.push_str(&text[copied..start]);
                out.push_str(&redacted);
                copied = end;
            }
        }
        search = end.max(sep + 3);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// `url` without its userinfo. Works on text that is not a valid URL too: a message must
/// not show a password because the URL around it failed to parse.
fn strip_userinfo(url: &str) -> Cow<'_, str> {
    let authority_start = match url.find("://") {
        Some(i) if is_scheme(&url[..i]) => i + 3,
        _ if url.starts_with("//") => 2,
        _ => return Cow::Borrowed(url),
    };
    let rest = &url[authority_start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => Cow::Owned(format!("{}{}", &url[..authority_start], &rest[at + 1..])),
        None => Cow::Borrowed(url),
    }
}

fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The URL with credential parameter values redacted, or `None` when it has none.
fn redact_params(url: &str) -> Option<String> {
    let cut = url.find(['?', '#'])?;
    let (base, rest) = (&url[..cut], &url[cut + 1..]);
    let separator = &url[cut..=cut];
    let mut out = format!("{base}{separator}");
    let mut redacted = false;
    for part in rest.split_inclusive(['&', '#', '?']) {
        let (pair, end) = match part.strip_suffix(['&', '#', '?']) {
            Some(pair) => (pair, &part[pair.len()..]),
            None => (part, ""),
        };
        let name = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(name, _)| name);
        match (pair.split_once('='), name) {
            (Some((raw_name, _)), Some(name)) if is_credential_param(&name) => {
                redacted = true;
                out.push_str(raw_name);
                out.push_str("=<redacted>");
            }
            _ => out.push_str(pair),
        }
        out.push_str(end);
    }
    redacted.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::HttpRequest;

    #[test]
    fn debug_redacts_credentials_in_the_url() {
        // A browser hop to a redirect URI carries the authorization code (RFC 6749 §4.1.2).
        let request = HttpRequest::get(
            "http://127.0.0.1:8080/oauth/callback?code=SECRET-code&state=st&iss=https%3A%2F%2Fa",
        );
        let shown = format!("{request:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("/oauth/callback?code=<redacted>&state=st&iss=https%3A%2F%2Fa"),
            "{shown}"
        );
        let cases = [
            ("https://a.example/p", "https://a.example/p"),
            ("https://a.example/p?x=1&y", "https://a.example/p?x=1&y"),
            (
                "https://a.example/p?access_token=t&x=1&client%5Fsecret=s#id_token=i&y=2",
                "https://a.example/p?access_token=<redacted>&x=1&client%5Fsecret=<redacted>\
                 #id_token=<redacted>&y=2",
            ),
            (
                "https://a.example/p#token=t",
                "https://a.example/p#token=<redacted>",
            ),
            (
                "https://a.example/p?codes=1&code",
                "https://a.example/p?codes=1&code",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }

    #[test]
    fn userinfo_and_key_like_parameters_are_redacted() {
        let cases = [
            (
                "https://user:pa55@idp.internal:8443/jwks?x=1",
                "https://idp.internal:8443/jwks?x=1",
            ),
            (
                "https://user@idp.internal/jwks",
                "https://idp.internal/jwks",
            ),
            ("https://u:p@q@idp.internal/a@b", "https://idp.internal/a@b"),
            ("//u:p@idp.internal/jwks", "//idp.internal/jwks"),
            // Not a valid URL, still no password.
            ("https://u:p a@idp internal/", "https://idp internal/"),
            (
                "https://idp.internal/jwks?api_key=K1&X-Amz-Signature=S1&tenant=t&sig=S2",
                "https://idp.internal/jwks?api_key=<redacted>&X-Amz-Signature=<redacted>\
                 &tenant=t&sig=<redacted>",
            ),
            (
                "https://u:p@idp.internal/jwks?Session_Id=S3",
                "https://idp.internal/jwks?Session_Id=<redacted>",
            ),
            ("/relative/path?token=T", "/relative/path?token=<redacted>"),
            ("/relative/path?next=1", "/relative/path?next=1"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }

    #[test]
    fn urls_inside_text_are_redacted() {
        let text = "http://u:p@127.0.0.1:9/jwks?api_key=K: Connection refused; \
                    https://a.example/x?code=C1 again";
        assert_eq!(
            redact_urls_in(text),
            "http://127.0.0.1:9/jwks?api_key=<redacted>: Connection refused; \
             https://a.example/x?code=<redacted> again"
        );
        assert!(matches!(
            redact_urls_in("io: connection reset (https://a.example/jwks)"),
            Cow::Borrowed(_)
        ));
        assert_eq!(redact_urls_in("://u:p@x"), "://u:p@x");
    }
}
