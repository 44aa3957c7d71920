"""HTTP helpers for the two HTTP functions: JSON answers, CORS, the body read within
a limit, and the framework's own refusals in the same JSON."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from typing import IO, Any

from flask import Request, Response, current_app, has_app_context
from werkzeug.exceptions import ClientDisconnected, HTTPException

from shared.adapters import logs
from shared.core.messages import ErrorCode, error_message
from shared.core.settings import Settings


def json_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
        headers=headers or {},
    )


def error_response(status: int, code: str, message: str | None = None) -> Response:
    return json_response(
        {"error": {"code": code, "message": message or error_message(code)}}, status
    )


# What an error functions-framework answers itself reads as, in our JSON.
_REFUSALS = {
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.REQUEST_TOO_LARGE,
}


def framework_refusal(error: HTTPException) -> Response:
    """An answer functions-framework gives without our function (a path its router
    takes for none, such as one with a line break, or /favicon.ico) as our JSON in
    Russian instead of Werkzeug's HTML page. Registered by both HTTP functions."""
    status = error.code or 500
    code = _REFUSALS.get(status) or (
        ErrorCode.BAD_REQUEST if 400 <= status < 500 else ErrorCode.INTERNAL
    )
    return error_response(status, code)


def answer_framework_refusals_in_json() -> None:
    """Register `framework_refusal` with the app being built: functions-framework runs
    a function's module inside its new app's context (`create_app`). Loaded any other
    way (a test importing main.py), there is no app of ours and nothing to do."""
    if has_app_context():
        current_app.register_error_handler(HTTPException, framework_refusal)


# Headers up to this size reach our code, which answers in JSON (an over-long token:
# 401 auth_required); gunicorn's own limit (8190 bytes a field) answered in HTML 431.
HEADER_FIELD_MAX_BYTES = 64 * 1024
# Set on a local stack or in tests; on Cloud Run they would make the functions trust
# unsigned tokens (the Auth emulator's) or write to nowhere.
EMULATOR_VARIABLES = (
    "FIREBASE_AUTH_EMULATOR_HOST",
    "FIRESTORE_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
)


class EmulatorOnCloudRun(RuntimeError):
    """An emulator's variable is set on a Cloud Run instance: the function won't start."""


def refuse_emulators_on_cloud_run(env: Mapping[str, str]) -> None:
    """Cloud Run sets K_SERVICE on every instance; no emulator runs there."""
    found = [name for name in EMULATOR_VARIABLES if env.get(name)]
    if env.get("K_SERVICE") and found:
        raise EmulatorOnCloudRun(
            f"{', '.join(found)} set on Cloud Run service {env['K_SERVICE']!r}: "
            "tokens would not be verified; remove the variable"
        )


def start_http_function() -> None:
    """What an HTTP function's module does when it loads: refuse to run emulated on
    Cloud Run, let large headers through to our own checks, and answer the
    framework's refusals in our JSON."""
    refuse_emulators_on_cloud_run(os.environ)
    try:
        from gunicorn import config
    except ImportError:  # pragma: no cover - functions-framework always brings it
        pass
    else:
        # functions-framework builds gunicorn's settings after loading our module and
        # offers no option for this one: its default is what the new Config takes.
        config.LimitRequestFieldSize.default = HEADER_FIELD_MAX_BYTES
    answer_framework_refusals_in_json()


def cors_headers(request: Request, allowed_origins: list[str], methods: str) -> dict[str, str]:
    origin = (request.headers.get("Origin") or "").rstrip("/")
    if not origin or origin not in allowed_origins:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Firebase-AppCheck",
        "Access-Control-Expose-Headers": "Retry-After",
        "Access-Control-Max-Age": "3600",
        "Vary": "Origin",
    }


def with_cors(response: Response, headers: dict[str, str]) -> Response:
    for key, value in headers.items():
        response.headers[key] = value
    return response


def begin(
    request: Request, settings: Settings, method: str
) -> tuple[dict[str, str], Response | None]:
    """What both HTTP functions do first: the trace for logs, CORS, the preflight and
    the method check. Returns the CORS headers, and the answer when it ends here."""
    logs.set_trace(request.headers.get("X-Cloud-Trace-Context"), settings.google_cloud_project)
    cors = cors_headers(request, settings.allowed_origins, f"{method}, OPTIONS")
    if request.method == "OPTIONS":
        discard_body(request)
        return cors, with_cors(Response(status=204), cors)
    if request.method != method:
        discard_body(request)
        return cors, with_cors(error_response(405, "method_not_allowed"), cors)
    return cors, None


def client_ip(request: Request, trusted_hops: int) -> str:
    """The caller's address. Behind `trusted_hops` proxies that each append to
    X-Forwarded-For (Google's front end: 1), the entry they appended; anything
    before it was written by the client and proves nothing."""
    if trusted_hops > 0:
        hops = [h.strip() for h in (request.headers.get("X-Forwarded-For") or "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted_hops:
            return hops[-trusted_hops]
    return request.remote_addr or "unknown"


class BodyTooLarge(Exception):
    """The request body is over the limit (413, never parsed)."""


def read_json(request: Request, max_bytes: int) -> Any:
    """The request's JSON, read at most `max_bytes` (BodyTooLarge past it), or None
    when it is not JSON at all: a declared type that is not JSON, bytes that are not
    UTF-8, JSON too deep for the parser (its RecursionError), or a body cut short."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        discard_body(request)
        raise BodyTooLarge(f"{declared} bytes declared")
    try:
        raw = _read_at_most(request.stream, max_bytes + 1)
    except ClientDisconnected:  # fewer bytes came than Content-Length promised
        request.stream = io.BytesIO()  # and no more will: functions-framework reads on
        return None
    if len(raw) > max_bytes:  # no Content-Length (chunked), or more than declared
        discard_body(request)
        raise BodyTooLarge("the body is longer than the limit")
    if not is_json_type(request.mimetype):
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def is_json_type(mimetype: str) -> bool:
    """No declared type (curl's and requests' raw `data=`) or a JSON one: a form or
    plain text is not a JSON request, whatever its bytes look like."""
    return not mimetype or mimetype == "application/json" or mimetype.endswith("+json")


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    """Up to `limit` bytes: a stream may answer a read with fewer than asked."""
    parts: list[bytes] = []
    size = 0
    while size < limit:
        part = stream.read(limit - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def discard_body(request: Request, chunk: int = 64 * 1024) -> None:
    """Read what is left of the body and drop it, a chunk at a time. functions-framework
    reads the rest of every request after the answer (`read_request`, into memory, at
    once); after this there is nothing left for it. The platform caps a body (32 MiB)."""
    try:
        while request.stream.read(chunk):
            pass
    except (OSError, ValueError, HTTPException):  # the client went away mid-body
        request.stream = io.BytesIO()  # so the framework's read finds nothing either


def is_invalid_argument(exc: BaseException) -> bool:
    """The store refused the request itself (Firestore's INVALID_ARGUMENT, e.g. for a
    document id it reserves), as opposed to an outage."""
    from google.api_core.exceptions import InvalidArgument

    return isinstance(exc, InvalidArgument)
