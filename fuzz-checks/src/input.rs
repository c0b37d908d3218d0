//! How each target reads the fuzzer's bytes, and the encoders the seed generator writes
//! with. Every layout accepts every byte string (a short one is simply ignored), so the
//! fuzzer never wastes effort on a framing it cannot satisfy.
//!
//! Parts are separated by `0xFF`, a byte that never occurs in UTF-8 text: a JSON header or
//! a URI cannot contain it, so a seed made of text stays splittable after mutation.

/// Separates the parts of a structured input.
pub const SEPARATOR: u8 = 0xFF;

/// Splits `data` at every [`SEPARATOR`].
pub fn parts(data: &[u8]) -> Vec<&[u8]> {
    data.split(|b| *b == SEPARATOR).collect()
}

/// Joins `parts` with [`SEPARATOR`].
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&SEPARATOR)
}

/// Verifier policy bits of a [`TokenInput`]'s first byte.
pub mod flags {
    /// `dangerous_accept_any_issuer`.
    pub const ANY_ISSUER: u8 = 0x01;
    /// `dangerous_accept_any_audience`.
    pub const ANY_AUDIENCE: u8 = 0x02;
    /// `required_scopes: ["mcp:write"]`.
    pub const REQUIRE_SCOPE: u8 = 0x04;
    /// `max_token_age: 3600 s`.
    pub const MAX_AGE: u8 = 0x08;
    /// `typ: StrictAccessToken` (with [`TYP_ANY`] clear).
    pub const TYP_STRICT: u8 = 0x10;
    /// `typ: Any` (with [`TYP_STRICT`] clear).
    pub const TYP_ANY: u8 = 0x20;
    /// `leeway: 0`.
    pub const NO_LEEWAY: u8 = 0x40;
    /// The input carries its own protected header: `header 0xFF payload`.
    pub const RAW_HEADER: u8 = 0x80;
}

/// A token to mint: `flags` (see [`flags`]), then the payload, or with
/// [`flags::RAW_HEADER`] the header, [`SEPARATOR`] and the payload. Without a raw header
/// the checks write a well-formed one (`alg`, the key's `kid`, `typ: at+jwt`), so every
/// mutation lands in the claims parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenInput<'a> {
    /// Verifier policy bits.
    pub flags: u8,
    /// The protected header's JSON bytes, when the input gives them.
    pub header: Option<&'a [u8]>,
    /// The payload bytes (the JWT claims set, or whatever the fuzzer made of it).
    pub payload: &'a [u8],
}

impl<'a> TokenInput<'a> {
    /// Reads a token input; `None` for the empty string.
    pub fn decode(data: &'a [u8]) -> Option<Self> {
        let (&flags, rest) = data.split_first()?;
        if flags & flags::RAW_HEADER == 0 {
            return Some(TokenInput {
                flags,
                header: None,
                payload: rest,
            });
        }
        let (header, payload) = match rest.iter().position(|b| *b == SEPARATOR) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        Some(TokenInput {
            flags,
            header: Some(header),
            payload,
        })
    }

    /// The bytes [`decode`](TokenInput::decode) reads back as `self`. The raw-header bit
    /// is set exactly when there is a header.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + self.payload.len());
        match self.header {
            None => {
                out.push(self.flags & !flags::RAW_HEADER);
                out.extend_from_slice(self.payload);
            }
            Some(header) => {
                out.push(self.flags | flags::RAW_HEADER);
                out.extend_from_slice(header);
                out.push(SEPARATOR);
                out.extend_from_slice(self.payload);
            }
        }
        out
    }
}

/// The HTTP statuses a token-response input picks from with the low four bits of its first
/// byte: the ordinary ones and the edges of each class.
pub const TOKEN_RESPONSE_STATUSES: [u16; 16] = [
    200, 201, 299, 204, 400, 401, 403, 429, 499, 500, 502, 599, 302, 100, 0, 999,
];

/// The `Content-Type` values a token-response input picks from with the low three bits of
/// its second byte (`None`: no header).
pub const TOKEN_RESPONSE_CONTENT_TYPES: [Option<&str>; 8] = [
    None,
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("text/plain"),
    Some("application/json; charset=utf-8"),
    Some("application/problem+json"),
    Some("text/html"),
    Some("APPLICATION/JSON"),
];

/// A token endpoint response: `status index, content-type index, body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenResponseInput<'a> {
    /// The status.
    pub status: u16,
    /// The `Content-Type`, if any.
    pub content_type: Option<&'static str>,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> TokenResponseInput<'a> {
    /// Reads a response input; `None` when shorter than two bytes.
    pub fn decode(data: &'a [u8]) -> Option<Self> {
        let [s, c, body @ ..] = data else {
            return None;
        };
        Some(TokenResponseInput {
            status: TOKEN_RESPONSE_STATUSES[usize::from(s & 0x0F)],
            content_type: TOKEN_RESPONSE_CONTENT_TYPES[usize::from(c & 0x07)],
            body,
        })
    }

    /// The bytes for a status and content type from the two tables, and `body`.
    /// `None` when either is not in its table.
    pub fn encode(status: u16, content_type: Option<&str>, body: &[u8]) -> Option<Vec<u8>> {
        let s = TOKEN_RESPONSE_STATUSES.iter().position(|x| *x == status)?;
        let c = TOKEN_RESPONSE_CONTENT_TYPES
            .iter()
            .position(|x| *x == content_type)?;
        let mut out = vec![u8::try_from(s).ok()?, u8::try_from(c).ok()?];
        out.extend_from_slice(body);
        Some(out)
    }
}

