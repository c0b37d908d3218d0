//! The one reading of OAuth scopes, used by every path that turns a claim, a response field or
//! a header into a list of scopes (the verifier's fast and full claim readings, opaque-token
//! introspection and userinfo, [`crate::claims::UserInfo`], the upstream token response), so
//! that one token never yields two different scope lists.
//!
//! The rule is RFC 6749 §3.3: a `scope` string is scope tokens separated by the space
//! character (U+0020). Only the space separates: a tab, a newline or any other whitespace is
//! part of the token it sits in. Such a token is not a valid scope token
//! (`%x21 / %x23-5B / %x5D-7E`), so it can never equal a scope a server requires; splitting it
//! instead would grant scopes the issuer never spelled out. Empty tokens (from repeated,
//! leading or trailing spaces) are dropped, duplicates keep their first place.
//!
//! `scp` (Okta and Entra) is either such a string or a JSON array whose items are taken
//! whole. GitHub's comma-separated lists (the `X-OAuth-Scopes` header, and the `scope` of its
//! token response) are read by [`github_list`].

use serde_json::{Map, Value};

/// Whether `token` is a scope token (RFC 6749 §3.3): one or more of `%x21 / %x23-5B /
/// %x5D-7E`, so no space, no quote, no backslash, nothing outside printable ASCII.
pub(crate) fn is_scope_token(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// The scope tokens of a space-separated `scope` string, in order, empty ones dropped.
pub(crate) fn split(scope: &str) -> impl Iterator<Item = &str> {
    scope.split(' ').filter(|s| !s.is_empty())
}

/// A scope list under construction: no empty items, no duplicates, first place kept.
#[derive(Debug, Default)]
pub(crate) struct Scopes(Vec<String>);

impl Scopes {
    /// Adds one scope as is.
    pub(crate) fn push(&mut self, scope: &str) {
        if !scope.is_empty() && !self.0.iter().any(|s| s == scope) {
            self.0.push(scope.to_owned());
        }
    }

    /// Adds the scope tokens of a space-separated string ([`split`]).
    pub(crate) fn push_string(&mut self, scope: &str) {
        split(scope).for_each(|s| self.push(s));
    }

    /// Adds an `scp`-style value: a space-separated string, or an array of strings whose
    /// items are taken whole. Other shapes (an array with a non-string item among them) add
    /// nothing: a malformed list is ignored rather than guessed at.
    pub(crate) fn push_value(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.push_string(s),
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .for_each(|s| self.push(s)),
            _ => {}
        }
    }

    /// The list.
    pub(crate) fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// The scopes of a claims set or an introspection response: `scope` (a space-separated
/// string; RFC 6749 §3.3, RFC 7662 §2.2, RFC 8693 §4.2), then `scp` (a string or an array, as
/// Okta and Entra send).
pub(crate) fn scopes_of(claims: &Map<String, Value>) -> Vec<String> {
    let mut scopes = Scopes::default();
    if let Some(Value::String(s)) = claims.get("scope") {
        scopes.push_string(s);
    }
    if let Some(scp) = claims.get("scp") {
        scopes.push_value(scp);
    }
    scopes.into_vec()
}

/// A GitHub scope list: comma-separated, each item trimmed of spaces (`"repo, user"`).
pub(crate) fn github_list(list: &str) -> Vec<String> {
    let mut scopes = Scopes::default();
    list.split(',')
        .for_each(|s| scopes.push(s.trim_matches(' ')));
    scopes.into_vec()
}

/// The `scope` of a token response (RFC 6749 §5.1): space-separated, except that a value
/// with commas and no space is GitHub's comma-separated form.
pub(crate) fn of_token_response(scope: &str) -> Vec<String> {
    if !scope.contains(' ') && scope.contains(',') {
        return github_list(scope);
    }
    let mut scopes = Scopes::default();
    scopes.push_string(scope);
    scopes.into_vec()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc6749_s3_3_only_the_space_separates() {
        let claims = json!({"scope": " a\tb  c a ", "scp": ["d e", "c", ""]});
        assert_eq!(
            scopes_of(claims.as_object().unwrap()),
            ["a\tb", "c", "a", "d e"]
        );
        assert_eq!(
            scopes_of(json!({"scp": "x y"}).as_object().unwrap()),
            ["x", "y"]
        );
        assert!(scopes_of(json!({"scope": ["x"]}).as_object().unwrap()).is_empty());
        assert!(scopes_of(json!({"scp": ["x", 1]}).as_object().unwrap()).is_empty());
    }

    #[test]
    fn github_lists_are_comma_separated() {
        assert_eq!(github_list("repo, user,,gist "), ["repo", "user", "gist"]);
        assert_eq!(of_token_response("repo,gist"), ["repo", "gist"]);
        assert_eq!(of_token_response("openid email"), ["openid", "email"]);
    }

    #[test]
    fn scope_tokens_are_printable_ascii_without_space_quote_or_backslash() {
        assert!(is_scope_token("tools:read"));
        for bad in ["", "a b", "a\"b", "a\\b", "a\tb", "é"] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
    }
}
