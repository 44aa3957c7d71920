"""HTTP function: validate an upload request, create the job, answer a signed PUT URL."""

from __future__ import annotations

import functions_framework
from flask import Request, Response

from shared import logs
from shared.firestore_jobs import JobStore
from shared.http import begin, error_response, json_response, with_cors
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
    cors, early = begin(request, settings, "POST")
    if early is not None:
        return early
    store, storage = _adapters()
    try:
        status, body = create_upload(
            request.get_json(silent=True), settings=settings, store=store, storage=storage
        )
    except Exception as exc:  # an outage: say so in Russian, log the cause
        logs.error(f"upload_url failed: {exc!r}", stage="upload_url")
        return with_cors(error_response(500, "internal"), cors)
    return with_cors(json_response(body, status), cors)
