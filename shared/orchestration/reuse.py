"""Never paid twice (`shared.core.cache`): before anything is downloaded, a job whose
bytes and settings were analysed already takes the stored result.

    key (checksums from the notification, else the object's metadata; the analyzer's
         engine and fingerprint; language; topic)
    -> cache entry -> the job holding the result, still SUCCESS
    -> its result, with its storyboard frames copied under this job's frames token
       (server-side) and
       the notice that it came from the cache
    -> the URL's held quota share given back, never charged; no Gemini call,
       no tokens counted

A lookup or a write that fails costs only the cache: the job is analysed as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.adapters import logs
from shared.analyzers.base import Analyzer
from shared.core import cache, jobs
from shared.core.events import FinalizeEvent
from shared.core.messages import Notice
from shared.core.ports import JobStore, QuotaStore, ResultCache, Storage
from shared.core.schema import AnalysisResult
from shared.core.settings import Settings
from shared.orchestration.run import with_notice
from shared.orchestration.storyboard import frame_name


@dataclass
class Reuse:
    settings: Settings
    cache: ResultCache
    store: JobStore
    storage: Storage
    quotas: QuotaStore | None = None

    def key(self, event: FinalizeEvent, doc: dict[str, Any], analyzer: Analyzer) -> str | None:
        crc32c, md5, size = event.crc32c, event.md5_hash, event.size
        if not (crc32c or md5):
            info = self.storage.info(event.name, event.generation)
            if info is None:
                return None
            crc32c, md5, size = info.crc32c, info.md5_hash, info.size
        return cache.cache_key(
            crc32c=crc32c,
            md5=md5,
            size=size,
            engine=analyzer.engine,
            fingerprint=analyzer.fingerprint,
            language=doc.get("language") or "ru",
            topic=doc.get("topic") or None,
        )

    def lookup(self, key: str, frames_prefix: str) -> AnalysisResult | None:
        """The stored result for this job (its frames copied under `frames_prefix`),
        or None (no entry, or its job is gone)."""
        try:
            found = self.cache.get(key)
            source = self.store.get(str(found["job_id"])) if found else None
        except Exception as exc:
            logs.warning(f"result cache not read: {exc!r}", stage="cache")
            return None
        if not found:
            return None
        if not source or source.get("state") != jobs.State.SUCCESS or not source.get("result"):
            self._forget(key)
            return None
        result = AnalysisResult.model_validate(source["result"])
        frames = []
        for frame in result.storyboard:
            name = frame_name(frames_prefix, frame.row)
            if self.storage.copy(frame.object, name):
                frames.append(frame.model_copy(update={"object": name}))
        logs.info("result from the cache", stage="cache", frames=len(frames))
        return with_notice(result.model_copy(update={"storyboard": frames}), Notice.FROM_CACHE)

    def remember(self, key: str, job_id: str, result: dict[str, Any], doc: dict[str, Any]) -> None:
        if not cache.cacheable(result):
            return
        meta = result.get("meta") or {}
        try:
            self.cache.put(
                key,
                cache.entry(
                    job_id,
                    engine=str(meta.get("engine")),
                    model=meta.get("model"),
                    expires_at=doc.get("expires_at"),
                ),
            )
        except Exception as exc:
            logs.warning(f"result not cached: {exc!r}", stage="cache")

    def release(self, doc: dict[str, Any], job_id: str) -> None:
        """The URL held this upload's share in each counter; a cached result uses none."""
        if self.quotas is None or not doc.get("quota_docs"):
            return
        try:
            self.quotas.release(list(doc["quota_docs"]), job_id)
            logs.info("upload's quota share given back (cached result)", stage="cache")
        except Exception as exc:
            logs.warning(f"quota share not given back: {exc!r}", stage="cache")

    def _forget(self, key: str) -> None:
        try:
            self.cache.delete(key)
        except Exception as exc:
            logs.warning(f"stale cache entry not deleted: {exc!r}", stage="cache")
