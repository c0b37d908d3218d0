//! Our own cases (`verify_cases.json`), part one: the shared vocabulary of the case
//! builders, valid tokens per algorithm, and the `typ` policy. The claim checks are in
//! `claims.rs`, the attack corpus in `attacks.rs`.
//!
//! Every expected verdict is written here by hand from the specification quoted in the
//! description, never computed by running the verifier.

use mcp_bearer::ErrorKind;
use mcp_bearer::sign::SigningKey;
use serde_json::{Value, json};

use crate::b64;
use crate::format::{Case, Expected, Keys, Options};
use crate::keys::TestKeys;
use crate::token::{Forge, Jose};

/// The fixed time of every generated case: 2026-01-01T00:00:00Z.
pub(crate) const NOW: u64 = 1_767_225_600;
pub(crate) const ISSUER: &str = "https://idp.example.com/";
pub(crate) const AUDIENCE: &str = "https://mcp.example.com/mcp";
pub(crate) const SUBJECT: &str = "user-1234";
pub(crate) const SCOPES: [&str; 2] = ["mcp:read", "mcp:write"];

/// Shorthand for the stable code of a kind.
pub(crate) const fn code(kind: ErrorKind) -> &'static str {
    kind.code()
}

/// What every case builder needs.
pub(crate) struct Ctx<'a> {
    pub(crate) keys: &'a TestKeys,
    pub(crate) forge: &'a Forge,
    pub(crate) cases: Vec<Case>,
}

impl Ctx<'_> {
    /// The legitimate issuer's JWKS: one key per algorithm family.
    pub(crate) fn main_jwks(&self) -> Value {
        let k = self.keys;
        jwks(&[
            k.rs256.public_jwk(),
            k.ps256.public_jwk(),
            k.es256.public_jwk(),
            k.es384.public_jwk(),
            k.es512.public_jwk(),
            k.eddsa.public_jwk(),
        ])
    }

    /// The main JWKS as case keys.
    pub(crate) fn main_keys(&self) -> Keys {
        Keys::Jwks(self.main_jwks())
    }

    /// The shared secret as case keys.
    pub(crate) fn secret_keys(&self) -> Keys {
        Keys::SharedSecretB64u(b64::encode(&self.keys.hs_secret))
    }

    /// Adds a `jwt` case at [`NOW`].
    pub(crate) fn jwt(
        &mut self,
        id: &str,
        description: &str,
        token: String,
        keys: Keys,
        options: Options,
        expected: Expected,
    ) {
        self.cases.push(Case::jwt(
            id,
            description,
            token,
            keys,
            options,
            NOW,
            expected,
        ));
    }

    /// Adds a `jwt` case against the main JWKS with the standard options.
    pub(crate) fn main(&mut self, id: &str, description: &str, token: String, expected: Expected) {
        let keys = self.main_keys();
        self.jwt(id, description, token, keys, standard_options(), expected);
    }

    /// Signs `jose` with `key`.
    pub(crate) fn sign(&self, jose: &Jose, key: &SigningKey) -> String {
        self.forge.sign(jose, key)
    }
}

/// A JWKS of these public JWKs.
pub(crate) fn jwks(keys: &[Value]) -> Value {
    json!({ "keys": keys })
}

/// A public JWK with one member replaced or added (`Value::Null` removes it).
pub(crate) fn with_member(mut jwk: Value, name: &str, value: Value) -> Value {
    if let Some(obj) = jwk.as_object_mut() {
        if value.is_null() {
            obj.remove(name);
        } else {
            obj.insert(name.to_owned(), value);
        }
    }
    jwk
}

/// The options of a resource server at [`AUDIENCE`] trusting [`ISSUER`].
pub(crate) fn standard_options() -> Options {
    Options {
        issuers: Some(vec![ISSUER.to_owned()]),
        audiences: Some(vec![AUDIENCE.to_owned()]),
        ..Options::default()
    }
}