/// The fields of a proxy state to seal, after a mode byte (whose value sets the lifetime):
/// `client_id 0xFF redirect_uri 0xFF client_state 0xFF pkce_verifier 0xFF scopes 0xFF
/// resources`, scopes and resources space-separated. A missing `client_state` part means
/// none. The whole input is also tried as a sealed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFields {
    /// The lifetime in seconds: the mode byte times 7 (0 makes a state that is born expired).
    pub ttl_secs: u64,
    /// The parts, lossy UTF-8.
    pub fields: Vec<String>,
}

impl StateFields {
    /// Reads the fields; `None` for the empty string.
    pub fn decode(data: &[u8]) -> Option<Self> {
        let (&mode, rest) = data.split_first()?;
        Some(StateFields {
            ttl_secs: u64::from(mode) * 7,
            fields: parts(rest)
                .into_iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect(),
        })
    }

    /// The bytes for `mode` and `fields`.
    pub fn encode(mode: u8, fields: &[&str]) -> Vec<u8> {
        let mut out = vec![mode];
        let parts: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
        out.extend_from_slice(&join(&parts));
        out
    }
}

/// A `challenge` input: a mode byte, then either an `Authorization` header value (even
/// mode) or a [`TokenInput`] signed into `Bearer <token>` (odd mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeInput<'a> {
    /// The header value as sent (lossy UTF-8).
    Header(&'a [u8]),
    /// A token to mint and send.
    Token(TokenInput<'a>),
}

impl<'a> ChallengeInput<'a> {
    /// Reads a challenge input; `None` when there is nothing to use.
    pub fn decode(data: &'a [u8]) -> Option<Self> {
        let (&mode, rest) = data.split_first()?;
        if mode & 1 == 0 {
            Some(ChallengeInput::Header(rest))
        } else {
            TokenInput::decode(rest).map(ChallengeInput::Token)
        }
    }

    /// The bytes [`decode`](ChallengeInput::decode) reads back as `self`.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            ChallengeInput::Header(h) => [&[0u8][..], h].concat(),
            ChallengeInput::Token(t) => [vec![1u8], t.encode()].concat(),
        }
    }
}

/// The bits of a [`ClientMetadataInput`]'s first byte.
pub mod metadata_flags {
    /// `dangerous_allow_loopback`.
    pub const LOOPBACK: u8 = 0x01;
    /// `dangerous_allow_private`.
    pub const PRIVATE: u8 = 0x02;
    /// `private_key_jwt` among the supported `token_endpoint_auth_methods`.
    pub const PRIVATE_KEY_JWT: u8 = 0x04;
    /// `none` left out of the supported `token_endpoint_auth_methods`.
    pub const NO_NONE: u8 = 0x08;
    /// Two bits (`>> 4 & 3`) choosing `max_cache_ttl` from
    /// [`CLIENT_METADATA_MAX_CACHE_TTLS`](super::CLIENT_METADATA_MAX_CACHE_TTLS).
    pub const MAX_TTL_SHIFT: u8 = 4;
    /// `cache_ttl` (for a response without caching headers) of 7 days rather than 5 min:
    /// above every `max_cache_ttl`, so the maximum must win.
    pub const LONG_DEFAULT_TTL: u8 = 0x40;
    /// Every `@@` in the body is replaced by the client id, so a mutated URL keeps a
    /// document that names it.
    pub const ID_IN_BODY: u8 = 0x80;
}

/// The `max_cache_ttl`s, in seconds, a client-metadata input picks from.
pub const CLIENT_METADATA_MAX_CACHE_TTLS: [u64; 4] = [86_400, 0, 60, 3600];

/// The HTTP statuses a client-metadata input picks from with the low four bits of its
/// second byte: mostly 200, so most inputs reach the document checks.
pub const CLIENT_METADATA_STATUSES: [u16; 16] = [
    200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 404, 500, 0,
];

/// A client id metadata document fetch: `flags` (see [`metadata_flags`]), a status index,
/// then `client_id 0xFF redirect_uri 0xFF headers 0xFF body`. The headers are
/// `Name: value` lines separated by `\n`; the body is the rest of the input (it may hold
/// `0xFF`). A missing part is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadataInput<'a> {
    /// The policy bits.
    pub flags: u8,
    /// The status the document's server answers with.
    pub status: u16,
    /// The client id (lossy UTF-8 of its part).
    pub client_id: String,
    /// The redirect URI of the authorization request (lossy UTF-8).
    pub redirect_uri: String,
    /// The response headers, from the lines of their part that have a `:`.
    pub headers: Vec<(String, String)>,
    /// The response body, `@@` not yet replaced.
    pub body: &'a [u8],
}

