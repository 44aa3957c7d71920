"""HTTP helpers for the two HTTP functions: JSON answers and CORS."""

from __future__ import annotations

import json
from typing import Any

from flask import Request, Response

from shared.adapters import logs
from shared.core.messages import error_message
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
        return cors, with_cors(Response(status=204), cors)
    if request.method != method:
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
    when it is not JSON at all (deep nesting included: the parser's RecursionError)."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise BodyTooLarge(f"{declared} bytes declared")
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BodyTooLarge("the body is longer than declared")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
