"""The OAuth proxy's building blocks through the library: PKCE, random values, the redirect
URI policy, the sealed state (seal, open, tamper, expiry), the client redirects, and the
upstream authorization URL and token requests (HttpRequest objects the host sends)."""

import base64
import json
import hashlib
import time
import urllib.parse

import pytest

import mcp_bearer_ffi as ffi


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_pkce_verifier_and_challenge():
    verifier = ffi.PkceVerifier.generate()
    value = verifier.secret_value()
    assert 43 <= len(value) <= 128
    assert verifier.challenge() == s256(value)  # RFC 7636 S256, computed here independently
    assert value not in repr(verifier)
    ffi.pkce_check(verifier.challenge(), "S256", value)
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.pkce_check(verifier.challenge(), "S256", "x" * 43)
    assert caught.value.http_status == 400
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.pkce_check(verifier.challenge(), "plain", value)
    assert caught.value.code == "ERR_INVALID_REQUEST"
    again = ffi.PkceVerifier.from_string(value)
    assert again.challenge() == verifier.challenge()
    with pytest.raises(ffi.McpBearerError):
        ffi.PkceVerifier.from_string("too-short")


def test_random_state_and_nonce_differ_each_time():
    states = {ffi.random_state() for _ in range(8)}
    nonces = {ffi.random_nonce() for _ in range(8)}
    assert len(states) == 8 and len(nonces) == 8
    assert all(len(s) >= 16 for s in states | nonces)


def test_the_redirect_policy():
    default = ffi.RedirectPolicy()
    ffi.check_redirect_uri(default, "http://127.0.0.1:33418/callback")
    ffi.check_redirect_uri(default, "cursor://anysphere.cursor-retrieval/oauth/callback")
    ffi.check_redirect_uri(default, "https://app.example.com/cb")
    for bad, reason in [
        ("javascript:alert(1)", "scheme"),
        ("https://app.example.com/cb#frag", "fragment"),
        ("https://user@app.example.com/cb", "userinfo"),
        ("myapp://cb", "scheme"),
    ]:
        with pytest.raises(ffi.McpBearerError.InvalidRequest) as caught:
            ffi.check_redirect_uri(default, bad)
        assert caught.value.code == "ERR_REDIRECT_URI_REJECTED", bad
        assert caught.value.reason == reason, bad
    custom = ffi.RedirectPolicy(private_use_schemes=["myapp"], allow_loopback_http=False)
    ffi.check_redirect_uri(custom, "myapp://cb")
    with pytest.raises(ffi.McpBearerError):
        ffi.check_redirect_uri(custom, "http://127.0.0.1:8080/cb")


def client_request():
    return ffi.ProxyState(
        client_id="mcp-client",
        redirect_uri="http://127.0.0.1:33418/callback?keep=1",
        client_state="client-xyz",
        code_challenge=s256("a-client-verifier-of-at-least-43-characters-long"),
        scopes=["openid", "tools:read"],
        resources=["https://mcp.example.com/mcp"],
    )


def test_seal_and_open_a_proxy_state():
    key = ffi.StateKey(b"k" * 32)
    assert "k" * 32 not in repr(key)
    now = int(time.time())
    sealed = ffi.seal_proxy_state(client_request(), key, now)
    assert sealed.expires_at() == now + 600  # the core's default ttl
    assert "client-xyz" not in repr(sealed)
    opened = ffi.open_proxy_state(key, sealed.value(), now + 10)
    assert opened.state() == client_request()
    assert opened.expires_at() == sealed.expires_at()
    # The upstream secrets are derived from the key, not carried in the state.
    assert opened.upstream_pkce_verifier().secret_value() == sealed.upstream_pkce_verifier().secret_value()
    assert opened.upstream_nonce() == sealed.upstream_nonce()
    assert sealed.upstream_nonce() not in sealed.value()
    assert "OpenedState" in repr(opened)


