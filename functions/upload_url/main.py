"""HTTP function: who asks (Firebase ID token), is there quota left, then the job and
its signed PUT URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import functions_framework
from flask import Request, Response

from shared.adapters import logs
from shared.adapters.http import (
    BodyTooLarge,
    begin,
    client_ip,
    discard_body,
    error_response,
    json_response,
    read_json,
    start_http_function,
    with_cors,
)
from shared.core.identity import InvalidToken, bearer_token
from shared.core.messages import ErrorCode
from shared.core.ports import TokenVerifier
from shared.core.settings import get_settings
from shared.core.validation import MAX_REQUEST_BYTES
from shared.orchestration.uploads import Answer, Uploads, auth_failure
from shared.orchestration.wiring import make_token_verifier, make_uploads

if TYPE_CHECKING:
    from shared.adapters.appcheck import AppCheckVerifier

_uploads: Uploads | None = None
_verifier: TokenVerifier | None = None
_app_checker: AppCheckVerifier | None = None

# Refuse emulator mode on Cloud Run; the framework's own refusals (a path its router
# will not take, an over-long header) in our JSON too.
start_http_function()


def _parts() -> tuple[Uploads, TokenVerifier]:
    global _uploads, _verifier
    if _uploads is None or _verifier is None:
        settings = get_settings()
        logs.configure(settings.log_level)
        _uploads, _verifier = make_uploads(settings), make_token_verifier(settings)
    return _uploads, _verifier


def _app_check() -> AppCheckVerifier:
    global _app_checker
    if _app_checker is None:
        from shared.adapters.appcheck import AppCheckVerifier

        _app_checker = AppCheckVerifier(get_settings())
    return _app_checker


def _answer(answer: Answer, cors: dict[str, str]) -> Response:
    return with_cors(json_response(answer.body, answer.status, answer.headers), cors)


@functions_framework.http
def upload_url(request: Request) -> Response:
    settings = get_settings()
    cors, early = begin(request, settings, "POST")
    if early is not None:
        return early
    try:
        uploads, verifier = _parts()
        try:
            identity = verifier.verify(bearer_token(request.headers.get("Authorization")))
            if settings.app_check_enforce:
                _app_check().verify(request.headers.get("X-Firebase-AppCheck"))
        except InvalidToken as exc:
            logs.info(f"upload refused: {exc}", stage="upload_url", code="auth_required")
            discard_body(request)  # a stranger's body is never read, only dropped
            return _answer(auth_failure(), cors)
        try:
            body = read_json(request, MAX_REQUEST_BYTES)
        except BodyTooLarge as exc:
            logs.info(f"upload refused: {exc}", stage="upload_url", code="request_too_large")
            return with_cors(error_response(413, ErrorCode.REQUEST_TOO_LARGE), cors)
        answer = uploads.create(
            body, identity=identity, client_ip=client_ip(request, settings.trusted_proxy_hops)
        )
    except Exception as exc:  # an outage: say so in Russian, log the cause
        logs.error(f"upload_url failed: {exc!r}", stage="upload_url")
        return with_cors(error_response(500, ErrorCode.INTERNAL), cors)
    return _answer(answer, cors)
