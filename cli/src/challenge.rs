//! Parsing `WWW-Authenticate` challenges (RFC 9110 §11.6.1, RFC 6750 §3) that `doctor`
//! receives from MCP servers.
//!
//! The core builds challenges (`mcp_bearer::metadata::BearerChallenge`) but, as a server-side
//! library, has no need to parse them; the CLI, acting as a client, carries this small
//! tolerant parser.

/// One challenge: its scheme and its auth parameters (names lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// The scheme, e.g. `Bearer`.
    pub(crate) scheme: String,
    /// The parameters in order; names lower-cased, values unquoted.
    pub(crate) params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of parameter `name` (case-insensitive).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a `WWW-Authenticate` value into its challenges. Tolerant: whatever cannot be
/// understood ends the parse rather than failing it.
pub(crate) fn parse(header: &str) -> Vec<Challenge> {
    let mut challenges: Vec<Challenge> = Vec::new();
    let mut rest = header.trim_start();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let (token, after) = take_token(rest);
        if token.is_empty() {
            break;
        }
        let after_ws = after.trim_start();
        if let Some(value_part) = after_ws.strip_prefix('=') {
            // A parameter of the current challenge (`=` after a token; token68 is rare in
            // Bearer challenges and is folded in as a parameter without a value).
            let (value, next) = take_value(value_part.trim_start());
            match challenges.last_mut() {
                Some(current) => current.params.push((token.to_ascii_lowercase(), value)),
                None => break,
            }
            rest = next;
        } else {
            challenges.push(Challenge {
                scheme: token.to_owned(),
                params: Vec::new(),
            });
            rest = after;
        }
    }
    challenges
}

fn take_token(input: &str) -> (&str, &str) {
    let end = input
        .find(|c: char| c.is_whitespace() || c == '=' || c == ',' || c == '"')
        .unwrap_or(input.len());
    input.split_at(end)
}

fn take_value(input: &str) -> (String, &str) {
    if let Some(quoted) = input.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (value, &quoted[i + 1..]),
                other => value.push(other),
            }
        }
        (value, "")
    } else {
        let (token, rest) = take_token(input);
        (token.to_owned(), rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc6750_bearer_challenges() {
        let parsed = parse(
            r#"Bearer realm="mcp", error="invalid_token", error_description="the token \"x\" expired", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp""#,
        );
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].scheme, "Bearer");
        assert_eq!(parsed[0].param("error"), Some("invalid_token"));
        assert_eq!(
            parsed[0].param("error_description"),
            Some("the token \"x\" expired")
        );
        assert_eq!(
            parsed[0].param("resource_metadata"),
            Some("https://mcp.example.com/.well-known/oauth-protected-resource/mcp")
        );
    }

    #[test]
    fn parses_several_challenges_and_bare_schemes() {
        let parsed = parse(r#"Basic realm="x", Bearer scope=read, DPoP algs="ES256""#);
        let schemes: Vec<&str> = parsed.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Basic", "Bearer", "DPoP"]);
        assert_eq!(parsed[1].param("scope"), Some("read"));
        assert_eq!(parse("Bearer")[0].params, Vec::new());
    }

    #[test]
    fn reads_what_the_core_builds() {
        let error = mcp_bearer::Error::claim(
            mcp_bearer::ErrorKind::JwtClaimValidationFailed,
            "aud",
            "check_failed",
            "a reason for the log",
        );
        let header = mcp_bearer::metadata::BearerChallenge::from_error(&error, "https://r/.wk")
            .header_value();
        let parsed = parse(&header);
        assert_eq!(parsed[0].param("error"), Some("invalid_token"));
        assert_eq!(
            parsed[0].param("error_description"),
            Some("the token's \"aud\" is not accepted here")
        );
        assert_eq!(parsed[0].param("resource_metadata"), Some("https://r/.wk"));
    }
}
