"""The upload_url function's core: validate, create the job, sign the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import logs
from shared.core import jobs
from shared.core.ports import JobStore, Storage
from shared.core.settings import Settings
from shared.core.validation import Rejection, validate_upload_request


@dataclass
class Uploads:
    settings: Settings
    store: JobStore
    storage: Storage

    def create(self, body: Any) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for one upload request."""
        return create_upload(body, settings=self.settings, store=self.store, storage=self.storage)


def create_upload(
    body: Any, *, settings: Settings, store: JobStore, storage: Storage
) -> tuple[int, dict[str, Any]]:
    request = validate_upload_request(body, max_bytes=settings.max_file_size_bytes)
    if isinstance(request, Rejection):
        logs.info(f"upload rejected: {request.code}", stage="upload_url", code=request.code)
        return request.status, request.to_json()
    now = datetime.now(UTC)
    job_id = jobs.new_job_id()
    name = jobs.object_name(settings.upload_prefix, job_id)
    signed = storage.signed_upload(
        name, request.content_type, settings.max_file_size_bytes, now=now
    )
    store.create(
        job_id,
        jobs.new_job(
            object_name=name,
            filename=request.filename,
            content_type=request.content_type,
            size=request.size,
            language=request.language,
            now=now,
            upload_expires_at=signed.expires_at,
            ttl=timedelta(days=settings.job_ttl_days),
        ),
    )
    logs.info("job created", stage="upload_url", job_id=job_id, size=request.size)
    return 201, {
        "job_id": job_id,
        "upload": {"url": signed.url, "method": "PUT", "headers": signed.headers},
        "expires_at": signed.expires_at.isoformat().replace("+00:00", "Z"),
        "status_url": f"{settings.status_base_url.rstrip('/')}/{job_id}",
    }