def test_a_proxy_state_refused_for_tampering_another_key_and_expiry():
    key = ffi.StateKey.generate()
    now = int(time.time())
    sealed = ffi.seal_proxy_state(client_request(), key, now, ttl=60.0)
    assert sealed.expires_at() == now + 60
    body, tag = sealed.value().split(".")
    cases = [
        (key, body + "x." + tag, "signature"),
        (ffi.StateKey.generate(), sealed.value(), "signature"),
        (key, "not a state", "malformed"),
    ]
    for k, value, reason in cases:
        with pytest.raises(ffi.McpBearerError) as caught:
            ffi.open_proxy_state(k, value, now)
        assert caught.value.code == "ERR_OAUTH_STATE_INVALID"
        assert caught.value.reason == reason
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.open_proxy_state(key, sealed.value(), now + 61)
    assert caught.value.reason == "expired"
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.seal_proxy_state(client_request(), key, now, ttl=0.0)
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.StateKey(b"short")


def test_the_client_redirects():
    url = urllib.parse.urlsplit(ffi.client_redirect_url(client_request(), "proxy-code", "https://mcp.example.com"))
    assert (url.hostname, url.port, url.path) == ("127.0.0.1", 33418, "/callback")
    assert urllib.parse.parse_qsl(url.query) == [
        ("keep", "1"), ("code", "proxy-code"), ("state", "client-xyz"), ("iss", "https://mcp.example.com"),
    ]
    error = ffi.client_error_redirect_url(client_request(), "access_denied", "the user said no", "https://mcp.example.com")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(error).query) == {
        "keep": ["1"], "error": ["access_denied"], "error_description": ["the user said no"], "state": ["client-xyz"],
        "iss": ["https://mcp.example.com"],
    }


def test_the_upstream_authorization_url():
    verifier = ffi.PkceVerifier.generate()
    url = ffi.authorization_url(
        ffi.AuthorizationUrlRequest(
            authorization_endpoint="https://accounts.example.com/o/oauth2/auth?hd=example.com",
            client_id="proxy-client",
            redirect_uri="https://mcp.example.com/oauth/callback",
            state="sealed-state",
            scopes=["openid", "email"],
            pkce_challenge=verifier.challenge(),
            nonce="n-1",
            extra_params=[ffi.Param(name="access_type", value="offline")],
        )
    )
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert parts.netloc == "accounts.example.com"
    assert query == {
        "hd": "example.com",
        "response_type": "code",
        "client_id": "proxy-client",
        "redirect_uri": "https://mcp.example.com/oauth/callback",
        "scope": "openid email",
        "state": "sealed-state",
        "code_challenge": verifier.challenge(),
        "code_challenge_method": "S256",
        "nonce": "n-1",
        "access_type": "offline",
    }
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.authorization_url(
            ffi.AuthorizationUrlRequest(
                authorization_endpoint="http://accounts.example.com/auth",
                client_id="c", redirect_uri="https://mcp.example.com/cb", state="s",
            )
        )
    ffi.authorization_url(
        ffi.AuthorizationUrlRequest(
            authorization_endpoint="http://keycloak:8080/auth",
            client_id="c", redirect_uri="https://mcp.example.com/cb", state="s",
            dangerous_allow_insecure_http=True,
        )
    )


def form(request):
    return dict(urllib.parse.parse_qsl(request.body().decode()))


