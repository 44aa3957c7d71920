"""The analyze pipeline's decisions, with in-memory stand-ins for Firestore, Cloud
Storage and the analyzer (the real ones are exercised in tests/integration and e2e)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared import jobs
from shared.errors import PermanentError, RetryLater, TransientError
from shared.events import FinalizeEvent
from shared.pipeline import Outcome, Pipeline
from shared.schema import AnalysisResult
from shared.settings import Settings
from tests import media
from tests.factories import job_doc

SETTINGS = Settings(upload_bucket="b", max_file_size_mb=1, max_attempts=3, _env_file=None)


class MemoryStore:
    """JobStore's contract on a dict, with the same pure transitions."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.stages: list[str] = []

    def claim(self, job_id: str, *, generation: str, token: str):
        doc = self.docs.get(job_id)
        now = datetime.now(UTC)
        decision = jobs.decide_claim(doc, now)
        if decision is jobs.ClaimDecision.RUN:
            doc.update(jobs.claim_update(doc, generation=generation, token=token, now=now,
                                         lease=timedelta(minutes=10)))  # fmt: skip
        return decision, dict(doc) if doc else None

    def advance(self, job_id: str, token: str, stage: str) -> bool:
        doc = self.docs[job_id]
        update = jobs.stage_update(doc, stage, datetime.now(UTC))
        if jobs.holds_claim(doc, token) and update:
            doc.update(update)
            self.stages.append(stage)
            return True
        return False

    def succeed(self, job_id: str, token: str, result: dict[str, Any]) -> bool:
        self.docs[job_id].update(jobs.success_update(result, datetime.now(UTC)))
        return True

    def fail(self, job_id: str, token: str | None, code: str, message: str) -> bool:
        self.docs[job_id].update(jobs.failure_update(code, message, datetime.now(UTC)))
        return True

    def renew(self, job_id: str, token: str) -> bool:
        return jobs.holds_claim(self.docs[job_id], token)

    def release(self, job_id: str, token: str) -> bool:
        self.docs[job_id].update(jobs.release_update(datetime.now(UTC)))
        return True


@dataclass
class MemoryStorage:
    source: Path | None = None
    downloads: int = 0
    deleted: list[tuple[str, str | None]] = field(default_factory=list)

    def download(self, name: str, generation: str | None, dest: Path) -> None:
        self.downloads += 1
        dest.write_bytes(self.source.read_bytes() if self.source else b"")

    def delete(self, name: str, generation: str | None = None) -> bool:
        self.deleted.append((name, generation))
        return True


class ScriptedAnalyzer:
    engine = "offline"

    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def analyze(self, video, *, language, progress) -> AnalysisResult:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        progress("writing")
        return AnalysisResult.model_validate(
            {
                "original": {"transcription": "hi", "translation": None},
                "keys": [],
                "script": [],
                "recommendations": [],
                "meta": {"engine": "offline", "duration_sec": video.duration_sec},
            }
        )


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return media.no_audio(tmp_path_factory.mktemp("pipeline")).path


def setup(video: Path | None, analyzer: ScriptedAnalyzer, size: int | None = 1000):
    store, storage = MemoryStore(), MemoryStorage(source=video)
    job_id = jobs.new_job_id()
    store.docs[job_id] = job_doc(object_name=f"uploads/{job_id}")
    pipeline = Pipeline(SETTINGS, store, storage, analyzer_factory=lambda _s: analyzer)  # type: ignore[arg-type]
    event = FinalizeEvent("b", f"uploads/{job_id}", "7", size, "video/mp4")
    return pipeline, store, storage, job_id, event


def test_success_writes_the_result_and_deletes_the_generation(video):
    pipeline, store, storage, job_id, event = setup(video, ScriptedAnalyzer())
    assert pipeline.handle(event) is Outcome.SUCCESS
    doc = store.docs[job_id]
    assert doc["state"] == "SUCCESS" and doc["result"]["meta"]["duration_sec"] == 3.04
    assert store.stages == ["downloading", "probing", "writing"]
    assert storage.deleted == [(event.name, "7")]


def test_too_large_fails_before_download_and_analysis(video):
    analyzer = ScriptedAnalyzer()
    pipeline, store, storage, job_id, event = setup(video, analyzer, size=2 * 1024 * 1024)
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "file_too_large"
    assert storage.downloads == 0 and analyzer.calls == 0
    assert storage.deleted == [(event.name, "7")]


def test_permanent_error_fails_and_deletes(video):
    pipeline, store, storage, job_id, event = setup(
        video, ScriptedAnalyzer(PermanentError("ai_blocked"))
    )
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "ai_blocked"
    assert storage.deleted


def test_transient_error_releases_keeps_the_video_and_raises(video):
    pipeline, store, storage, job_id, event = setup(
        video, ScriptedAnalyzer(TransientError("ai_unavailable"))
    )
    with pytest.raises(TransientError):
        pipeline.handle(event)
    doc = store.docs[job_id]
    assert doc["state"] == "PROGRESS" and doc["claim"] is None
    assert storage.deleted == []  # needed for the redelivery
    assert pipeline.handle(event) is Outcome.SUCCESS  # the redelivery


def test_attempts_are_bounded(video):
    errors = [TransientError("ai_unavailable")] * 5
    pipeline, store, storage, job_id, event = setup(video, ScriptedAnalyzer(*errors))
    for _ in range(SETTINGS.max_attempts - 1):
        with pytest.raises(TransientError):
            pipeline.handle(event)
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "ai_unavailable"
    assert storage.deleted == [(event.name, "7")]


def test_unexpected_exception_is_retried_then_fails_clearly(video):
    errors = [RuntimeError("boom")] * 5
    pipeline, store, _, job_id, event = setup(video, ScriptedAnalyzer(*errors))
    for _ in range(SETTINGS.max_attempts - 1):
        with pytest.raises(TransientError):
            pipeline.handle(event)
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "analysis_failed"


def test_busy_claim_asks_for_redelivery_and_ended_job_is_cleaned_up(video):
    pipeline, store, storage, job_id, event = setup(video, ScriptedAnalyzer())
    store.docs[job_id].update(
        state="PROGRESS",
        claim={"token": "other", "lease_until": datetime.now(UTC) + timedelta(minutes=5)},
    )
    with pytest.raises(RetryLater):
        pipeline.handle(event)
    store.docs[job_id].update(state="SUCCESS", claim=None)
    assert pipeline.handle(event) is Outcome.IGNORED
    assert storage.deleted == [(event.name, "7")]


def test_foreign_and_orphan_objects(video):
    pipeline, _, storage, _, _ = setup(video, ScriptedAnalyzer())
    assert pipeline.handle(FinalizeEvent("other", "uploads/x", "1", 5, None)) is Outcome.IGNORED
    assert pipeline.handle(FinalizeEvent("b", "thumbs/x.jpg", "1", 5, None)) is Outcome.IGNORED
    orphan = FinalizeEvent("b", f"uploads/{jobs.new_job_id()}", "1", 5, None)
    assert pipeline.handle(orphan) is Outcome.ORPHAN
    assert storage.deleted == [(orphan.name, "1")]
