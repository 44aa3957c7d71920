"""HTTP function: GET /<job_id> answers the job's state in the seed's shape, from its
public document only (what a shared link may see)."""

from __future__ import annotations

from datetime import UTC, datetime

import functions_framework
from flask import Request, Response

from shared.adapters import logs
from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.adapters.http import (
    begin,
    error_response,
    is_invalid_argument,
    json_response,
    start_http_function,
    with_cors,
)
from shared.core import jobs
from shared.core.messages import ErrorCode
from shared.core.ports import Storage
from shared.core.settings import get_settings
from shared.orchestration.status import status_body

_store: FirestoreJobStore | None = None
_signer: Storage | None = None

# Refuse emulator mode on Cloud Run; the framework's own refusals (a path its router
# will not take, an over-long header) in our JSON too.
start_http_function()


def _jobs() -> FirestoreJobStore:
    global _store
    if _store is None:
        settings = get_settings()
        logs.configure(settings.log_level)
        _store = FirestoreJobStore(settings)
    return _store


def _storage() -> Storage:
    """Cloud Storage, for signing frame URLs: made on the first finished job that has
    frames (most status calls never need it)."""
    global _signer
    if _signer is None:
        from shared.adapters.storage import GcsStorage

        _signer = GcsStorage(get_settings())
    return _signer


@functions_framework.http
def status(request: Request) -> Response:
    settings = get_settings()
    cors, early = begin(request, settings, "GET")
    if early is not None:
        return early
    job_id = request.args.get("job_id") or request.path.rstrip("/").rsplit("/", 1)[-1]
    try:
        doc = _jobs().public(job_id) if jobs.is_job_id(job_id) else None
    except Exception as exc:
        if not is_invalid_argument(exc):  # an outage: say so, log the cause
            logs.error(f"status failed: {exc!r}", stage="status", job_id=job_id)
            return with_cors(error_response(500, ErrorCode.INTERNAL), cors)
        logs.warning(f"the store refused the id: {exc!r}", stage="status", job_id=job_id)
        doc = None  # an id the store will not take names no job of ours
    if doc is None:
        return with_cors(error_response(404, ErrorCode.NOT_FOUND), cors)
    body = status_body(doc, datetime.now(UTC), settings=settings, storage=_storage)
    response = json_response(body, headers={"Cache-Control": "no-store"})
    return with_cors(response, cors)
