"""What the resource server publishes and answers: RFC 9728 and RFC 8414 documents, the
WWW-Authenticate challenge for every kind of refusal, and the bearer token of a header."""

import json

import pytest

import mcp_bearer_ffi as ffi

RESOURCE = "https://mcp.example.com/mcp"
PRM = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"


def test_protected_resource_metadata():
    document = ffi.protected_resource_metadata(
        ffi.ProtectedResourceMetadata(
            resource=RESOURCE,
            authorization_servers=["https://idp.example.com/"],
            scopes_supported=["tools:read"],
            resource_name="Example MCP",
        )
    )
    assert document.well_known_url == PRM
    body = json.loads(document.json)
    assert body["resource"] == RESOURCE
    assert body["authorization_servers"] == ["https://idp.example.com/"]
    assert body["scopes_supported"] == ["tools:read"]
    assert body["bearer_methods_supported"] == ["header"]
    assert body["resource_name"] == "Example MCP"
    assert "dangerous_allow_insecure_http" not in body
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.protected_resource_metadata(
            ffi.ProtectedResourceMetadata(resource="http://mcp.example.com/mcp", authorization_servers=[])
        )


def test_the_proxy_authorization_server_metadata():
    document = ffi.proxy_authorization_server_metadata("https://mcp.example.com", ["tools:read"], False)
    assert document.well_known_url == "https://mcp.example.com/.well-known/oauth-authorization-server"
    body = json.loads(document.json)
    assert body["authorization_endpoint"] == "https://mcp.example.com/authorize"
    assert body["token_endpoint"] == "https://mcp.example.com/token"
    assert body["registration_endpoint"] == "https://mcp.example.com/register"
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["scopes_supported"] == ["tools:read"]


def test_www_authenticate_for_each_kind_of_refusal():
    missing = ffi.www_authenticate(None, [], PRM)
    assert (missing.status, missing.header_value) == (401, f'Bearer resource_metadata="{PRM}"')
    expired = ffi.www_authenticate("ERR_JWT_EXPIRED", [], PRM)
    assert expired.status == 401
    assert expired.header_value.startswith('Bearer error="invalid_token", error_description="')
    assert "ERR_JWT_EXPIRED" not in expired.header_value  # a fixed public sentence only
    scope = ffi.www_authenticate("ERR_INSUFFICIENT_SCOPE", ["tools:write", "tools:read"], PRM)
    assert scope.status == 403
    assert 'error="insufficient_scope"' in scope.header_value
    assert 'scope="tools:write tools:read"' in scope.header_value
    unavailable = ffi.www_authenticate("ERR_JWKS_TIMEOUT", [], PRM)
    assert unavailable.status == 503
    with pytest.raises(ffi.McpBearerError.Configuration):
        ffi.www_authenticate("ERR_NOT_A_CODE", [], PRM)


def test_www_authenticate_from_a_raised_error():
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.bearer_token(None)
    error = caught.value
    assert error.code == "ERR_TOKEN_MISSING"
    challenge = ffi.www_authenticate(error.code, error.required_scopes, PRM)
    assert challenge.status == error.http_status == 401
    assert "error=" not in challenge.header_value


def test_bearer_token_reads_the_header():
    assert ffi.bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert ffi.bearer_token("bearer   abc") == "abc"
    # Another scheme carries no bearer token (RFC 6750 §3.1: a challenge without error).
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.bearer_token("Basic dXNlcjpwYXNz")
    assert caught.value.code == "ERR_TOKEN_MISSING"
    with pytest.raises(ffi.McpBearerError.InvalidRequest) as caught:
        ffi.bearer_token("Bearer a b")
    assert caught.value.code == "ERR_INVALID_REQUEST"
