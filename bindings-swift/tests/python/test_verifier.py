"""JwtVerifier against a real issuer (`mcp-bearer serve-issuer` on 127.0.0.1) with the
built-in key fetch (ureq + rustls, the platform verifier): verify, discovery, the refresh
signals, and `verify_cached` with the issuer stopped."""

import json

import pytest

import mcp_bearer_ffi as ffi
from conftest import start_issuer

AUDIENCE = "https://mcp.example.com/mcp"


@pytest.fixture
def issuer():
    running = start_issuer()
    yield running
    running.stop()


def config_for(issuer, **options):
    return ffi.JwtVerifierConfig(
        jwks_url=issuer.jwks_uri,
        issuers=[issuer.issuer],
        audiences=[AUDIENCE],
        fetch=ffi.FetchConfig(ignore_proxy_env=True),
        **options,
    )


def test_verify_against_serve_issuer(issuer):
    verifier = ffi.JwtVerifier(config_for(issuer, required_scopes=["tools:read"]))
    token = issuer.mint(sub="alice", aud=AUDIENCE, scope="tools:read tools:write", client_id="c1", jti="t1")
    verified = verifier.verify(token)
    assert verified.source == ffi.TokenSource.JWT
    assert verified.subject == "alice"
    assert verified.issuer == issuer.issuer
    assert verified.audiences == [AUDIENCE]
    assert verified.audience == AUDIENCE
    assert verified.scopes == ["tools:read", "tools:write"]
    assert verified.client_id == "c1"
    assert verified.token_id == "t1"
    assert verified.expires_at > verified.issued_at
    assert verified.not_before is None
    assert verified.key_thumbprint
    assert json.loads(verified.claims_json)["sub"] == "alice"
    assert json.loads(verified.header_json)["kid"] == issuer.info["kid"]


def test_verify_cached_answers_none_until_the_keys_are_fetched(issuer):
    verifier = ffi.JwtVerifier(config_for(issuer))
    token = issuer.mint(sub="bob", aud=AUDIENCE)
    assert verifier.refresh_due()  # no keys yet
    assert verifier.verify_cached(token) is None
    verifier.refresh_keys()
    assert not verifier.refresh_due()
    verifier.refresh_keys_if_due()  # nothing due: returns at once
    assert verifier.verify_cached(token).subject == "bob"


def test_a_verifier_from_the_issuer_url_runs_discovery(issuer):
    verifier = ffi.JwtVerifier.from_issuer(issuer.issuer, [AUDIENCE])
    token = issuer.mint(sub="carol", aud=AUDIENCE)
    assert verifier.verify(token).issuer == issuer.issuer


def test_discovery_through_the_config_record(issuer):
    verifier = ffi.JwtVerifier(
        ffi.JwtVerifierConfig(
            discovery_issuer=issuer.issuer,
            audiences=[AUDIENCE],
            discovery=ffi.DiscoveryConfig(timeout=5.0),
            remote_jwks=ffi.RemoteJwksConfig(max_age=600.0, cooldown=30.0),
            fetch=ffi.FetchConfig(ignore_proxy_env=True),
        )
    )
    assert verifier.verify(issuer.mint(sub="dave", aud=AUDIENCE)).subject == "dave"


def test_verify_cached_with_the_issuer_stopped():
    issuer = start_issuer()
    try:
        # Default cooldown (30 s), and none: a miss may refetch at once.
        verifier = ffi.JwtVerifier(config_for(issuer))
        eager = ffi.JwtVerifier(config_for(issuer, remote_jwks=ffi.RemoteJwksConfig(cooldown=0.0)))
        known = issuer.mint(sub="erin", aud=AUDIENCE)
        other = issuer.mint(sub="erin", aud=AUDIENCE, jti="second")
        unknown_kid = issuer.mint(sub="erin", aud=AUDIENCE, kid="a-kid-never-published")
        assert verifier.verify(known).subject == "erin"
        assert eager.verify(known).subject == "erin"
    finally:
        issuer.stop()
    # The cached key still verifies, a token never seen before included.
    assert verifier.verify_cached(known).subject == "erin"
    assert verifier.verify_cached(other).token_id == "second"
    # An unknown kid within the cooldown of the last fetch: the final verdict, at once.
    with pytest.raises(ffi.McpBearerError.InvalidToken) as caught:
        verifier.verify_cached(unknown_kid)
    assert caught.value.code == "ERR_JWKS_NO_MATCHING_KEY"
    assert caught.value.actual == "a-kid-never-published"
    # With no cooldown only a fetch could answer, so verify_cached says so instead of
    # fetching (test_fetcher.py counts the fetches).
    assert eager.verify_cached(unknown_kid) is None
    assert eager.verify_cached(other).subject == "erin"
    # verify does try that fetch; it fails, and the set in hand gives the verdict.
    with pytest.raises(ffi.McpBearerError) as caught:
        eager.verify(unknown_kid)
    assert caught.value.code == "ERR_JWKS_NO_MATCHING_KEY"


