"""HTTP function: validate an upload request, create the job, answer a signed PUT URL."""

from __future__ import annotations

import functions_framework
from flask import Request, Response

from shared.adapters import logs
from shared.adapters.http import begin, error_response, json_response, with_cors
from shared.core.messages import ErrorCode
from shared.core.settings import get_settings
from shared.orchestration.uploads import Uploads
from shared.orchestration.wiring import make_uploads

_uploads: Uploads | None = None


def _get_uploads() -> Uploads:
    global _uploads
    if _uploads is None:
        settings = get_settings()
        logs.configure(settings.log_level)
        _uploads = make_uploads(settings)
    return _uploads


@functions_framework.http
def upload_url(request: Request) -> Response:
    settings = get_settings()
    cors, early = begin(request, settings, "POST")
    if early is not None:
        return early
    try:
        status, body = _get_uploads().create(request.get_json(silent=True))
    except Exception as exc:  # an outage: say so in Russian, log the cause
        logs.error(f"upload_url failed: {exc!r}", stage="upload_url")
        return with_cors(error_response(500, ErrorCode.INTERNAL), cors)
    return with_cors(json_response(body, status), cors)
