"""The services the orchestration depends on, as Protocols.

`shared.adapters` implements them for Google Cloud (Firestore, Cloud Storage); the
tests implement them in memory. Nothing here imports a cloud library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from shared.core.identity import Identity
from shared.core.jobs import ClaimDecision
from shared.core.messages import ErrorCode, Stage
from shared.core.quotas import Counter, Hold


@dataclass(frozen=True)
class SignedUpload:
    url: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    content_type: str | None
    generation: str
    name: str = ""
    updated: datetime | None = None
    crc32c: str | None = None  # base64, as Cloud Storage reports it
    md5_hash: str | None = None  # base64; absent for composite objects


class JobStore(Protocol):
    """Job documents. Every write that depends on the document is transactional, and
    judged on the database's clock (leases never depend on a process's clock)."""

    def now(self) -> datetime:
        """The database's current time."""
        ...

    def create(self, job_id: str, doc: dict[str, Any]) -> None: ...

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The job whole: its public and private documents as one dict."""
        ...

    def public(self, job_id: str) -> dict[str, Any] | None:
        """Its public document only (`shared.core.jobs.PUBLIC_FIELDS`): what a link shows."""
        ...

    def by_frames(self, frames_token: str) -> dict[str, Any] | None:
        """The job whose storyboard frames are named by `frames_token`, or None."""
        ...

    def claim(
        self, job_id: str, *, generation: str, token: str
    ) -> tuple[ClaimDecision, dict[str, Any] | None]:
        """Take the job for this delivery if nobody holds a live claim."""
        ...

    def advance(self, job_id: str, token: str, stage: Stage | str) -> bool: ...

    def renew(self, job_id: str, token: str) -> bool: ...

    def succeed(self, job_id: str, token: str, result: dict[str, Any]) -> bool: ...

    def fail(self, job_id: str, token: str | None, code: ErrorCode | str, message: str) -> bool:
        """End the job in FAILURE (as the claim holder, or unclaimed if token is None)."""
        ...

    def release(self, job_id: str, token: str) -> bool: ...

    def running(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        """(job id, document) of up to `limit` jobs in PROGRESS."""
        ...

    def pending_expired(self, before: datetime, limit: int) -> list[tuple[str, dict[str, Any]]]:
        """(job id, document) of up to `limit` PENDING jobs whose upload URL expired
        before `before`."""
        ...

    def renotify(self, job_id: str) -> bool:
        """Record that the sweep notifies the PENDING job's upload again; False if it is
        no longer PENDING or was notified less than RENOTIFY_EVERY ago."""
        ...

    def fail_unstarted(self, job_id: str, code: ErrorCode | str, message: str) -> bool:
        """End the job in FAILURE if it is still PENDING (no worker ever took it)."""
        ...


class Storage(Protocol):
    """The upload bucket."""

    def signed_upload(
        self, name: str, content_type: str, max_bytes: int, now: datetime | None = None
    ) -> SignedUpload: ...

    def info(self, name: str, generation: str | None = None) -> ObjectInfo | None: ...

    def download(self, name: str, generation: str | None, dest: Path) -> None: ...

    def delete(self, name: str, generation: str | None = None) -> bool:
        """Delete the object if it still is this generation; False if gone or replaced."""
        ...

    def list(self, prefix: str, page_size: int) -> Iterator[ObjectInfo]:
        """Every object under `prefix`, read `page_size` at a time."""
        ...

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Write a small object (storyboard frames)."""
        ...

    def signed_get(self, name: str, ttl_sec: int) -> str:
        """A V4 signed GET URL for one object, valid `ttl_sec`."""
        ...

    def copy(self, source: str, destination: str) -> bool:
        """Copy an object inside the bucket, server-side; False if the source is gone."""
        ...


class Notifier(Protocol):
    """Sends an object-finalize notification again (the sweep's restart)."""

    def notify_finalize(self, bucket: str, obj: ObjectInfo) -> None: ...


class TokenVerifier(Protocol):
    """Firebase ID tokens -> who is asking (raises shared.core.identity.InvalidToken)."""

    def verify(self, token: str) -> Identity: ...


class QuotaStore(Protocol):
    """Daily counters, checked and counted together in one transaction."""

    def take(
        self,
        counters: list[Counter],
        tokens_doc: str,
        token_budget: int,
        *,
        hold: Hold,
        now: datetime,
    ) -> Counter | None:
        """Hold one upload's share in every counter until `hold.until`, unless one is
        full (returned, nothing held: uploads charged + live holds reach its limit) or
        the service's Gemini tokens reached `token_budget` (> 0)."""
        ...

    def charge(self, doc_ids: list[str], job_id: str) -> None:
        """The job's upload arrived: its held share is charged in each counter (once)."""
        ...

    def release(self, doc_ids: list[str], job_id: str) -> None:
        """The job's held share is given back unused (its result came from the cache)."""
        ...


class TokenBudget(Protocol):
    """The service's daily Gemini tokens (shared.core.budget): every call reserves its
    estimate before it is made and settles to what it used."""

    def reserve(self, call_id: str, estimate: int, lapse_sec: float) -> bool:
        """Reserve `estimate` tokens for one call until `lapse_sec` from now; False (nothing
        reserved) when spent + live reservations + `estimate` would pass the budget."""
        ...

    def settle(self, call_id: str, used: int) -> None:
        """The call ended: its reservation goes and `used` tokens are counted."""
        ...


class ResultCache(Protocol):
    """Which job holds the result of an analysis key (shared.core.cache)."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, entry: dict[str, Any]) -> None: ...

    def delete(self, key: str) -> None: ...
