//! Writes the seed corpora of the fuzz targets, `fuzz/corpus/<target>/`, from the shared
//! vectors in `tests/vectors/` (tokens, key sets, the attack corpus) and a few documents of
//! each kind the vectors do not hold (discovery documents, token responses, registrations,
//! redirect URIs, client id metadata documents), and the named regression inputs of `fuzz/regressions/<target>/`.
//!
//! ```sh
//! cargo run -p mcp-bearer-fuzz-checks --bin seed-corpus            # into fuzz/
//! cargo run -p mcp-bearer-fuzz-checks --bin seed-corpus -- DIR     # into DIR/corpus/, DIR/regressions/
//! ```
//!
//! Seeds are named by the SHA-1 of their content, as libFuzzer names what it adds, so
//! seeding twice or after `cargo fuzz cmin` adds nothing twice; `cmin` may later drop a
//! seed that covers nothing new. Regression inputs have names that say what they are, and
//! `cmin` never touches them. Every input must pass its check (the replay test runs them
//! all); the generator checks each before writing it.
// A development tool, like the checks it runs: a seed that fails its check, or a fixed test
// key that does not load, stops it loudly.
#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aws_lc_rs::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};
use fuzz_checks::fixture::{AUDIENCE, ISSUER, NOW};
use fuzz_checks::input::{
    ChallengeInput, ClientMetadataInput, StateFields, TokenInput, TokenResponseInput, flags, join,
    metadata_flags,
};
use fuzz_checks::jose::{b64url, b64url_decode};
use mcp_bearer::oauth::{PkceChallenge, ProxyState};
use serde_json::{Value, json};