impl<'a> ClientMetadataInput<'a> {
    /// Reads an input; `None` when shorter than two bytes.
    pub fn decode(data: &'a [u8]) -> Option<Self> {
        let [flags, status, rest @ ..] = data else {
            return None;
        };
        let mut split = rest.splitn(4, |b| *b == SEPARATOR);
        let mut next = || split.next().unwrap_or_default();
        let (client_id, redirect_uri, headers, body) = (next(), next(), next(), next());
        let headers = String::from_utf8_lossy(headers)
            .split('\n')
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Some(ClientMetadataInput {
            flags: *flags,
            status: CLIENT_METADATA_STATUSES[usize::from(status & 0x0F)],
            client_id: String::from_utf8_lossy(client_id).into_owned(),
            redirect_uri: String::from_utf8_lossy(redirect_uri).into_owned(),
            headers,
            body,
        })
    }

    /// The bytes for these parts; `None` for a status not in [`CLIENT_METADATA_STATUSES`].
    pub fn encode(
        flags: u8,
        status: u16,
        client_id: &str,
        redirect_uri: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Vec<u8>> {
        let s = CLIENT_METADATA_STATUSES.iter().position(|x| *x == status)?;
        let headers: Vec<String> = headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let headers = headers.join("\n");
        let mut out = vec![flags, u8::try_from(s).ok()?];
        out.extend_from_slice(&join(&[
            client_id.as_bytes(),
            redirect_uri.as_bytes(),
            headers.as_bytes(),
            body,
        ]));
        Some(out)
    }

    /// The body with every `@@` replaced by the client id when [`metadata_flags::ID_IN_BODY`]
    /// is set.
    pub fn body(&self) -> Vec<u8> {
        if self.flags & metadata_flags::ID_IN_BODY == 0 {
            return self.body.to_vec();
        }
        let mut out = Vec::with_capacity(self.body.len());
        let mut rest = self.body;
        while let Some(i) = rest.windows(2).position(|w| w == b"@@") {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(self.client_id.as_bytes());
            rest = &rest[i + 2..];
        }
        out.extend_from_slice(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_inputs_round_trip() {
        for input in [
            TokenInput {
                flags: 0x05,
                header: None,
                payload: b"{\"a\":1}",
            },
            TokenInput {
                flags: flags::RAW_HEADER | flags::MAX_AGE,
                header: Some(b"{\"alg\":\"HS256\"}"),
                payload: b"",
            },
        ] {
            assert_eq!(TokenInput::decode(&input.encode()), Some(input));
        }
        assert_eq!(TokenInput::decode(b""), None);
    }

    #[test]
    fn response_inputs_round_trip() {
        let bytes = TokenResponseInput::encode(401, Some("text/plain"), b"x=1").unwrap();
        let input = TokenResponseInput::decode(&bytes).unwrap();
        assert_eq!(
            (input.status, input.content_type, input.body),
            (401, Some("text/plain"), &b"x=1"[..])
        );
        assert_eq!(TokenResponseInput::encode(418, None, b""), None);
    }

    #[test]
    fn challenge_and_state_inputs_round_trip() {
        let token = TokenInput {
            flags: 0,
            header: None,
            payload: b"{}",
        };
        for input in [
            ChallengeInput::Header(b"Bearer abc"),
            ChallengeInput::Token(token),
        ] {
            assert_eq!(ChallengeInput::decode(&input.encode()), Some(input));
        }
        let fields = StateFields::decode(&StateFields::encode(3, &["c", "https://a/", "s"]));
        assert_eq!(
            fields,
            Some(StateFields {
                ttl_secs: 21,
                fields: vec!["c".into(), "https://a/".into(), "s".into()],
            })
        );
    }

    #[test]
    fn client_metadata_inputs_round_trip() {
        let headers = [("Cache-Control", "max-age=60"), ("Date", "x: y")];
        let bytes = ClientMetadataInput::encode(
            metadata_flags::ID_IN_BODY,
            404,
            "https://c.example/c.json",
            "http://127.0.0.1/cb",
            &headers,
            b"{\"client_id\":\"@@\"}\xff",
        )
        .unwrap();
        let input = ClientMetadataInput::decode(&bytes).unwrap();
        assert_eq!(input.status, 404);
        assert_eq!(input.client_id, "https://c.example/c.json");
        assert_eq!(input.redirect_uri, "http://127.0.0.1/cb");
        let owned: Vec<(&str, &str)> = input
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(owned, headers);
        assert_eq!(
            input.body(),
            b"{\"client_id\":\"https://c.example/c.json\"}\xff"
        );
        assert_eq!(ClientMetadataInput::encode(0, 418, "", "", &[], b""), None);
        let short = ClientMetadataInput::decode(&[0, 0]).unwrap();
        assert_eq!((short.client_id.as_str(), short.body), ("", &b""[..]));
    }
}