def test_the_upstream_token_requests():
    verifier = ffi.PkceVerifier.generate()
    secret = "the-upstream-client-secret"
    post = ffi.ClientAuthentication.secret_post(secret)
    assert post.method() == "client_secret_post"
    assert secret not in repr(post)
    request = ffi.authorization_code_token_request(
        "https://oauth2.example.com/token", "proxy-client", post, "the-code",
        "https://mcp.example.com/oauth/callback", verifier, ["https://mcp.example.com/mcp"],
    )
    assert (request.method(), request.url()) == ("POST", "https://oauth2.example.com/token")
    assert form(request) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": "https://mcp.example.com/oauth/callback",
        "code_verifier": verifier.secret_value(),
        "client_id": "proxy-client",
        "client_secret": secret,
        "resource": "https://mcp.example.com/mcp",
    }
    assert secret not in repr(request) and "the-code" not in repr(request)

    basic = ffi.ClientAuthentication.secret_basic(secret)
    assert basic.method() == "client_secret_basic"
    refresh = ffi.refresh_token_request("https://oauth2.example.com/token", "proxy-client", basic, "rt-1", ["email"])
    headers = {h.name.lower(): h.value for h in refresh.headers()}
    expected = base64.b64encode(f"proxy-client:{secret}".encode()).decode()
    assert headers["authorization"] == f"Basic {expected}"
    assert form(refresh) == {"grant_type": "refresh_token", "refresh_token": "rt-1", "scope": "email"}
    assert expected not in repr(refresh)

    public = ffi.ClientAuthentication.none()
    assert public.method() == "none"
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.refresh_token_request("https://oauth2.example.com/token", "", public, "rt-1", [])

    own = ffi.client_credentials_token_request(
        "https://oauth2.example.com/token", "proxy-client", basic, ["read"], ["https://api.example.com/"]
    )
    assert form(own) == {"grant_type": "client_credentials", "scope": "read", "resource": "https://api.example.com/"}

    exchange = ffi.token_exchange_request(
        "https://oauth2.example.com/token", "proxy-client", basic, "subject-at-1", None, "actor-jwt-1",
        "urn:ietf:params:oauth:token-type:jwt", None, ["downstream-api"], ["read"], [],
    )
    assert form(exchange) == {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": "subject-at-1",
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "actor_token": "actor-jwt-1",
        "actor_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "audience": "downstream-api",
        "scope": "read",
    }
    assert "subject-at-1" not in repr(exchange) and "actor-jwt-1" not in repr(exchange)
    # An actor token without its type is refused by the core.
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.token_exchange_request(
            "https://oauth2.example.com/token", "proxy-client", basic, "subject-at-1", None, "actor-jwt-1",
            None, None, [], [], [],
        )


def test_a_token_response_is_read_and_redacted():
    body = (
        b'{"access_token":"at-1","token_type":"Bearer","expires_in":3600,'
        b'"refresh_token":"rt-1","id_token":"idt-1","scope":"openid email"}'
    )
    response = ffi.HttpResponse(
        status=200, headers=[ffi.HttpHeader(name="Content-Type", value="application/json")], body=body
    )
    parsed = ffi.parse_token_response(response)
    assert (parsed.access_token(), parsed.token_type()) == ("at-1", "Bearer")
    assert (parsed.refresh_token(), parsed.id_token()) == ("rt-1", "idt-1")
    assert parsed.scopes() == ["openid", "email"]
    assert parsed.expires_at(1_000) == 4_600
    assert json.loads(parsed.to_json())["access_token"] == "at-1"
    for secret in ("at-1", "rt-1", "idt-1"):
        assert secret not in repr(parsed)
    github = ffi.parse_token_response(
        ffi.HttpResponse(status=200, body=b"access_token=gho_x&scope=repo%2Cuser&token_type=bearer")
    )
    assert (github.access_token(), github.scopes(), github.refresh_token()) == ("gho_x", ["repo", "user"], None)


def test_an_upstream_oauth_error_is_the_upstream_case_with_its_fields():
    response = ffi.HttpResponse(
        status=400,
        headers=[ffi.HttpHeader(name="Content-Type", value="application/json")],
        body=b'{"error":"invalid_grant","error_description":"code expired","error_uri":"https://idp.example.com/e"}',
    )
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.parse_token_response(response)
    error = caught.value
    assert type(error) is ffi.McpBearerError.Upstream
    assert error.code == "ERR_OAUTH_UPSTREAM"
    assert error.http_status == 400  # the upstream's, relayed
    assert (error.upstream_error, error.upstream_error_description, error.upstream_error_uri) == (
        "invalid_grant", "code expired", "https://idp.example.com/e",
    )
    with pytest.raises(ffi.McpBearerError.Upstream) as caught:
        ffi.parse_token_response(ffi.HttpResponse(status=500, body=b"<html>down</html>"))
    assert caught.value.http_status == 502
