"""The outer layer of every request: size limits, security headers, an access log without case data,
and a last line of defence that turns any unexpected error into a 500 without leaking its message.

A plain ASGI middleware (no per-request task or body copy), because it sits on the hot path.
"""
from __future__ import annotations

import logging
import re
import time
import traceback
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect

from engine.bsn import looks_like_bsn

from . import problems

access_log = logging.getLogger("regelruimte.access")
error_log = logging.getLogger("regelruimte.errors")

SINGLE_LIMIT = 1_000_000  # one case, a form or an uploaded case file
BATCH_LIMIT = 16_000_000  # many cases: a batch of 1,000, a casebook upload of 1,000, a what-if over a case set
BATCH_PATHS = ("/v1/casebook/cases", "/v1/whatif")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
CSP_HEADER = (b"content-security-policy", CSP.encode())
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the page's own form posts,
    # which the cross-site check must refuse; other sites still get no referrer
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), clipboard-write=(self)"),
]
NO_STORE = (b"cache-control", b"no-store")  # decisions carry case data: never cached


class TooLarge(Exception):
    pass


def limit_for(path: str) -> int:
    return BATCH_LIMIT if path.endswith(":batch") or path in BATCH_PATHS else SINGLE_LIMIT


def where(exc: BaseException) -> str:
    """Type and code location of an error, without its message (which may quote case data)."""
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    return f"{type(exc).__name__} at " + " <- ".join(
        f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno}" for f in reversed(frames))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def loggable(path: str) -> str:
    """The path with anything that looks like a BSN masked (a client may put one in a URL), and
    control characters written as \\xNN: a `%0a` in a path must not start a forged log line."""
    masked = "/".join("***" if looks_like_bsn(part) else part for part in path.split("/"))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", masked)


# the first segments of the service's own addresses; any other first segment may be something typed
KNOWN_FIRST_SEGMENTS = frozenset({"v1", "casusboek", "casebook", "besluit", "bewerk", "formulier", "toets", "regelsets",
                                  "wat-als", "static", "healthz", "readyz", "openapi.json", "docs", "favicon.ico"})


def logged_path(scope) -> str:
    """What the logs say of a request's path: the route's template once routing found one
    (`/casusboek/casus/{case_id}`: which case was read belongs in the audit log, not in a log file),
    else its first segment (a path no route knows may hold anything typed: `/casusboek/…`)."""
    template = getattr(scope.get("route"), "path", None)
    if isinstance(template, str) and template:
        return template
    first, _, rest = scope["path"].lstrip("/").partition("/")
    return loggable(f"/{first}" + ("/…" if rest else "")) if first in KNOWN_FIRST_SEGMENTS else "/…"


STATE_CHANGING = (b"POST", b"PUT", b"PATCH", b"DELETE")


def foreign_origin(scope, allowed: frozenset[str]) -> bool:
    """Whether a state-changing request comes from a page of another site (cross-site request forgery):
    its Origin is neither this host nor an allowed CORS origin. No Origin (curl, scripts) is not foreign."""
    if scope["method"].encode() not in STATE_CHANGING:
        return False
    headers = dict(scope["headers"])
    origin = headers.get(b"origin")
    if origin is None:
        return False
    origin_text = origin.decode("latin-1")
    if origin_text in allowed:
        return False
    host = headers.get(b"host", b"").decode("latin-1")
    return origin_text == "null" or urlsplit(origin_text).netloc != host


class Guard:
    def __init__(self, app, origins=()):
        self.app = app
        self.origins = frozenset(origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        path = scope["path"]
        limit = limit_for(path)
        state = {"status": 0, "started": False}

        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._error(send, state, "payload_too_large", scope)
            return self._log(scope, state, start)

        if foreign_origin(scope, self.origins):
            await self._error(send, state, "forbidden_origin", scope)
            return self._log(scope, state, start)

        # a compressed body is not read as such (a gzip body was "geen UTF-8-tekst"): said as what it is
        encoding = next((v for k, v in scope["headers"] if k == b"content-encoding"), b"identity")
        if encoding.strip().lower() not in (b"", b"identity"):
            await self._error(send, state, "unsupported_encoding", scope)
            return self._log(scope, state, start)

        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge()
            return message

        async def secured_send(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = list(message.get("headers", []))
                # a route may set its own Content-Security-Policy (the casebook pages do); else ours
                own = any(k.lower() == b"content-security-policy" for k, _ in headers)
                headers += HEADERS if own else [CSP_HEADER, *HEADERS]
                if not path.startswith("/static/"):
                    headers.append(NO_STORE)
                message = dict(message, headers=headers)
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except TooLarge:
            if not state["started"]:
                await self._error(send, state, "payload_too_large", scope)
        except ClientDisconnect:  # the client went away while sending: nothing went wrong here
            state["status"] = state["status"] or 499
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            error_log.error("onverwachte fout bij %s %s: %s", scope["method"], logged_path(scope), where(exc))
            if not state["started"]:
                await self._error(send, state, "internal_error", scope)
        self._log(scope, state, start)

    async def _error(self, send, state, code: str, scope) -> None:
        content = problems.encode(code, problems.lang_of(scope.get("query_string", b"")))
        state["status"] = problems.STATUS_CODE[code]
        state["started"] = True
        await send({"type": "http.response.start", "status": state["status"],
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode()), CSP_HEADER, *HEADERS, NO_STORE]})
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    def _log(scope, state, start) -> None:
        # method, path and status only: no query string, headers or body (they may carry case data)
        access_log.info("%s %s %d %.1fms", scope["method"], logged_path(scope), state["status"],
                        (time.perf_counter() - start) * 1000)
