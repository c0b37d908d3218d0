"""The key fetch a Swift app does with URLSession, through the HttpFetcher foreign trait:
implemented here in Python over http.client (no redirects followed, the request's timeout
honoured), it drives the whole fetch → verify path: discovery and JWKS through it, a
transport failure, an HTTP error, a Python exception, and a timeout against a socket that
never answers. verify_cached never calls it."""

import http.client
import socket
import threading
import urllib.parse

import pytest

import mcp_bearer_ffi as ffi
from conftest import RecordingFetcher, start_issuer

AUDIENCE = "https://mcp.example.com/mcp"


class HttpClientFetcher(RecordingFetcher):
    """What URLSessionFetcher does in Swift, with Python's http.client."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()

    def fetch(self, request):
        with self.lock:
            self.requests.append(request)
        url = urllib.parse.urlsplit(request.url())
        assert url.scheme == "http" and url.hostname == "127.0.0.1"
        connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=request.timeout_seconds()
        )
        try:
            path = url.path + (f"?{url.query}" if url.query else "")
            headers = {h.name: h.value for h in request.headers()}
            connection.request(request.method(), path, body=request.body() or None, headers=headers)
            response = connection.getresponse()
            body = response.read(request.max_response_bytes() + 1)
            return ffi.HttpResponse(
                status=response.status,
                headers=[ffi.HttpHeader(name=k, value=v) for k, v in response.getheaders()],
                body=body,
            )
        except TimeoutError as e:
            raise ffi.FetchFailure.Timeout(f"no answer within {request.timeout_seconds()} s: {e}")
        except OSError as e:
            raise ffi.FetchFailure.Transport(str(e))
        finally:
            connection.close()

    @property
    def count(self):
        with self.lock:
            return len(self.requests)


class Answering(RecordingFetcher):
    """A fetcher whose answer is fixed: a response, a FetchFailure, or any exception."""

    def __init__(self, outcome):
        self.outcome = outcome

    def fetch(self, request):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


@pytest.fixture
def issuer():
    running = start_issuer()
    yield running
    running.stop()


def jwks_config(url, issuer_url="http://127.0.0.1", **options):
    return ffi.JwtVerifierConfig(jwks_url=url, issuers=[issuer_url], audiences=[AUDIENCE], **options)


def test_the_whole_fetch_verify_path_goes_through_the_host(issuer):
    fetcher = HttpClientFetcher()
    verifier = ffi.JwtVerifier.with_fetcher(jwks_config(issuer.jwks_uri, issuer.issuer), fetcher)
    token = issuer.mint(sub="alice", aud=AUDIENCE, scope="tools:read")
    assert verifier.verify_cached(token) is None
    assert fetcher.count == 0  # verify_cached never fetches
    verified = verifier.verify(token)
    assert (verified.subject, verified.scopes) == ("alice", ["tools:read"])
    assert fetcher.count == 1
    request = fetcher.requests[0]
    assert (request.method(), request.url(), request.body()) == ("GET", issuer.jwks_uri, b"")
    assert {h.name.lower(): h.value for h in request.headers()}["accept"] == "application/json"
    assert request.timeout_seconds() == 5.0  # the core's default
    assert request.max_response_bytes() == 512 * 1024
    assert "HttpRequest" in repr(request)
    assert verifier.verify_cached(token).subject == "alice"
    assert fetcher.count == 1


def test_discovery_goes_through_the_host_too(issuer):
    fetcher = HttpClientFetcher()
    config = ffi.JwtVerifierConfig(discovery_issuer=issuer.issuer, audiences=[AUDIENCE])
    verifier = ffi.JwtVerifier.with_fetcher(config, fetcher)
    assert fetcher.count == 1  # the discovery document, now
    assert fetcher.requests[0].url() == issuer.info["discovery_url"]
    assert verifier.verify(issuer.mint(sub="bob", aud=AUDIENCE)).subject == "bob"
    assert [r.url() for r in fetcher.requests][1:] == [issuer.jwks_uri]


def test_verify_cached_with_the_issuer_stopped_makes_no_fetch():
    issuer = start_issuer()
    fetcher = HttpClientFetcher()
    try:
        config = jwks_config(issuer.jwks_uri, issuer.issuer, remote_jwks=ffi.RemoteJwksConfig(cooldown=0.0))
        verifier = ffi.JwtVerifier.with_fetcher(config, fetcher)
        known = issuer.mint(sub="carol", aud=AUDIENCE)
        unknown_kid = issuer.mint(sub="carol", aud=AUDIENCE, kid="never-published")
        verifier.refresh_keys()
    finally:
        issuer.stop()
    assert fetcher.count == 1
    assert verifier.verify_cached(known).subject == "carol"
    assert verifier.verify_cached(unknown_kid) is None  # answers at once: no fetch made
    assert fetcher.count == 1
    # verify runs the fetch through the host, which now fails to connect.
    with pytest.raises(ffi.McpBearerError.InvalidToken) as caught:
        verifier.verify(unknown_kid)
    assert caught.value.code == "ERR_JWKS_NO_MATCHING_KEY"
    assert fetcher.count == 2


def test_a_transport_failure_is_jwks_fetch_failed():
    fetcher = Answering(ffi.FetchFailure.Transport("connection refused by the test"))
    verifier = ffi.JwtVerifier.with_fetcher(jwks_config("https://idp.example.com/jwks"), fetcher)
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        verifier.refresh_keys()
    assert caught.value.code == "ERR_JWKS_FETCH_FAILED"
    assert "connection refused by the test" in caught.value.message


def test_an_exception_in_the_host_is_a_transport_failure_not_a_crash():
    verifier = ffi.JwtVerifier.with_fetcher(
        jwks_config("https://idp.example.com/jwks"), Answering(RuntimeError("the host broke"))
    )
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        verifier.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert caught.value.code == "ERR_JWKS_FETCH_FAILED"


def test_an_http_error_and_a_redirect_are_refused_by_the_core():
    for status, headers in [(500, []), (302, [ffi.HttpHeader(name="Location", value="https://evil.example/")])]:
        response = ffi.HttpResponse(status=status, headers=headers, body=b"")
        verifier = ffi.JwtVerifier.with_fetcher(jwks_config("https://idp.example.com/jwks"), Answering(response))
        with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
            verifier.refresh_keys()
        assert caught.value.code == "ERR_JWKS_FETCH_FAILED", status
        assert str(status) in caught.value.message


def test_a_body_that_is_not_a_jwks_is_jwks_invalid():
    response = ffi.HttpResponse(status=200, body=b'{"keys": "no"}')
    verifier = ffi.JwtVerifier.with_fetcher(jwks_config("https://idp.example.com/jwks"), Answering(response))
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        verifier.refresh_keys()
    assert caught.value.code == "ERR_JWKS_INVALID"


def test_a_timeout_in_the_host_is_jwks_timeout():
    # A listening socket that is never accepted: the connection opens (the kernel's backlog),
    # and no answer ever comes, so the fetcher's read hits the request's timeout.
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen(8)
    try:
        port = black_hole.getsockname()[1]
        fetcher = HttpClientFetcher()
        config = jwks_config(
            f"http://127.0.0.1:{port}/jwks.json", remote_jwks=ffi.RemoteJwksConfig(timeout=0.2)
        )
        verifier = ffi.JwtVerifier.with_fetcher(config, fetcher)
        with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
            verifier.refresh_keys()
        assert caught.value.code == "ERR_JWKS_TIMEOUT"
        assert fetcher.requests[0].timeout_seconds() == 0.2
    finally:
        black_hole.close()


def test_a_too_large_answer_from_the_host():
    verifier = ffi.JwtVerifier.with_fetcher(
        jwks_config("https://idp.example.com/jwks"), Answering(ffi.FetchFailure.TooLarge("over the cap"))
    )
    with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
        verifier.refresh_keys()
    assert caught.value.code == "ERR_JWKS_FETCH_FAILED"


def test_the_built_in_client_options_are_refused_with_a_host_fetcher():
    config = jwks_config("https://idp.example.com/jwks", fetch=ffi.FetchConfig(only_extra_ca=True))
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        ffi.JwtVerifier.with_fetcher(config, HttpClientFetcher())
    assert "fetch" in caught.value.message


class CountingAnswer(RecordingFetcher):
    """Answers every request with `outcome` and counts the calls, under a lock."""

    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = 0
        self.lock = threading.Lock()

    def fetch(self, request):
        with self.lock:
            self.calls += 1
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


def test_a_burst_of_threads_makes_one_fetch(issuer):
    # Whatever the interleaving, one fetch: callers that overlap it wait for it (the core's
    # single flight), later ones find the keys fresh.
    fetcher = HttpClientFetcher()
    verifier = ffi.JwtVerifier.with_fetcher(jwks_config(issuer.jwks_uri, issuer.issuer), fetcher)
    tokens = [issuer.mint(sub=f"user-{i}", aud=AUDIENCE) for i in range(16)]
    results = [None] * len(tokens)

    def run(i):
        results[i] = verifier.verify(tokens[i]).subject

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [f"user-{i}" for i in range(len(tokens))]
    assert fetcher.count == 1


def test_a_failed_host_fetch_is_remembered_for_the_cooldown():
    fetcher = CountingAnswer(ffi.FetchFailure.Transport("down"))
    verifier = ffi.JwtVerifier.with_fetcher(jwks_config("https://idp.example.com/jwks"), fetcher)
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    for _ in range(5):
        with pytest.raises(ffi.McpBearerError.Unavailable) as caught:
            verifier.verify(token)
        assert caught.value.code == "ERR_JWKS_FETCH_FAILED"
    assert fetcher.calls == 1  # the 30 s default cooldown holds the other four
    assert not verifier.refresh_due()
    with pytest.raises(ffi.McpBearerError.Unavailable):
        verifier.verify_cached(token)  # the failure, answered without I/O
    assert fetcher.calls == 1
