"""HTTP function: GET /<job_id> answers the job's state in the seed's shape."""

from __future__ import annotations

from datetime import UTC, datetime

import functions_framework
from flask import Request, Response

from shared import jobs, logs
from shared.firestore_jobs import JobStore
from shared.http import begin, error_response, json_response, with_cors
from shared.settings import get_settings

_store: JobStore | None = None


def _jobs() -> JobStore:
    global _store
    if _store is None:
        _store = JobStore(get_settings())
    return _store


@functions_framework.http
def status(request: Request) -> Response:
    settings = get_settings()
    cors, early = begin(request, settings, "GET")
    if early is not None:
        return early
    job_id = request.args.get("job_id") or request.path.rstrip("/").rsplit("/", 1)[-1]
    try:
        doc = _jobs().get(job_id) if jobs.is_job_id(job_id) else None
    except Exception as exc:
        logs.error(f"status failed: {exc!r}", stage="status", job_id=job_id)
        return with_cors(error_response(500, "internal"), cors)
    if doc is None:
        return with_cors(error_response(404, "not_found"), cors)
    body = jobs.public_status(doc, datetime.now(UTC)).to_json()
    response = json_response(body, headers={"Cache-Control": "no-store"})
    return with_cors(response, cors)