def test_an_unreachable_jwks_is_unavailable():
    issuer = start_issuer()
    issuer.stop()
    verifier = ffi.JwtVerifier(config_for(issuer, remote_jwks=ffi.RemoteJwksConfig(timeout=2.0)))
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        verifier.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert caught.value.code in ("ERR_JWKS_FETCH_FAILED", "ERR_JWKS_TIMEOUT")
    assert caught.value.http_status == 503


def test_user_info_from_a_verified_token(issuer):
    verifier = ffi.JwtVerifier(config_for(issuer))
    token = issuer.mint(
        sub="frank", aud=AUDIENCE, email="frank@example.com", name="Frank", scope="a b",
        permissions=["read:docs"], org_id="org_1", **{"https://example.com/roles": ["admin"]},
    )
    verified = verifier.verify(token)
    auth0 = ffi.user_info(verified, ffi.ClaimPreset.AUTH0(roles_claim="https://example.com/roles"))
    assert (auth0.user_id, auth0.email, auth0.name) == ("frank", "frank@example.com", "Frank")
    assert auth0.scopes == ["a", "b"]
    assert auth0.permissions == ["read:docs"]
    assert auth0.roles == ["admin"]
    assert auth0.organization_id == "org_1"
    assert auth0.issuer == issuer.issuer
    assert "exp" in json.loads(auth0.extra_json)
    oidc = ffi.user_info(verified, ffi.ClaimPreset.OIDC())
    assert oidc.roles == [] and oidc.user_id == "frank"
    keycloak = ffi.user_info(verified, ffi.ClaimPreset.KEYCLOAK(client_id="mcp"))
    assert keycloak.user_id == "frank"


def test_keys_kept_across_launches_verify_with_the_issuer_gone():
    issuer = start_issuer()
    try:
        first = ffi.JwtVerifier(config_for(issuer))
        assert first.cached_keys() is None  # nothing fetched yet
        token = issuer.mint(sub="gina", aud=AUDIENCE)
        first.verify(token)
        kept = first.cached_keys()
    finally:
        issuer.stop()
    assert json.loads(kept.jwks_json)["keys"][0]["kid"] == issuer.info["kid"]
    # The next launch: the issuer is gone, the kept set answers without a fetch.
    second = ffi.JwtVerifier(config_for(issuer))
    assert second.verify_cached(token) is None
    second.seed_keys(kept)
    assert second.verify_cached(token).subject == "gina"
    assert not second.refresh_due()
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        second.seed_keys(ffi.CachedKeys(jwks_json='{"keys": 1}', fetched_at=kept.fetched_at))
    assert caught.value.code in ("ERR_JWKS_INVALID", "ERR_JWKS_FETCH_FAILED")
    static = ffi.JwtVerifier(
        ffi.JwtVerifierConfig(jwks_json=kept.jwks_json, issuers=[issuer.issuer], audiences=[AUDIENCE])
    )
    assert static.cached_keys() is None
    with pytest.raises(ffi.McpBearerError.Configuration):
        static.seed_keys(kept)


def test_require_scopes_is_a_routes_own_check(issuer):
    verifier = ffi.JwtVerifier(config_for(issuer))
    verified = verifier.verify(issuer.mint(sub="hal", aud=AUDIENCE, scope="tools:read"))
    ffi.require_scopes(verified, ["tools:read"])
    with pytest.raises(ffi.McpBearerError.InsufficientScope) as caught:
        ffi.require_scopes(verified, ["tools:read", "tools:write"])
    assert caught.value.required_scopes == ["tools:read", "tools:write"]
    assert caught.value.http_status == 403
