"""In-memory stand-ins for Firestore and Cloud Storage that implement the Protocols
of `shared.core.ports` with the same pure transitions (`shared.core.jobs`), for unit
tests of the orchestration. The real adapters are exercised in tests/integration."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.core import budget, jobs, quotas, recovery
from shared.core.messages import ErrorCode, Stage
from shared.core.ports import ObjectInfo, SignedUpload


class MemoryStore:
    """`shared.core.ports.JobStore` on a dict, with the same pure transitions."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.stages: list[str] = []

    def now(self) -> datetime:
        return datetime.now(UTC)

    def create(self, job_id: str, doc: dict[str, Any]) -> None:
        self.docs[job_id] = dict(doc)

    def get(self, job_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(job_id)
        return dict(doc) if doc is not None else None

    def public(self, job_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(job_id)
        return jobs.split(doc)[0] if doc is not None else None

    def by_frames(self, frames_token: str) -> dict[str, Any] | None:
        found = [d for d in self.docs.values() if d.get("frames_token") == frames_token]
        return dict(found[0]) if found else None

    def claim(
        self, job_id: str, *, generation: str, token: str
    ) -> tuple[jobs.ClaimDecision, dict[str, Any] | None]:
        doc = self.docs.get(job_id)
        now = datetime.now(UTC)
        decision = jobs.decide_claim(doc, now)
        if decision is jobs.ClaimDecision.RUN and doc is not None:
            lease = timedelta(minutes=10)
            doc.update(
                jobs.claim_update(doc, generation=generation, token=token, now=now, lease=lease)
            )
        return decision, dict(doc) if doc else None

    def advance(self, job_id: str, token: str, stage: Stage | str) -> bool:
        doc = self.docs[job_id]
        update = jobs.stage_update(doc, stage, datetime.now(UTC))
        if jobs.holds_claim(doc, token) and update:
            doc.update(update)
            self.stages.append(str(stage))
            return True
        return False

    def succeed(self, job_id: str, token: str, result: dict[str, Any]) -> bool:
        if not jobs.holds_claim(self.docs[job_id], token):
            return False
        self.docs[job_id].update(jobs.success_update(result, datetime.now(UTC)))
        return True

    def fail(self, job_id: str, token: str | None, code: ErrorCode | str, message: str) -> bool:
        doc = self.docs.get(job_id)
        if doc is None or doc.get("state") in jobs.TERMINAL:
            return False
        if token is not None and not jobs.holds_claim(doc, token):
            return False
        doc.update(jobs.failure_update(code, message, datetime.now(UTC)))
        return True

    def renew(self, job_id: str, token: str) -> bool:
        return jobs.holds_claim(self.docs[job_id], token)

    def release(self, job_id: str, token: str) -> bool:
        if not jobs.holds_claim(self.docs[job_id], token):
            return False
        self.docs[job_id].update(jobs.release_update(datetime.now(UTC)))
        return True

    def running(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        found = [(i, dict(d)) for i, d in self.docs.items() if d.get("state") == "PROGRESS"]
        return found[:limit]

    def pending_expired(self, before: datetime, limit: int) -> list[tuple[str, dict[str, Any]]]:
        found = [
            (i, dict(d))
            for i, d in self.docs.items()
            if d.get("state") == "PENDING"
            and d.get("upload_expires_at") is not None
            and d["upload_expires_at"] < before
        ]
        return found[:limit]

    def renotify(self, job_id: str) -> bool:
        update = recovery.renotify_update(self.docs.get(job_id), datetime.now(UTC))
        if update:
            self.docs[job_id].update(update)
        return update is not None

    def fail_unstarted(self, job_id: str, code: ErrorCode | str, message: str) -> bool:
        doc = self.docs.get(job_id)
        update = recovery.unstarted_failure(doc, code, message, datetime.now(UTC))
        if doc is not None and update:
            doc.update(update)
        return update is not None


@dataclass
class MemoryStorage:
    """`shared.core.ports.Storage`: objects by name -> generation, bytes from `source`."""

    source: Path | None = None
    objects: dict[str, str] = field(default_factory=dict)
    uploaded: dict[str, datetime] = field(default_factory=dict)  # default: now
    blobs: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # what put() wrote
    downloads: int = 0
    deleted: list[tuple[str, str | None]] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)
    pages_listed: int = 0

    def signed_upload(
        self, name: str, content_type: str, max_bytes: int, now: datetime | None = None
    ) -> SignedUpload:
        expires = (now or datetime.now(UTC)) + timedelta(minutes=15)
        return SignedUpload(f"memory://{name}", {"Content-Type": content_type}, expires)

    def info(self, name: str, generation: str | None = None) -> ObjectInfo | None:
        current = self.objects.get(name)
        if current is None or (generation is not None and generation != current):
            return None
        size = self.source.stat().st_size if self.source else 0
        updated = self.uploaded.get(name, datetime.now(UTC))
        data = self.blobs[name][0] if name in self.blobs else b""
        if not data and self.source and not name.startswith("results/"):
            data = self.source.read_bytes()
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        return ObjectInfo(
            size, "video/mp4", current, name=name, updated=updated, crc32c=None, md5_hash=md5
        )

    def download(self, name: str, generation: str | None, dest: Path) -> None:
        self.downloads += 1
        dest.write_bytes(self.source.read_bytes() if self.source else b"")

    def delete(self, name: str, generation: str | None = None) -> bool:
        current = self.objects.get(name)
        if current is None or (generation is not None and generation != current):
            return False
        del self.objects[name]
        self.deleted.append((name, generation))
        return True

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.objects[name] = str(len(self.objects) + 1)
        self.blobs[name] = (data, content_type)

    def signed_get(self, name: str, ttl_sec: int) -> str:
        return f"memory://{name}?ttl={ttl_sec}"

    def copy(self, source: str, destination: str) -> bool:
        if source not in self.blobs:
            return False
        self.put(destination, *self.blobs[source])
        self.copies.append((source, destination))
        return True

    def list(self, prefix: str, page_size: int) -> Iterator[ObjectInfo]:
        """Page by page, as Cloud Storage does: names after the last one listed."""
        after = ""
        while True:
            page = sorted(n for n in self.objects if n.startswith(prefix) and n > after)
            page = page[:page_size]
            if not page:
                return
            self.pages_listed += 1
            for name in page:
                info = self.info(name)
                if info is not None:
                    yield info
            after = page[-1]


@dataclass
class MemoryQuotas:
    """`shared.core.ports.QuotaStore` on a dict (the real transaction: tests/integration)."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    now: datetime | None = None  # the last `take`'s time, for `counts`

    @property
    def counts(self) -> dict[str, int]:
        """Each counter's uploads charged plus live holds."""
        now = self.now or datetime.now(UTC)
        return {doc_id: quotas.in_use(v, now) for doc_id, v in self.values.items()}

    def take(
        self, counters: list[Any], tokens_doc: str, token_budget: int, *, hold: Any, now: datetime
    ) -> Any:
        self.now = now
        for counter in counters:
            if quotas.in_use(self.values.get(counter.doc_id, {}), now) >= counter.limit:
                return counter
        if token_budget > 0 and self.tokens.get(tokens_doc, 0) >= token_budget:
            return next(c for c in counters if c.doc_id == tokens_doc)
        for counter in counters:
            value = self.values.setdefault(counter.doc_id, {})
            value["held"] = quotas.holding(value, hold, now)
        return None

    def charge(self, doc_ids: list[str], job_id: str) -> None:
        for doc_id in doc_ids:
            value = self.values.setdefault(doc_id, {})
            value.update(quotas.charging(value, job_id) or {})

    def add_tokens(self, tokens_doc: str, tokens: int) -> None:
        self.tokens[tokens_doc] = self.tokens.get(tokens_doc, 0) + tokens

    def release(self, doc_ids: list[str], job_id: str) -> None:
        for doc_id in doc_ids:
            value = self.values.setdefault(doc_id, {})
            held = quotas.releasing(value, job_id)
            if held is not None:
                value["held"] = held


@dataclass
class MemoryBudget:
    """`shared.core.ports.TokenBudget` on one dict, the day's service counter, with the
    same pure rules (the real transaction: tests/integration). `reserves` logs every
    reservation asked for (call id, estimate, granted); `settled` every settlement."""

    cap: int = 0
    value: dict[str, Any] = field(default_factory=dict)
    reserves: list[tuple[str, int, bool]] = field(default_factory=list)
    settled: list[tuple[str, int]] = field(default_factory=list)
    clock_offset: timedelta = timedelta(0)  # moves the counter's clock on (lapses)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    @property
    def tokens(self) -> int:
        return int(self.value.get("tokens", 0))

    def reserved(self) -> dict[str, dict[str, Any]]:
        return budget.live_reservations(self.value, self.now())

    def reserve(self, call_id: str, estimate: int, lapse_sec: float) -> bool:
        now = self.now()
        until = now + timedelta(seconds=lapse_sec)
        reserved = budget.reserving(self.value, call_id, estimate, self.cap, now, until)
        self.reserves.append((call_id, estimate, reserved is not None))
        if reserved is None:
            return False
        self.value["reserved"] = reserved
        return True

    def settle(self, call_id: str, used: int) -> None:
        self.settled.append((call_id, used))
        self.value.update(budget.settling(self.value, call_id, used, self.now()))


@dataclass
class MemoryCache:
    """`shared.core.ports.ResultCache` on a dict."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, key: str) -> dict[str, Any] | None:
        return dict(self.entries[key]) if key in self.entries else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self.entries[key] = dict(entry)

    def delete(self, key: str) -> None:
        self.entries.pop(key, None)
