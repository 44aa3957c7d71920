"""HTTP function: validate an upload request, create the job, answer a signed PUT URL."""

from __future__ import annotations

import functions_framework
from flask import Request, Response

from shared import logs
from shared.firestore_jobs import JobStore
from shared.http import cors_headers, error_response, json_response, with_cors
from shared.settings import get_settings
from shared.storage import Storage
from shared.uploads import create_upload

_store: JobStore | None = None
_storage: Storage | None = None


def _adapters() -> tuple[JobStore, Storage]:
    global _store, _storage
    if _store is None or _storage is None:
        settings = get_settings()
        _store, _storage = JobStore(settings), Storage(settings)
    return _store, _storage


@functions_framework.http
def upload_url(request: Request) -> Response:
    settings = get_settings()
    logs.set_trace(request.headers.get("X-Cloud-Trace-Context"), settings.google_cloud_project)
    cors = cors_headers(request, settings.allowed_origins, "POST, OPTIONS")
    if request.method == "OPTIONS":
        return with_cors(Response(status=204), cors)
    if request.method != "POST":
        return with_cors(error_response(405, "method_not_allowed"), cors)
    store, storage = _adapters()
    try:
        status, body = create_upload(
            request.get_json(silent=True), settings=settings, store=store, storage=storage
        )
    except Exception as exc:  # an outage: say so in Russian, log the cause
        logs.error(f"upload_url failed: {exc!r}", stage="upload_url")
        return with_cors(error_response(500, "internal"), cors)
    return with_cors(json_response(body, status), cors)
