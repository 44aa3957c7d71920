"""The upload_url function's core: who asks, is there quota left, then the job and its URL.

    identity (Firebase ID token) -> request checked -> quota shares held until the
    URL expires (one transaction) -> URL signed -> job created (with its owner and
    the counters to charge when the upload arrives)

Nothing is signed, and no money can be spent, before the first three pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import logs
from shared.core import jobs, quotas
from shared.core.identity import Identity
from shared.core.messages import ErrorCode, error_message
from shared.core.ports import JobStore, QuotaStore, Storage
from shared.core.settings import Settings
from shared.core.validation import Rejection, validate_upload_request


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Uploads:
    settings: Settings
    store: JobStore
    storage: Storage
    quotas: QuotaStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def create(self, body: Any, *, identity: Identity, client_ip: str) -> Answer:
        """The answer to one upload request from a signed-in user."""
        s = self.settings
        request = validate_upload_request(body, max_bytes=s.max_file_size_bytes)
        if isinstance(request, Rejection):
            logs.info(f"upload rejected: {request.code}", stage="upload_url", code=request.code)
            return Answer(request.status, request.to_json(), {})
        now = self.clock()
        job_id = jobs.new_job_id()
        taken = self._take_quota(identity, client_ip, now, job_id)
        if isinstance(taken, Answer):
            return taken
        name = jobs.object_name(s.upload_prefix, job_id)
        signed = self.storage.signed_upload(
            name, request.content_type, s.max_file_size_bytes, now=now
        )
        doc = jobs.new_job(
            object_name=name,
            filename=request.filename,
            content_type=request.content_type,
            size=request.size,
            language=request.language,
            now=now,
            upload_expires_at=signed.expires_at,
            ttl=timedelta(days=s.job_ttl_days),
        )
        extra = {
            "owner": identity.uid,
            "quota_docs": taken,  # charged when the upload arrives (analyze)
            **({"topic": request.topic} if request.topic else {}),
        }
        self.store.create(job_id, {**doc, **extra})
        logs.info("job created", stage="upload_url", job_id=job_id, size=request.size)
        return Answer(
            201,
            {
                "job_id": job_id,
                "upload": {"url": signed.url, "method": "PUT", "headers": signed.headers},
                "expires_at": signed.expires_at.isoformat().replace("+00:00", "Z"),
                "status_url": f"{s.status_base_url.rstrip('/')}/{job_id}",
            },
            {},
        )

    def _take_quota(
        self, identity: Identity, client_ip: str, now: datetime, job_id: str
    ) -> list[str] | Answer:
        """The counters holding this job's share until its URL expires, or the 429."""
        s = self.settings
        limits = quotas.Limits(
            s.quota_user_daily, s.quota_ip_daily, s.quota_service_daily, s.quota_service_tokens
        )
        ip_hash = quotas.ip_key(client_ip, s.google_cloud_project)
        wanted = quotas.counters(identity.uid, ip_hash, limits, now)
        hold = quotas.Hold(job_id, now + timedelta(seconds=s.signed_url_ttl_sec))
        full = self.quotas.take(
            wanted, quotas.service_doc_id(now), limits.service_tokens, hold=hold, now=now
        )
        if full is None:
            return [c.doc_id for c in wanted]
        code = quotas.ERROR_OF_SCOPE[full.scope]
        message = error_message(code, limit=full.limit, wait=quotas.wait_text(now))
        logs.warning(f"over quota: {full.scope}", stage="upload_url", code=code, uid=identity.uid)
        return Answer(
            429,
            {"error": {"code": code.value, "message": message}},
            {"Retry-After": str(quotas.retry_after_sec(now))},
        )


def auth_failure() -> Answer:
    code = ErrorCode.AUTH_REQUIRED
    return Answer(
        401,
        {"error": {"code": code.value, "message": error_message(code)}},
        {"WWW-Authenticate": 'Bearer realm="reels-scripter"'},
    )
