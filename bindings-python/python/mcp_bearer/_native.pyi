"""The native module (PyO3): the core's verifier, its verified token, the code list and the CLI."""

from datetime import timedelta
from typing import Any, final

from typing_extensions import disjoint_base

__all__ = [
    "Verifier",
    "VerifiedToken",
    "NativeError",
    "ProxyStateKey",
    "all_errors",
    "run_cli",
    "www_authenticate",
    "bearer_token",
    "protected_resource_metadata",
    "protected_resource_metadata_url",
    "authorization_server_metadata_for_proxy",
    "authorization_server_metadata_url",
    "user_info",
    "pkce_verifier",
    "pkce_challenge",
    "pkce_check",
    "random_state",
    "random_nonce",
    "check_redirect_uri",
    "redirect_uri_matches",
    "authorization_url",
    "token_request",
    "parse_token_response",
    "ClientMetadataResolver",
    "ProxyClient",
    "register_client",
    "register_sealed_client",
    "check_authorization_response_issuer",
]

@disjoint_base
class Verifier:
    """A bearer-token verifier: the core's ``Verifier::from_config`` over keyword arguments."""

    def __new__(
        cls,
        *,
        now: float | None = None,
        jwks_cache: dict[str, Any] | None = None,
        **options: Any,
    ) -> Verifier: ...
    def verify(self, token: str) -> VerifiedToken: ...
    def verify_cached(self, token: str) -> VerifiedToken | None: ...
    def verify_after_fetch(self, token: str) -> VerifiedToken | None: ...
    def bench_core(self, token: str, count: int) -> int: ...
    def prefetch(self) -> None: ...
    def refresh_due(self) -> bool: ...
    def refresh_keys_if_due(self) -> None: ...
    def cached_tokens(self) -> int: ...
    def clear_token_cache(self) -> None: ...
    @property
    def jwks_cache(self) -> dict[str, Any] | None: ...
    @staticmethod
    def require_scopes(verified: VerifiedToken, required: list[str]) -> None: ...

@final
class VerifiedToken:
    """A verified token: the fields of the core's ``VerifiedTokenRecord``."""

    @property
    def source(self) -> str: ...
    @property
    def claims(self) -> dict[str, Any]: ...
    @property
    def header(self) -> dict[str, Any] | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def audiences(self) -> list[str]: ...
    @property
    def audience(self) -> str | None: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def client_id(self) -> str | None: ...
    @property
    def token_id(self) -> str | None: ...
    @property
    def expires_at(self) -> int | None: ...
    @property
    def not_before(self) -> int | None: ...
    @property
    def issued_at(self) -> int | None: ...
    @property
    def key_thumbprint(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...

def all_errors() -> list[dict[str, Any]]: ...
def run_cli(args: list[str]) -> int: ...

@final
class NativeError:
    """The core error behind an ``MCPBearerError`` (its ``_native`` attribute); opaque."""

@final
class ProxyStateKey:
    """The key that seals an OAuth proxy's ``state`` across the upstream round trip."""

    def __new__(cls, secret: bytes) -> ProxyStateKey: ...
    @staticmethod
    def generate() -> ProxyStateKey: ...
    def seal(
        self,
        state: dict[str, Any],
        *,
        now: float | None = None,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]: ...
    def open(self, sealed: str, *, now: float | None = None) -> dict[str, Any]: ...

def www_authenticate(
    error: BaseException | None,
    *,
    resource_metadata: str,
    realm: str | None = None,
    scopes: list[str] | None = None,
) -> tuple[int, str]: ...
def bearer_token(authorization: str | None) -> str: ...
def protected_resource_metadata(**document: Any) -> dict[str, Any]: ...
def protected_resource_metadata_url(resource: str) -> str: ...
def authorization_server_metadata_for_proxy(
    issuer: str, *, dangerous_allow_insecure_http: bool = False
) -> dict[str, Any]: ...
def authorization_server_metadata_url(issuer: str) -> str: ...
def user_info(
    claims: dict[str, Any],
    *,
    preset: str | dict[str, Any] | None = None,
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]: ...
def pkce_verifier() -> str: ...
def pkce_challenge(verifier: str) -> str: ...
def pkce_check(challenge: str, verifier: str, method: str | None = None) -> None: ...
def random_state() -> str: ...
def random_nonce() -> str: ...
def check_redirect_uri(uri: str, **policy: Any) -> None: ...
def redirect_uri_matches(registered: str, requested: str) -> bool: ...
def authorization_url(
    *,
    authorization_endpoint: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str | None = None,
    scopes: list[str] | None = None,
    resources: list[str] | None = None,
    nonce: str | None = None,
    extra_params: list[tuple[str, str]] | None = None,
    dangerous_allow_insecure_http: bool = False,
) -> str: ...
def token_request(
    *,
    token_endpoint: str,
    client_id: str,
    grant: str,
    code: str | None = None,
    redirect_uri: str | None = None,
    code_verifier: str | None = None,
    refresh_token: str | None = None,
    scopes: list[str] | None = None,
    client_auth: dict[str, Any] | None = None,
    resources: list[str] | None = None,
    extra_params: list[tuple[str, str]] | None = None,
    dangerous_allow_insecure_http: bool = False,
) -> dict[str, Any]: ...
def parse_token_response(
    status: int, headers: list[tuple[str, str]], body: bytes
) -> dict[str, Any]: ...

def register_client(
    body: bytes | str | dict[str, Any],
    *,
    client_id: str,
    now: float | None = None,
    **policy: Any,
) -> dict[str, Any]: ...
def register_sealed_client(
    body: bytes | str | dict[str, Any],
    key: ProxyStateKey,
    *,
    ttl: float | timedelta | None = None,
    now: float | None = None,
    **policy: Any,
) -> dict[str, Any]: ...
def check_authorization_response_issuer(
    iss: str | None, issuer: str, *, required: bool = False
) -> None: ...

@disjoint_base
class ClientMetadataResolver:
    """Fetches, checks and caches client id metadata documents."""

    def __new__(
        cls, *, fetch: dict[str, Any] | None = None, **options: Any
    ) -> ClientMetadataResolver: ...
    def resolve(self, client_id: str) -> dict[str, Any]: ...

@final
class ProxyClient:
    """The client of an authorization request: a metadata document or a sealed registration."""

    @staticmethod
    def identify(
        client_id: str,
        key: ProxyStateKey,
        *,
        documents: ClientMetadataResolver | None = None,
        now: float | None = None,
    ) -> ProxyClient: ...
    @property
    def client_id(self) -> str: ...
    @property
    def redirect_uris(self) -> list[str]: ...
    @property
    def client_name(self) -> str | None: ...
    @property
    def client_uri(self) -> str | None: ...
    @property
    def document(self) -> dict[str, Any] | None: ...
    @property
    def expires_at(self) -> int | None: ...
    def authorize(
        self, redirect_uri: str, scopes: list[str] | None = None, **policy: Any
    ) -> dict[str, Any]: ...
