"""Job documents for tests, as upload_url writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.core import jobs


def job_doc(now: datetime | None = None, **fields: Any) -> dict[str, Any]:
    """A PENDING job document (upload window 15 min, TTL 7 days), with `fields` on top."""
    now = now or datetime.now(UTC)
    doc = jobs.new_job(
        object_name=fields.pop("object_name", "uploads/x"),
        filename=fields.pop("filename", "a.mp4"),
        content_type="video/mp4",
        size=fields.pop("size", 1000),
        language="ru",
        now=now,
        upload_expires_at=now + timedelta(minutes=15),
        ttl=timedelta(days=7),
    )
    return {**doc, **fields}