/// The claims of a well-formed access token (RFC 9068 §2.2), valid at [`NOW`].
pub(crate) fn claims(jti: &str) -> Vec<(String, Value)> {
    [
        ("iss", json!(ISSUER)),
        ("sub", json!(SUBJECT)),
        ("aud", json!(AUDIENCE)),
        ("iat", json!(NOW - 60)),
        ("exp", json!(NOW + 3600)),
        ("scope", json!(SCOPES.join(" "))),
        ("client_id", json!("client-abc")),
        ("jti", json!(jti)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A JWT header for `key` (its `alg` and `kid`) over [`claims`].
pub(crate) fn jose_for(key: &SigningKey, jti: &str) -> Jose {
    Jose::jwt(key.algorithm().name(), Some(key.kid()), claims(jti))
}

/// The verdict of a well-formed token.
pub(crate) fn valid() -> Expected {
    Expected::valid_jwt(Some(SUBJECT), &SCOPES)
}

/// Valid tokens, one per algorithm, and the key-selection basics.
pub(crate) fn algorithms(ctx: &mut Ctx<'_>) {
    let k = ctx.keys;
    let per_alg: [(&str, &SigningKey, &str); 6] = [
        (
            "valid-rs256",
            &k.rs256,
            "RFC 7518 §3.3 RSASSA-PKCS1-v1_5 using SHA-256",
        ),
        (
            "valid-ps256",
            &k.ps256,
            "RFC 7518 §3.5 RSASSA-PSS using SHA-256 and MGF1 with SHA-256",
        ),
        (
            "valid-es256",
            &k.es256,
            "RFC 7518 §3.4 ECDSA using P-256 and SHA-256",
        ),
        (
            "valid-es384",
            &k.es384,
            "RFC 7518 §3.4 ECDSA using P-384 and SHA-384",
        ),
        (
            "valid-es512",
            &k.es512,
            "RFC 7518 §3.4 ECDSA using P-521 and SHA-512",
        ),
        ("valid-eddsa", &k.eddsa, "RFC 8037 §3.1 EdDSA with Ed25519"),
    ];
    for (id, key, spec) in per_alg {
        let token = ctx.sign(&jose_for(key, id), key);
        let description = format!(
            "A well-formed access token signed with {} ({spec}) by the key its kid names verifies.",
            key.algorithm()
        );
        ctx.main(id, &description, token, valid());
    }

    let id = "valid-ed25519-alg-name";
    let token = ctx.sign(
        &Jose::jwt("Ed25519", Some(k.eddsa.kid()), claims(id)),
        &k.eddsa,
    );
    ctx.main(
        id,
        "RFC 9864 fully-specified algorithm name \"Ed25519\": a key published with \"alg\": \"EdDSA\" is the same Ed25519 key and verifies it.",
        token,
        valid(),
    );

    let id = "valid-rs256-no-kid";
    let token = ctx.sign(&Jose::jwt("RS256", None, claims(id)), &k.rs256);
    ctx.main(
        id,
        "RFC 7515 §4.1.4: \"kid\" is OPTIONAL. Without it every key of the set that fits RS256 is tried (the PS256-bound RSA key does not fit), and the right one verifies.",
        token,
        valid(),
    );

    let id = "valid-es256-no-kid";
    let token = ctx.sign(&Jose::jwt("ES256", None, claims(id)), &k.es256);
    ctx.main(
        id,
        "RFC 7515 §4.1.4: a token without \"kid\" is verified by the P-256 key of the set.",
        token,
        valid(),
    );

    let id = "valid-hs256-secret";
    let token = ctx
        .forge
        .hmac(&Jose::jwt("HS256", None, claims(id)), &k.hs_secret);
    let keys = ctx.secret_keys();
    ctx.jwt(
        id,
        "RFC 7518 §3.2 HMAC with SHA-256 under an explicitly configured 32-byte shared secret verifies (HS* is accepted only with a secret).",
        token,
        keys,
        standard_options(),
        valid(),
    );

    let id = "valid-hs256-secret-token-names-kid";
    let token = ctx.forge.hmac(
        &Jose::jwt("HS256", Some("hs-2026-01"), claims(id)),
        &k.hs_secret,
    );
    let keys = ctx.secret_keys();
    ctx.jwt(
        id,
        "RFC 7515 §4.1.4: the issuer names its secret with a kid (as RFC 7520 §4.4 does); a shared secret configured without a kid still verifies it.",
        token,
        keys,
        standard_options(),
        valid(),
    );
}

/// The `typ` header policy.
pub(crate) fn typ_policy(ctx: &mut Ctx<'_>) {
    let key = &ctx.keys.rs256;
    let accepted: [(&str, Option<&str>, &str); 4] = [
        (
            "typ-missing",
            None,
            "RFC 7515 §4.1.9: \"typ\" is OPTIONAL; a token without it passes the default policy.",
        ),
        (
            "typ-at+jwt",
            Some("at+jwt"),
            "RFC 9068 §2.1: JWT access tokens carry \"typ\": \"at+jwt\".",
        ),
        (
            "typ-application-at+jwt",
            Some("application/at+jwt"),
            "RFC 7515 §4.1.9: the \"application/\" prefix may be present; RFC 9068 §4 accepts \"application/at+jwt\".",
        ),
        (
            "typ-at+JWT-mixed-case",
            Some("at+JWT"),
            "RFC 7515 §4.1.9: \"typ\" is a media type, compared case-insensitively; RFC 9068's own example header uses \"at+JWT\".",
        ),
    ];
    for (id, typ, description) in accepted {
        let jose = jose_for(key, id);
        let jose = match typ {
            Some(t) => jose.header("typ", json!(t)),
            None => jose.without_header("typ"),
        };
        let token = ctx.sign(&jose, key);
        ctx.main(id, description, token, valid());
    }

    let id = "typ-dpop+jwt";
    let token = ctx.sign(&jose_for(key, id).header("typ", json!("dpop+jwt")), key);
    ctx.main(
        id,
        "RFC 8725 §3.11 explicit typing: a DPoP proof (\"typ\": \"dpop+jwt\", RFC 9449 §4.2) signed by the same issuer must not pass as an access token.",
        token,
        Expected::invalid(code(ErrorKind::JwtTypeInvalid)),
    );

    let strict = |mut o: Options| {
        o.typ = Some("strict_access_token");
        o
    };
    let id = "typ-strict-at+jwt";
    let token = ctx.sign(&jose_for(key, id).header("typ", json!("at+jwt")), key);
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "RFC 9068 §4 (strict mode): \"at+jwt\" is accepted.",
        token,
        keys,
        strict(standard_options()),
        valid(),
    );
    let id = "typ-strict-jwt";
    let token = ctx.sign(&jose_for(key, id), key);
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "RFC 9068 §4: the resource server MUST verify that \"typ\" is \"at+jwt\" or \"application/at+jwt\" and reject tokens carrying any other value; strict mode rejects \"JWT\".",
        token,
        keys,
        strict(standard_options()),
        Expected::invalid(code(ErrorKind::JwtTypeInvalid)),
    );
    let id = "typ-strict-missing";
    let token = ctx.sign(&jose_for(key, id).without_header("typ"), key);
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "RFC 9068 §4: strict mode rejects a token with no \"typ\".",
        token,
        keys,
        strict(standard_options()),
        Expected::invalid(code(ErrorKind::JwtTypeInvalid)),
    );
    let id = "typ-any-accepts-dpop+jwt";
    let token = ctx.sign(&jose_for(key, id).header("typ", json!("dpop+jwt")), key);
    let keys = ctx.main_keys();
    let mut options = standard_options();
    options.typ = Some("any");
    ctx.jwt(
        id,
        "With the \"any\" typ policy the header is not checked (an explicit opt-out of RFC 8725 §3.11).",
        token,
        keys,
        options,
        valid(),
    );
    let id = "typ-not-a-string";
    let token = ctx.sign(&jose_for(key, id).header("typ", json!(1)), key);
    ctx.main(
        id,
        "RFC 7515 §4.1.9: \"typ\" is a string; a number makes the header invalid.",
        token,
        Expected::invalid(code(ErrorKind::JwsInvalid)),
    );
}
