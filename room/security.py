"""The room's guards: security headers, per-connection rate limits, bounded and validated bodies.

Pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``), so that the event streams pass
through unbuffered. Headers go on every response, error pages included:

- ``Content-Security-Policy``: only the room's own files (``script-src 'self'``, no inline script,
  no other origin, no framing, forms post only back to the room);
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``
  (a link's token never leaks to another site through the Referer header);
- ``Cache-Control: no-store`` on pages (a shared phone's back button shows no one else's drill).

Rate limits are token buckets kept per connection: the device session's cookie when there is one,
otherwise the client's address and port (one TCP connection). Request bodies are read here with a
size limit and parsed from a form or JSON into a pydantic model; anything else is a 400.
"""

from __future__ import annotations

import json
import time
from typing import TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 8 * 1024
"""Largest request body accepted, in bytes (a decision's note is at most 500 characters)."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""The content security policy of every response."""

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
"""Headers added to every response."""

M = TypeVar("M", bound=BaseModel)


class SecurityHeaders:
    """Adds :data:`HEADERS` (and ``no-store`` outside the static files) to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                headers.extend(HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Bucket:
    """A token bucket: ``rate`` requests a second on average, bursts of up to ``burst``."""

    __slots__ = ("stamp", "tokens")

    def __init__(self, burst: float) -> None:
        self.tokens = burst
        self.stamp = time.monotonic()


class RateLimiter:
    """Per-connection request budgets (see the module docstring for what a connection is).

    Args:
        rate: Requests a second, on average.
        burst: Requests at once.
        cap: Most connections remembered (the oldest idle ones are forgotten first).
    """

    def __init__(self, rate: float = 8.0, burst: float = 30.0, cap: int = 20_000) -> None:
        self.rate = rate
        self.burst = burst
        self.cap = cap
        self._buckets: dict[str, Bucket] = {}

    def allow(self, key: str) -> bool:
        """Spend one request of ``key``'s budget; False when it is used up."""
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.cap:
                self._forget(now)
            bucket = self._buckets[key] = Bucket(self.burst)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _forget(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.burst]
        for key in full or list(self._buckets)[: self.cap // 10]:
            del self._buckets[key]


def connection_key(request: Request) -> str:
    """What a rate limit is kept per: the device session's cookie, else the client's address and port."""
    for name, value in request.cookies.items():
        if name.startswith("ds_") and value:
            return f"c:{value[:32]}"
    client = request.client
    return f"a:{client.host}:{client.port}" if client else "a:?"


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise HTTPException(413)
        except ValueError as exc:
            raise HTTPException(400) from exc
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413)
    return bytes(body)


async def parse(request: Request, model: type[M]) -> M:
    """The request body (a form or JSON) validated as ``model``; 400 if it does not fit, 413 if too big."""
    body = await read_body(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise HTTPException(400)
        elif kind in ("application/x-www-form-urlencoded", ""):
            data = dict(
                parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False)
            )
        else:
            raise HTTPException(400)
        return model.model_validate(data)
    except (ValueError, RecursionError, ValidationError) as exc:  # bad or too deeply nested JSON, bad UTF-8, bad fields
        raise HTTPException(400) from exc


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from the room's own pages (when the browser says).

    Cookies are ``SameSite=Strict`` already; this refuses a form posted from another origin by a
    browser that sends ``Origin``.
    """
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host
