//! Which redirect URIs the proxy accepts from MCP clients.

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::{Error, ErrorKind, Result};
use crate::net::url::is_loopback_host;

/// The private-use URI schemes of common MCP clients: Cursor, VS Code, Windsurf.
pub const DEFAULT_PRIVATE_USE_SCHEMES: &[&str] = &["cursor", "vscode", "windsurf"];

/// Schemes that are never a redirect target, even when configured as private-use: they run
/// script, embed content or read local files in the browser.
const FORBIDDEN_SCHEMES: &[&str] = &["javascript", "data", "file", "vbscript", "blob", "about"];

/// The redirect-URI policy for clients of the proxy (RFC 6749 §3.1.2, RFC 8252 §7,
/// OAuth 2.1 §2.3.1).
///
/// Accepted: `https` URIs; `http` to a loopback host (`127.0.0.1`, `[::1]`, `localhost`) on
/// any port (RFC 8252 §7.3); the configured private-use schemes (RFC 8252 §7.1). Always
/// rejected: `javascript:`, `data:`, `file:`, `vbscript:` and the like, fragments (RFC 6749
/// §3.1.2), userinfo (`https://user@host`), whitespace and control characters.
///
/// The policy is plain data itself (no separate options type): as data,
/// [`RedirectUriPolicy::from_json`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedirectUriPolicy {
    /// Private-use schemes accepted, compared case-insensitively. Defaults to
    /// [`DEFAULT_PRIVATE_USE_SCHEMES`] (`cursor`, `vscode`, `windsurf`).
    pub private_use_schemes: Vec<String>,
    /// Whether `http` redirect URIs to a loopback host are accepted, as native clients need
    /// (RFC 8252 §7.3). Defaults to `true`.
    pub allow_loopback_http: bool,
}

impl Default for RedirectUriPolicy {
    fn default() -> Self {
        RedirectUriPolicy {
            private_use_schemes: DEFAULT_PRIVATE_USE_SCHEMES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            allow_loopback_http: true,
        }
    }
}

crate::config::from_config_data!(RedirectUriPolicy);

impl RedirectUriPolicy {
    /// Checks `uri` against the policy.
    ///
    /// # Errors
    /// [`ErrorKind::RedirectUriRejected`] with a reason (`malformed`, `scheme`, `fragment`,
    /// `userinfo`, `loopback`) and a message saying what to change.
    pub fn check(&self, uri: &str) -> Result<()> {
        // The URL parser silently drops tabs and newlines ("java\nscript:" parses as
        // "javascript:"); refuse them before parsing so what is checked is what was sent.
        if uri.is_empty() || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(rejected(
                "malformed",
                "is empty or contains whitespace or control characters",
            ));
        }
        let url = Url::parse(uri)
            .map_err(|e| rejected("malformed", &format!("is not an absolute URI ({e})")))?;
        let scheme = url.scheme();
        if FORBIDDEN_SCHEMES.contains(&scheme) {
            return Err(rejected(
                "scheme",
                &format!(
                    "uses the {}: scheme, never allowed",
                    crate::untrusted::clip(scheme, 64)
                ),
            ));
        }
        if url.fragment().is_some() {
            return Err(rejected("fragment", "has a fragment (RFC 6749 §3.1.2)"));
        }
        if !url.username().is_empty() || url.password().is_some() || has_empty_userinfo(uri) {
            return Err(rejected("userinfo", "carries userinfo (user@host)"));
        }
        match scheme {
            "https" => match url.host() {
                Some(Host::Domain(d)) if !d.is_empty() => Ok(()),
                Some(Host::Ipv4(_) | Host::Ipv6(_)) => Ok(()),
                _ => Err(rejected("malformed", "has no host")),
            },
            "http" => match url.host() {
                Some(host) if self.allow_loopback_http && is_loopback_host(&host) => Ok(()),
                _ => Err(rejected(
                    "loopback",
                    "uses plain http to a host that is not loopback; use https, or http to \
                     127.0.0.1, [::1] or localhost (RFC 8252 §7.3)",
                )),
            },
            _ if self
                .private_use_schemes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme)) =>
            {
                Ok(())
            }
            _ => Err(rejected(
                "scheme",
                &format!(
                    "uses the {}: scheme, which is not https, loopback http or a configured \
                     private-use scheme",
                    crate::untrusted::clip(scheme, 64)
                ),
            )),
        }
    }

    /// Whether `requested` matches the `registered` redirect URI: exactly, or for loopback
    /// `http` URIs, exactly except for the port, which the client picks at run time
    /// (RFC 8252 §7.3).
    pub fn matches_registered(registered: &str, requested: &str) -> bool {
        if registered == requested {
            return true;
        }
        let (Ok(mut registered_url), Ok(mut requested_url)) =
            (Url::parse(registered), Url::parse(requested))
        else {
            return false;
        };
        // Only URIs the parser leaves as they were sent may match by any port: the parser
        // drops tabs and newlines and rewrites spellings, so "/c\tb" would otherwise match
        // "/cb" while `check` refuses it.
        if registered_url.as_str() != registered || requested_url.as_str() != requested {
            return false;
        }
        let (registered, requested) = (&mut registered_url, &mut requested_url);
        let loopback =
            |u: &Url| u.scheme() == "http" && u.host().is_some_and(|h| is_loopback_host(&h));
        if !loopback(registered) || !loopback(requested) {
            return false;
        }
        // Both are http URLs with a host, so setting the port cannot fail; compare the rest.
        let cleared = registered.set_port(None).is_ok() && requested.set_port(None).is_ok();
        cleared && registered == requested
    }
}

