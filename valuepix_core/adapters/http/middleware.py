"""Pure-ASGI middleware: request ids, request metrics, bearer-token auth.

* Request id: a client's ``X-Request-ID`` (1..128 of ``[A-Za-z0-9._:-]``) is kept, anything else is
  replaced by a fresh uuid4; it is echoed in the response headers and put in problem bodies.
* Auth: with a token, every ``/v1`` route (HTTP and WebSocket) needs ``Authorization: Bearer
  <token>``, compared in constant time (``hmac.compare_digest``); otherwise 401 problem details
  with ``WWW-Authenticate: Bearer`` (a WebSocket handshake gets the same 401 response through the
  ASGI denial-response extension, or is closed with 1008 where the server lacks it).
"""
from __future__ import annotations

import hmac
import re
import time
import uuid

from . import problems

REQUEST_ID_HEADER = "x-request-id"
SCOPE_REQUEST_ID = "valuepix.request_id"
_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def route_label(path: str) -> str:
    """A bounded label set for metrics (never the raw path: item ids would explode cardinality)."""
    if path.startswith("/v1/catalog/items/"):
        return "/v1/catalog/items/{item_id}"
    if path in ("/v1/identify", "/v1/catalog/items", "/v1/catalog/match", "/v1/dictate", "/healthz",
                "/readyz", "/metrics", "/openapi.json"):
        return path
    return "other"


def _header(scope, name: bytes) -> bytes | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v
    return None


def request_id_of(scope) -> str | None:
    return scope.get(SCOPE_REQUEST_ID)


def problem_messages(status: int, kind: str, detail: str, scope, headers: dict | None = None):
    body = problems.encode(problems.Problem(status, kind, detail), instance=scope.get("path"),
                           request_id=request_id_of(scope))
    hdrs = [(b"content-type", problems.MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    rid = request_id_of(scope)
    if rid:
        hdrs.append((REQUEST_ID_HEADER.encode(), rid.encode()))
    for k, v in (headers or {}).items():
        hdrs.append((k.lower().encode(), v.encode()))
    return hdrs, body


class RequestContextMiddleware:
    """Outermost: assigns the request id, echoes it, and records request metrics."""

    def __init__(self, app, metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        raw = _header(scope, REQUEST_ID_HEADER.encode())
        rid = raw.decode("latin-1") if raw is not None else ""
        if not _ID_RE.match(rid):
            rid = uuid.uuid4().hex
        scope[SCOPE_REQUEST_ID] = rid
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        route = route_label(scope.get("path", ""))
        method = scope.get("method", "GET")
        status_box = [500]
        t0 = time.perf_counter()

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER.encode()]
                headers.append((REQUEST_ID_HEADER.encode(), rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        self.metrics.inflight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.inflight.dec()
            self.metrics.requests.labels(route, method, str(status_box[0])).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - t0)


class BearerAuthMiddleware:
    """401 for /v1 requests without the right bearer token (constant-time comparison)."""

    def __init__(self, app, token: str | None, metrics=None):
        self.app = app
        self._token = token.encode("utf-8") if token else None
        self.metrics = metrics

    def _authorized(self, scope) -> bool:
        raw = _header(scope, b"authorization") or b""
        scheme, _, cred = raw.partition(b" ")
        ok_scheme = scheme.lower() == b"bearer"
        # compare even when the scheme is wrong, so timing does not tell which part failed
        same = hmac.compare_digest(cred.strip(), self._token)
        return ok_scheme and same

    async def __call__(self, scope, receive, send):
        if (self._token is None or scope["type"] not in ("http", "websocket")
                or not scope.get("path", "").startswith("/v1") or self._authorized(scope)):
            return await self.app(scope, receive, send)
        if self.metrics is not None:
            self.metrics.errors.labels(route_label(scope.get("path", "")), "unauthorized").inc()
        headers, body = problem_messages(401, "unauthorized", "missing or invalid bearer token", scope,
                                         {"WWW-Authenticate": 'Bearer realm="valuepix"'})
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 401, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        # websocket: answer the handshake with the 401 response if the server supports it
        message = await receive()  # websocket.connect
        if message.get("type") != "websocket.connect":
            return
        if "websocket.http.response" in (scope.get("extensions") or {}):
            await send({"type": "websocket.http.response.start", "status": 401, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": 1008, "reason": "unauthorized"})