/// Seeds larger than this are left out: the corpus stays small, and the fuzzer reaches
/// the size limits by itself.
const MAX_SEED_BYTES: usize = 8 * 1024;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| root.join("fuzz"), PathBuf::from);
    let vectors = root.join("tests/vectors");
    let documents = match json_documents(&vectors) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("reading {}: {e}", vectors.display());
            return ExitCode::FAILURE;
        }
    };
    let cases: Vec<Value> = documents
        .iter()
        .filter(|(name, _)| name.ends_with("_cases.json"))
        .flat_map(|(_, doc)| doc["cases"].as_array().cloned().unwrap_or_default())
        .collect();

    let seeds: [(&str, Vec<Vec<u8>>); 9] = [
        ("verify", verify_seeds(&cases)),
        ("jwks", jwks_seeds(&documents)),
        ("discovery", discovery_seeds()),
        ("token_response", token_response_seeds(&cases)),
        ("registration", registration_seeds()),
        ("state", state_seeds()),
        ("redirect", redirect_seeds()),
        ("challenge", challenge_seeds(&cases)),
        ("client_metadata", client_metadata_seeds()),
    ];
    for (target, inputs) in seeds {
        let named = inputs
            .into_iter()
            .filter(|i| i.len() <= MAX_SEED_BYTES)
            .map(|i| (sha1_hex(&i), i));
        match write(&out.join("corpus").join(target), target, named) {
            Ok((total, new)) => println!("corpus/{target}: {total} seeds, {new} new"),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for (target, inputs) in regressions() {
        match write(
            &out.join("regressions").join(target),
            target,
            inputs.into_iter(),
        ) {
            Ok((total, new)) => println!("regressions/{target}: {total} inputs, {new} new"),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Checks each input with `target`'s check and writes it into `dir` under its name, unless
/// that file exists. (How many inputs, how many written.)
fn write(
    dir: &Path,
    target: &str,
    inputs: impl Iterator<Item = Named>,
) -> Result<(usize, usize), String> {
    let (_, check) = fuzz_checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("every seeded target is a target");
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (mut total, mut written) = (0, 0);
    for (name, input) in inputs {
        check(&input);
        total += 1;
        let path = dir.join(name);
        if !path.exists() {
            fs::write(&path, &input).map_err(|e| format!("{}: {e}", path.display()))?;
            written += 1;
        }
    }
    Ok((total, written))
}

fn sha1_hex(input: &[u8]) -> String {
    digest(&SHA1_FOR_LEGACY_USE_ONLY, input)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An input and the name of its file.
type Named = (String, Vec<u8>);

/// Inputs kept whatever their coverage, by target and name: each is a case an issue named.
fn regressions() -> Vec<(&'static str, Vec<Named>)> {
    // Issue 7 §4: a kid and an alg of hundreds of bytes end up in the error_description,
    // which must stay within MAX_DESCRIPTION_BYTES once the bound is enforced.
    let flood = |name: &str, header: String| {
        let token = TokenInput {
            flags: 0,
            header: Some(header.as_bytes()),
            payload: b"{}",
        };
        (name.to_owned(), ChallengeInput::Token(token).encode())
    };
    vec![(
        "challenge",
        vec![
            flood(
                "issue7-s4-kid-of-512-control-characters",
                format!(
                    r#"{{"alg":"EdDSA","kid":"{}","typ":"at+jwt"}}"#,
                    "\\u0001".repeat(512)
                ),
            ),
            flood(
                "issue7-s4-alg-of-300-characters",
                format!(r#"{{"alg":"{}","kid":"k"}}"#, "A".repeat(300)),
            ),
        ],
    )]
}

/// Every JSON file under `dir`, by path relative to it.
fn json_documents(dir: &Path) -> std::io::Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = fs::read_to_string(&path)?;
                if let Ok(value) = serde_json::from_str(&text) {
                    let name = path
                        .strip_prefix(dir)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .into_owned();
                    out.insert(name, value);
                }
            }
        }
    }
    Ok(out)
}

/// The header and payload bytes of a compact token, when both segments decode.
fn segments(token: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut parts = token.split('.');
    let header = b64url_decode(parts.next()?)?;
    let payload = b64url_decode(parts.next()?)?;
    Some((header, payload))
}

/// The policy flags for a vector case's options.
fn flags_of(options: &Value) -> u8 {
    let mut f = 0;
    if options["dangerous_accept_any_issuer"] == true {
        f |= flags::ANY_ISSUER;
    }
    if options["dangerous_accept_any_audience"] == true {
        f |= flags::ANY_AUDIENCE;
    }
    if options.get("required_scopes").is_some() {
        f |= flags::REQUIRE_SCOPE;
    }
    if options.get("max_token_age").is_some() {
        f |= flags::MAX_AGE;
    }
    match options["typ"].as_str() {
        Some("strict_access_token") => f |= flags::TYP_STRICT,
        Some("any") => f |= flags::TYP_ANY,
        _ => {}
    }
    if options["leeway"] == 0 {
        f |= flags::NO_LEEWAY;
    }
    f
}

/// Each JWT case's payload under its options, with our header and with its own.
fn token_inputs(cases: &[Value]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for case in cases.iter().filter(|c| c["layer"] == "jwt") {
        let Some((header, payload)) = case["token"].as_str().and_then(segments) else {
            continue;
        };
        let flags = flags_of(&case["options"]);
        out.push(
            TokenInput {
                flags,
                header: None,
                payload: &payload,
            }
            .encode(),
        );
        out.push(
            TokenInput {
                flags,
                header: Some(&header),
                payload: &payload,
            }
            .encode(),
        );
    }
    out
}

fn verify_seeds(cases: &[Value]) -> Vec<Vec<u8>> {
    let mut out = token_inputs(cases);
    // Claim shapes the vectors do not spell out: escapes, duplicates, odd types and
    // numbers in the registered claims, and nesting in unknown ones.
    let base = |extra: &str| {
        format!(
            r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{},"iat":{NOW},"sub":"s"{extra}}}"#,
            NOW + 3600
        )
    };
    let payloads = [
        base(""),
        base(r#","scope":"mcp:read mcp:write","scp":["a","mcp:write"]"#),
        base(r#","iss":"https:\/\/idp.example.com\/""#),
        base(r#","sub":"\u0061\n""#),
        base(r#","exp":null"#),
        base(r#","exp":"2000000000""#),
        base(r#","exp":1e400"#),
        base(r#","nbf":-1e308,"iat":0.5"#),
        base(r#","aud":["x","https://mcp.example.com/mcp"]"#),
        base(r#","aud":["x",1]"#),
        base(r#","aud":[]"#),
        base(r#","client_id":7"#),
        base(r#","azp":"z","client_id":null"#),
        base(r#","act":{"sub":"agent","act":{"sub":"deeper"}},"cnf":{"jkt":"x"}"#),
        base(&format!(r#","x":{}1{}"#, "[".repeat(20), "]".repeat(20))),
        base(r#","roles":["admin"],"tenant":"t","x":-0,"y":1.0e2,"z":"\ud83d\ude00""#),
        format!("  {}  ", base("")),
        base("").replace(',', " , "),
        "[]".to_owned(),
        "null".to_owned(),
        "{}".to_owned(),
        String::new(),
    ];
    for p in &payloads {
        for f in [0, flags::REQUIRE_SCOPE, flags::MAX_AGE | flags::NO_LEEWAY] {
            out.push(
                TokenInput {
                    flags: f,
                    header: None,
                    payload: p.as_bytes(),
                }
                .encode(),
            );
        }
    }
    out
}

fn jwks_seeds(documents: &BTreeMap<String, Value>) -> Vec<Vec<u8>> {
    let mut sets: Vec<Value> = Vec::new();
    let mut public_keys: Vec<Value> = Vec::new();
    for (name, doc) in documents {
        let mut stack = vec![doc];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(o) => {
                    if o.get("keys").is_some_and(Value::is_array) {
                        sets.push(v.clone());
                    } else if o.contains_key("kty") {
                        // A key file with its private members, as an operator might paste it.
                        sets.push(json!({ "keys": [v] }));
                        if name.starts_with("keys/") {
                            let mut public = o.clone();
                            for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                                public.remove(private);
                            }
                            public_keys.push(Value::Object(public));
                        }
                    }
                    stack.extend(o.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        if let Some(members) = doc.get("members").and_then(Value::as_array) {
            sets.push(json!({ "keys": members }));
        }
    }
    sets.push(json!({ "keys": public_keys }));
    sets.push(json!({ "keys": [] }));
    sets.push(json!({ "keys": {} }));
    sets.push(json!([]));
    let mut out: Vec<Vec<u8>> = sets.iter().map(|s| s.to_string().into_bytes()).collect();
    out.sort();
    out.dedup();
    out
}

fn discovery_seeds() -> Vec<Vec<u8>> {
    let full = json!({
        "issuer": ISSUER,
        "jwks_uri": format!("{ISSUER}.well-known/jwks.json"),
        "authorization_endpoint": format!("{ISSUER}authorize"),
        "token_endpoint": format!("{ISSUER}oauth/token"),
        "registration_endpoint": format!("{ISSUER}register"),
        "introspection_endpoint": format!("{ISSUER}introspect"),
        "userinfo_endpoint": format!("{ISSUER}userinfo"),
        "revocation_endpoint": format!("{ISSUER}revoke"),
        "scopes_supported": ["openid", "profile", "mcp:read"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic"],
        "response_types_supported": ["code"],
    });
    let docs = [
        full.to_string(),
        json!({"issuer": ISSUER, "jwks_uri": "http://127.0.0.1:1/jwks"}).to_string(),
        json!({"issuer": ISSUER.trim_end_matches('/'), "jwks_uri": "https://x/"}).to_string(),
        json!({"issuer": "https://idp.example.com/realms/mcp", "jwks_uri": "https://idp.example.com/realms/mcp/certs"}).to_string(),
        json!({"issuer": "https://login.example.com:8443/tenant/v2.0/", "scopes_supported": "openid"}).to_string(),
        json!({"issuer": "http://localhost:8080", "grant_types_supported": [1, null, "x"]}).to_string(),
        json!({"issuer": 7}).to_string(),
        json!({"jwks_uri": "https://idp.example.com/jwks"}).to_string(),
        json!({"issuer": "not a url"}).to_string(),
        json!({"issuer": "data:text/plain,x"}).to_string(),
        json!({"issuer": "https://user:pass@idp.example.com/"}).to_string(),
        json!({"issuer": "https://idp.example.com/\u{1b}[2J"}).to_string(),
        "[]".to_owned(),
        "\"issuer\"".to_owned(),
        String::new(),
    ];
    docs.iter().map(|d| d.as_bytes().to_vec()).collect()
}

fn token_response_seeds(cases: &[Value]) -> Vec<Vec<u8>> {
    let token = cases
        .iter()
        .find_map(|c| c["token"].as_str().filter(|t| t.len() < 1024))
        .unwrap_or("at-123");
    let json_ct = Some("application/json");
    let form_ct = Some("application/x-www-form-urlencoded");
    let bodies: Vec<(u16, Option<&str>, String)> = vec![
        (
            200,
            json_ct,
            json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                   "refresh_token": "rt-1", "id_token": token, "scope": "openid mcp:read"})
            .to_string(),
        ),
        (
            200,
            json_ct,
            json!({"access_token": "a", "token_type": "bearer", "scope": "repo,user",
                   "refresh_token_expires_in": 15_897_600})
            .to_string(),
        ),
        (
            200,
            None,
            json!({"access_token": "a", "expires_in": "3600", "scope": ""}).to_string(),
        ),
        (
            200,
            json_ct,
            json!({"access_token": "a", "expires_in": 1e30, "issued_token_type":
                   "urn:ietf:params:oauth:token-type:access_token",
                   "authed_user": {"access_token": "nested"}})
            .to_string(),
        ),
        (
            201,
            json_ct,
            json!({"access_token": "a", "expires_in": -1, "token_type": ""}).to_string(),
        ),
        (
            200,
            json_ct,
            json!({"access_token": "", "token_type": "Bearer"}).to_string(),
        ),
        (
            200,
            form_ct,
            "access_token=gho_abc&scope=repo%2Cgist&token_type=bearer".to_owned(),
        ),
        (
            200,
            Some("text/plain"),
            "access_token=a&access_token=b&expires_in=%2010".to_owned(),
        ),
        (
            400,
            json_ct,
            json!({"error": "invalid_grant", "error_description": "The code has expired",
                   "error_uri": "https://idp.example.com/errors#grant"})
            .to_string(),
        ),
        (
            401,
            json_ct,
            json!({"error": "invalid_client", "error_description": "line one\nline two\u{7}"})
                .to_string(),
        ),
        (
            200,
            form_ct,
            "error=bad_verification_code&error_description=The+code+is+wrong".to_owned(),
        ),
        (
            500,
            Some("text/html"),
            "<html><body>Internal error</body></html>".to_owned(),
        ),
        (
            503,
            json_ct,
            json!({"error": "temporarily_unavailable"}).to_string(),
        ),
        (302, None, String::new()),
        (200, json_ct, "[1,2]".to_owned()),
        (200, json_ct, json!({"error": "  "}).to_string()),
        (
            429,
            Some("application/problem+json"),
            json!({"error": "slow_down", "error_description": "x".repeat(600)}).to_string(),
        ),
    ];
    bodies
        .iter()
        .filter_map(|(s, ct, body)| TokenResponseInput::encode(*s, *ct, body.as_bytes()))
        .collect()
}

fn registration_seeds() -> Vec<Vec<u8>> {
    let docs = [
        json!({
            "redirect_uris": ["http://localhost:6274/oauth/callback"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": "MCP Inspector",
            "client_uri": "https://github.com/modelcontextprotocol/inspector"
        }),
        json!({"redirect_uris": ["cursor://anysphere.cursor-retrieval/oauth/user-callback"],
               "client_name": "Cursor", "scope": "mcp:read", "software_id": "s",
               "software_version": "1.0"}),
        json!({"redirect_uris": ["https://claude.ai/api/mcp/auth_callback",
                                 "http://127.0.0.1:33418/callback"]}),
        json!({"redirect_uris": []}),
        json!({}),
        json!({"redirect_uris": ["javascript:alert(1)"]}),
        json!({"redirect_uris": ["https://client.example.com/cb#frag"]}),
        json!({"redirect_uris": ["http://client.example.com/cb"]}),
        json!({"redirect_uris": ["https://a.example/cb"], "grant_types": ["client_credentials"]}),
        json!({"redirect_uris": ["https://a.example/cb"], "response_types": ["token"]}),
        json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "client_secret_basic"}),
        json!({"redirect_uris": vec!["https://a.example/cb"; 21]}),
        json!({"redirect_uris": "https://a.example/cb"}),
        json!({"redirect_uris": ["https://a.example/cb"], "client_name": 7}),
        json!([]),
    ];
    let mut out: Vec<Vec<u8>> = docs.iter().map(|d| d.to_string().into_bytes()).collect();
    out.push(b"not json".to_vec());
    out
}

fn state_seeds() -> Vec<Vec<u8>> {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let mut out = vec![
        StateFields::encode(
            86,
            &[
                "proxy-client",
                "http://127.0.0.1:33418/callback",
                "af0ifjsldkj",
                verifier,
                "mcp:read mcp:write",
                "https://mcp.example.com/mcp",
            ],
        ),
        StateFields::encode(1, &["c", "cursor://anysphere.cursor-retrieval/cb?x=1"]),
        StateFields::encode(0, &["c", "https://client.example.com/cb", "", "", "", ""]),
        StateFields::encode(
            255,
            &["é\u{0}\"\\", "not a uri", "s\u{7f}", "v", "  a  b ", "r"],
        ),
        StateFields::encode(
            9,
            &["c", &format!("https://a.example/{}", "x".repeat(3000))],
        ),
        b"a.b".to_vec(),
        b".".to_vec(),
        b"".to_vec(),
        b"eyJpZCI6IngifQ.AAAA".to_vec(),
    ];
    // Well-formed states with a MAC that is not this key's: they get past the framing
    // checks and stop at the MAC, which is where a forgery must stop. (Sealing under another
    // key would do too, but draws a random id, and the seeds must be reproducible.)
    let state = ProxyState {
        client_id: "proxy-client".into(),
        redirect_uri: "http://localhost:6274/oauth/callback".into(),
        client_state: Some("xyz".into()),
        code_challenge: PkceChallenge::s256(verifier),
        scopes: vec!["mcp:read".into()],
        resources: Vec::new(),
    };
    let mut payload = serde_json::to_value(&state).expect("a state serializes");
    payload["id"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
    for exp in [NOW + 600, NOW - 1] {
        payload["exp"] = json!(exp);
        let forged = format!("{}.{}", b64url(payload.to_string()), b64url([0x42; 32]));
        out.push(forged.into_bytes());
    }
    out
}

fn redirect_seeds() -> Vec<Vec<u8>> {
    let uris = [
        "https://client.example.com/callback",
        "https://client.example.com:8443/cb?x=1&state=old",
        "https://192.0.2.1/cb",
        "https://[2001:db8::1]/cb",
        "https://xn--bcher-kva.example/cb",
        "http://127.0.0.1:33418/callback",
        "http://127.0.0.1/callback",
        "http://127.255.255.254:1/cb",
        "http://[::1]:8080/cb",
        "http://localhost:6274/oauth/callback",
        "http://LOCALHOST:1/cb",
        "http://0x7f.1/cb",
        "http://2130706433/cb",
        "cursor://anysphere.cursor-retrieval/oauth/user-callback",
        "vscode://vscode.github-authentication/did-authenticate",
        "windsurf://codeium.windsurf/oauth",
        "CURSOR:/cb",
        "myapp:cb",
        "http://client.example.com/cb",
        "http://localhost.evil.example/cb",
        "http://127.0.0.1.nip.io/cb",
        "http://[::ffff:127.0.0.1]/cb",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "blob:https://a.example/uuid",
        "about:blank",
        "ftp://example.com/",
        "https://client.example.com/cb#frag",
        "https://client.example.com/cb#",
        "https://user@client.example.com/cb",
        "https://@client.example.com/cb",
        "https://:@client.example.com/cb",
        "https:///cb",
        "https://",
        "https://client.example.com/c b",
        "https://client.example.com/\u{85}",
        "//client.example.com/cb",
        "",
    ];
    let mut out: Vec<Vec<u8>> = uris.iter().map(|u| u.as_bytes().to_vec()).collect();
    for (registered, requested) in [
        (
            "http://127.0.0.1:33418/callback",
            "http://127.0.0.1:50000/callback",
        ),
        ("http://localhost/cb", "http://localhost:8080/cb"),
        ("http://[::1]:1/cb", "http://[::1]:2/cb?x"),
        (
            "https://client.example.com/cb",
            "https://client.example.com:444/cb",
        ),
        ("http://127.0.0.1:1/cb", "http://127.0.0.1:1/CB"),
        ("cursor://a/cb", "cursor://a/cb"),
    ] {
        out.push(join(&[registered.as_bytes(), requested.as_bytes()]));
    }
    out
}

fn challenge_seeds(cases: &[Value]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let headers = [
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "bearer  mF_9.B5f-4.1JqM",
        "BEARER mF_9.B5f-4.1JqM==",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bearer a b",
        "Bearer a,b",
        "Bearer \"a\"",
        "Bearer é",
        "Bearer\ttok",
        "Bearer tok\r\nX-Injected: 1",
        "DPoP eyJ",
        "Bearer =",
    ];
    for h in headers {
        out.push(ChallengeInput::Header(h.as_bytes()).encode());
    }
    for case in cases {
        if let Some(token) = case["token"].as_str().filter(|t| t.len() < 2048) {
            let header = format!("Bearer {token}");
            out.push(ChallengeInput::Header(header.as_bytes()).encode());
        }
    }
    for input in token_inputs(cases).iter().step_by(7) {
        if let Some(t) = TokenInput::decode(input) {
            out.push(ChallengeInput::Token(t).encode());
        }
    }
    // Headers whose kid and typ carry terminal control sequences and quotes.
    for header in [
        r#"{"alg":"HS256","kid":"\u001b]0;pwned\u0007\"\\","typ":"at+jwt"}"#,
        r#"{"alg":"HS256","typ":"\u001b[2J"}"#,
        r#"{"alg":"none\r\n"}"#,
    ] {
        let token = TokenInput {
            flags: 0,
            header: Some(header.as_bytes()),
            payload: b"{}",
        };
        out.push(ChallengeInput::Token(token).encode());
    }
    out.sort();
    out.dedup();
    out
}

/// Client id metadata documents: good ones (with each cache header), one refusal per rule of
/// the client id, of the document and of the redirect URI.
fn client_metadata_seeds() -> Vec<Vec<u8>> {
    use metadata_flags::{ID_IN_BODY, LONG_DEFAULT_TTL, LOOPBACK, NO_NONE, PRIVATE_KEY_JWT};
    const ID: &str = "https://client.example.com/oauth/client.json";
    const CB: &str = "http://127.0.0.1:33418/callback";
    let good = json!({
        "client_id": "@@",
        "client_name": "Example MCP Client",
        "client_uri": "https://client.example.com/",
        "logo_uri": "https://client.example.com/logo.png",
        "redirect_uris": ["http://127.0.0.1/callback", "https://client.example.com/cb"],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none"
    });
    let with = |member: &str, value: Value| {
        let mut doc = good.clone();
        doc[member] = value;
        doc
    };
    let without = |member: &str| {
        let mut doc = good.clone();
        doc.as_object_mut().expect("an object").remove(member);
        doc
    };
    let seed = |flags: u8,
                status: u16,
                id: &str,
                redirect: &str,
                headers: &[(&str, &str)],
                body: &Value| {
        ClientMetadataInput::encode(
            flags | ID_IN_BODY,
            status,
            id,
            redirect,
            headers,
            body.to_string().as_bytes(),
        )
        .expect("a status of the table")
    };
    let mut out = Vec::new();
    // Good documents, each redirect URI kind, each cache header.
    for (redirect, headers) in [
        (CB, &[][..]),
        (
            "https://client.example.com/cb",
            &[("Cache-Control", "public, max-age=600")][..],
        ),
        (
            "http://127.0.0.1/callback",
            &[("Cache-Control", "no-store")][..],
        ),
        (CB, &[("Cache-Control", "max-age=\"60\", no-cache")][..]),
        (CB, &[("Expires", "Thu, 01 Jan 2026 01:00:00 GMT")][..]),
        (
            CB,
            &[
                ("Expires", "Thu, 01 Jan 2026 01:00:00 GMT"),
                ("Date", "Thu, 01 Jan 2026 00:59:00 GMT"),
            ][..],
        ),
        (CB, &[("Expires", "0"), ("cache-control", "public")][..]),
        (CB, &[("Cache-Control", "max-age=31536000")][..]),
    ] {
        out.push(seed(0, 200, ID, redirect, headers, &good));
    }
    for flags in [0x10, 0x20, 0x30, LONG_DEFAULT_TTL, LONG_DEFAULT_TTL | 0x20] {
        out.push(seed(flags, 200, ID, CB, &[], &good));
        out.push(seed(
            flags,
            200,
            ID,
            CB,
            &[("Cache-Control", "max-age=604800")],
            &good,
        ));
    }
    // Minimal document; the loopback opt-in with an http id.
    out.push(seed(
        0,
        200,
        ID,
        "https://a.example/cb",
        &[],
        &json!({"client_id": "@@", "redirect_uris": ["https://a.example/cb"]}),
    ));
    out.push(seed(
        LOOPBACK,
        200,
        "http://127.0.0.1:8080/client.json",
        CB,
        &[],
        &good,
    ));
    out.push(seed(
        LOOPBACK,
        200,
        "http://localhost:8080/client.json",
        "http://localhost:5000/callback",
        &[],
        &with("redirect_uris", json!(["http://localhost/callback"])),
    ));
    // The supported auth methods.
    let jwt = with("token_endpoint_auth_method", json!("private_key_jwt"));
    out.push(seed(PRIVATE_KEY_JWT, 200, ID, CB, &[], &jwt));
    out.push(seed(0, 200, ID, CB, &[], &jwt));
    out.push(seed(
        NO_NONE,
        200,
        ID,
        CB,
        &[],
        &without("token_endpoint_auth_method"),
    ));
    out.push(seed(NO_NONE | PRIVATE_KEY_JWT, 200, ID, CB, &[], &jwt));
    // Each refusal of the client id.
    for id in [
        "https://client.example.com",
        "https://client.example.com/",
        "https://client.example.com/a/../b",
        "https://client.example.com:443/c.json",
        "https://Client.example.com/c.json",
        "https://client.example.com/c.json#frag",
        "https://user:pw@client.example.com/c.json",
        "http://client.example.com/c.json",
        "http://127.0.0.1:8080/c.json",
        "ftp://client.example.com/c.json",
        "https://127.0.0.1/c.json",
        "https://localhost/c.json",
        "https://a.localhost/c.json",
        "https://10.0.0.1/c.json",
        "https://100.64.0.1/c.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:a9fe:a9fe]/c.json",
        "https://[fd00::1]/c.json",
        "https://[fe80::1]/c.json",
        "https://0.0.0.0/c.json",
        "https://224.0.0.1/c.json",
        "client-id",
    ] {
        out.push(seed(0, 200, id, CB, &[], &good));
    }
    out.push(seed(
        0,
        200,
        &format!("https://client.example.com/{}", "a".repeat(2100)),
        CB,
        &[],
        &good,
    ));
    // Each refusal of the document.
    for status in [301, 302, 404, 500, 204, 0] {
        out.push(seed(
            0,
            status,
            ID,
            CB,
            &[("Location", "https://elsewhere.example/c.json")],
            &good,
        ));
    }
    let refused = [
        with("client_id", json!("https://client.example.com/other.json")),
        with("client_id", json!(format!("{ID}/"))),
        with("client_id", json!(1)),
        without("client_id"),
        without("redirect_uris"),
        with("redirect_uris", json!([])),
        with("redirect_uris", json!("https://client.example.com/cb")),
        with("redirect_uris", json!([1])),
        with(
            "redirect_uris",
            json!(
                (0..21)
                    .map(|i| format!("https://client.example.com/{i}"))
                    .collect::<Vec<_>>()
            ),
        ),
        with("token_endpoint_auth_method", json!("client_secret_basic")),
        with("token_endpoint_auth_method", json!(["none"])),
        with("client_secret", json!("s3cret-in-a-public-document")),
        with("client_secret_expires_at", json!(0)),
        with("client_uri", json!("javascript:alert(1)")),
        with("client_uri", json!("http://client.example.com/")),
        with("client_name", json!(["a"])),
        with("grant_types", json!(["client_credentials"])),
        with("grant_types", json!("authorization_code")),
        with("response_types", json!(["token"])),
        json!([]),
        json!("text"),
    ];
    for body in &refused {
        out.push(seed(0, 200, ID, CB, &[], body));
    }
    out.push(ClientMetadataInput::encode(0, 200, ID, CB, &[], b"not json").expect("a status"));
    // Each refusal of the redirect URI.
    for redirect in [
        "https://client.example.com/cb/",
        "https://evil.example/cb",
        "http://127.0.0.1:33418/other",
        "http://localhost:33418/callback",
        "http://client.example.com/cb",
        "javascript:alert(1)",
        "",
    ] {
        out.push(seed(0, 200, ID, redirect, &[], &good));
    }
    out.push(seed(
        0,
        200,
        ID,
        "http://client.example.com/cb",
        &[],
        &with("redirect_uris", json!(["http://client.example.com/cb"])),
    ));
    out
}