/// `https://@host/` parses with an empty username and no password, so the URL alone cannot
/// tell it from `https://host/`; look at the authority as sent.
fn has_empty_userinfo(uri: &str) -> bool {
    let Some((_, rest)) = uri.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains('@')
}

fn rejected(reason: &'static str, what: &str) -> Error {
    Error::new(
        ErrorKind::RedirectUriRejected,
        format!("the redirect URI {what}"),
    )
    .with_reason(reason)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_policy_table() {
        let policy = RedirectUriPolicy::default();
        let cases: &[(&str, Option<&str>)] = &[
            // https anywhere
            ("https://client.example.com/callback", None),
            ("https://claude.ai/api/mcp/auth_callback", None),
            ("https://client.example.com:8443/cb?x=1", None),
            ("https://192.0.2.1/cb", None),
            // RFC 8252 §7.3: loopback http on any port
            ("http://127.0.0.1:33418/callback", None),
            ("http://127.0.0.1/callback", None),
            ("http://[::1]:8080/cb", None),
            ("http://localhost:6274/oauth/callback", None),
            ("http://LOCALHOST:1/cb", None),
            // RFC 8252 §7.1: private-use schemes of MCP clients
            (
                "cursor://anysphere.cursor-retrieval/oauth/user-callback",
                None,
            ),
            (
                "vscode://vscode.github-authentication/did-authenticate",
                None,
            ),
            ("windsurf://codeium.windsurf/oauth", None),
            // plain http elsewhere
            ("http://client.example.com/cb", Some("loopback")),
            ("http://localhost.evil.example/cb", Some("loopback")),
            ("http://127.0.0.1.nip.io/cb", Some("loopback")),
            ("http://[::ffff:127.0.0.1]/cb", Some("loopback")),
            // never
            ("javascript:alert(1)", Some("scheme")),
            ("JavaScript:alert(1)", Some("scheme")),
            ("data:text/html,<script>alert(1)</script>", Some("scheme")),
            ("file:///etc/passwd", Some("scheme")),
            ("vbscript:msgbox(1)", Some("scheme")),
            ("myapp://cb", Some("scheme")),
            ("ftp://example.com/", Some("scheme")),
            // RFC 6749 §3.1.2: no fragment
            ("https://client.example.com/cb#frag", Some("fragment")),
            ("https://client.example.com/cb#", Some("fragment")),
            ("cursor://x/cb#f", Some("fragment")),
            // no userinfo
            ("https://user@client.example.com/cb", Some("userinfo")),
            ("https://user:pw@client.example.com/cb", Some("userinfo")),
            ("https://@client.example.com/cb", Some("userinfo")),
            ("http://evil.example@127.0.0.1/cb", Some("userinfo")),
            // malformed
            ("", Some("malformed")),
            ("/relative/cb", Some("malformed")),
            ("java\nscript:alert(1)", Some("malformed")),
            (" https://client.example.com/cb", Some("malformed")),
            ("https://client.example.com/c b", Some("malformed")),
        ];
        for (uri, expected) in cases {
            let result = policy.check(uri);
            match expected {
                None => assert!(result.is_ok(), "{uri:?}: {result:?}"),
                Some(reason) => {
                    let err = result.unwrap_err();
                    assert_eq!(err.kind(), ErrorKind::RedirectUriRejected, "{uri:?}");
                    assert_eq!(err.reason(), Some(*reason), "{uri:?}: {err:?}");
                    assert_eq!(err.http_status(), 400);
                }
            }
        }
    }

    #[test]
    fn private_use_schemes_are_configurable_but_never_dangerous() {
        let policy = RedirectUriPolicy {
            private_use_schemes: vec!["com.example.app".into(), "javascript".into(), "data".into()],
            allow_loopback_http: false,
        };
        assert!(
            policy
                .check("com.example.app:/oauth2redirect/example-provider")
                .is_ok()
        );
        assert!(
            policy
                .check("cursor://anysphere.cursor-retrieval/cb")
                .is_err()
        );
        assert!(policy.check("javascript:alert(1)").is_err());
        assert!(policy.check("data:,x").is_err());
        assert_eq!(
            policy.check("http://127.0.0.1:1/cb").unwrap_err().reason(),
            Some("loopback")
        );
    }

    #[test]
    fn rfc8252_s7_3_loopback_port_may_vary() {
        let m = RedirectUriPolicy::matches_registered;
        assert!(m(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51004/callback"
        ));
        assert!(m(
            "http://127.0.0.1:1000/callback",
            "http://127.0.0.1:2000/callback"
        ));
        assert!(m("http://localhost:3000/cb", "http://localhost:4000/cb"));
        assert!(m(
            "https://client.example.com/cb",
            "https://client.example.com/cb"
        ));
        assert!(!m(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51004/other"
        ));
        assert!(!m(
            "http://127.0.0.1/callback",
            "http://localhost:51004/callback"
        ));
        assert!(!m(
            "https://client.example.com/cb",
            "https://client.example.com:444/cb"
        ));
        assert!(!m(
            "https://client.example.com/cb",
            "https://client.example.com/cb?x=1"
        ));
        assert!(!m("cursor://a/cb", "cursor://b/cb"));
        // The parser drops tabs and newlines; a URI it rewrote matches nothing but itself
        // (found by the `redirect` fuzz check).
        assert!(!m("http://127.0.0.1:1/cb", "http://127.0.0.1:2/c\tb"));
        assert!(!m("http://127.0.0.1:1/cb", "http://127.0.0.1:2/c\nb"));
        assert!(!m("http://127.0.0.1:1/c\tb", "http://127.0.0.1:2/cb"));
    }
}
