"""The analyze pipeline's decisions, with in-memory stand-ins for Firestore, Cloud
Storage and the analyzer (the real ones are exercised in tests/integration and e2e)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.core import jobs
from shared.core.errors import ErrorCode, PermanentError, RetryLater, TransientError
from shared.core.events import FinalizeEvent
from shared.core.measurements import Measurements
from shared.core.messages import Stage
from shared.core.ports import ObjectInfo, SignedUpload
from shared.core.schema import AnalysisResult
from shared.core.settings import Settings
from shared.core.video import MeasureRequest, ProgressFn, VideoInfo
from shared.orchestration.analyze import Outcome, Pipeline
from tests.factories import job_doc

SETTINGS = Settings(upload_bucket="b", max_file_size_mb=1, max_attempts=3, _env_file=None)


class MemoryStore:
    """`shared.core.ports.JobStore` on a dict, with the same pure transitions."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.stages: list[str] = []

    def create(self, job_id: str, doc: dict[str, Any]) -> None:
        self.docs[job_id] = dict(doc)

    def get(self, job_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(job_id)
        return dict(doc) if doc is not None else None

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


@dataclass
class MemoryStorage:
    """`shared.core.ports.Storage` holding one object's bytes (from `source`)."""

    source: Path | None = None
    downloads: int = 0
    deleted: list[tuple[str, str | None]] = field(default_factory=list)

    def signed_upload(
        self, name: str, content_type: str, max_bytes: int, now: datetime | None = None
    ) -> SignedUpload:
        expires = (now or datetime.now(UTC)) + timedelta(minutes=15)
        return SignedUpload(f"memory://{name}", {"Content-Type": content_type}, expires)

    def info(self, name: str, generation: str | None = None) -> ObjectInfo | None:
        if self.source is None:
            return None
        return ObjectInfo(self.source.stat().st_size, "video/mp4", generation or "1")

    def download(self, name: str, generation: str | None, dest: Path) -> None:
        self.downloads += 1
        dest.write_bytes(self.source.read_bytes() if self.source else b"")

    def delete(self, name: str, generation: str | None = None) -> bool:
        self.deleted.append((name, generation))
        return True


class ScriptedAnalyzer:
    """An analyzer that raises the outcomes it is given, one per call, then succeeds."""

    engine = "offline"

    def __init__(self, *outcomes: Exception | None, needs: MeasureRequest | None = None) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.needs = needs
        self.measured: list[Measurements | None] = []

    def analyze(
        self,
        video: VideoInfo,
        measurements: Measurements | None,
        *,
        language: str,
        progress: ProgressFn,
    ) -> AnalysisResult:
        self.calls += 1
        self.measured.append(measurements)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        progress(Stage.WRITING)
        return AnalysisResult.model_validate(
            {
                "original": {"transcription": "hi", "translation": None},
                "keys": [],
                "script": [],
                "recommendations": [],
                "meta": {"engine": "offline", "duration_sec": video.duration_sec},
            }
        )


class FakeMeasure:
    """The measurement step: records requests, returns fixed measurements or raises."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.requests: list[MeasureRequest] = []

    def __call__(self, path: Path, progress: ProgressFn, request: MeasureRequest) -> Measurements:
        self.requests.append(request)
        progress(Stage.MEASURING)
        if self.error is not None:
            raise self.error
        return Measurements(3.0, 72, 128, 25.0, "h264", None, has_audio=False)


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return media.no_audio(tmp_path_factory.mktemp("pipeline")).path


def setup(
    video: Path | None,
    analyzer: ScriptedAnalyzer,
    size: int | None = 1000,
    measure: FakeMeasure | None = None,
) -> tuple[Pipeline, MemoryStore, MemoryStorage, str, FinalizeEvent]:
    store, storage = MemoryStore(), MemoryStorage(source=video)
    job_id = jobs.new_job_id()
    store.docs[job_id] = job_doc(object_name=f"uploads/{job_id}")
    pipeline = Pipeline(
        SETTINGS,
        store,
        storage,
        analyzer_factory=lambda _s: analyzer,
        measure=measure or FakeMeasure(),
    )
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


def test_the_analyzer_gets_what_it_asked_to_be_measured(video):
    request = MeasureRequest(speech=True, ocr=False, required=True)
    analyzer, measure = ScriptedAnalyzer(needs=request), FakeMeasure()
    pipeline, store, _, _, event = setup(video, analyzer, measure=measure)
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert measure.requests == [request]
    assert analyzer.measured[0] is not None and analyzer.measured[0].duration_sec == 3.0
    assert store.stages == ["downloading", "probing", "measuring", "writing"]


def test_nothing_is_measured_for_an_analyzer_that_needs_nothing(video):
    analyzer, measure = ScriptedAnalyzer(needs=None), FakeMeasure()
    pipeline, _, _, _, event = setup(video, analyzer, measure=measure)
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert measure.requests == [] and analyzer.measured == [None]


def test_optional_measurements_that_fail_leave_the_analyzer_without_them(video):
    analyzer = ScriptedAnalyzer(needs=MeasureRequest(required=False))
    pipeline, _, _, _, event = setup(video, analyzer, measure=FakeMeasure(RuntimeError("boom")))
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert analyzer.measured == [None]


def test_required_measurements_that_fail_fail_the_job(video):
    analyzer = ScriptedAnalyzer(needs=MeasureRequest(required=True))
    error = PermanentError(ErrorCode.CORRUPT_VIDEO, "no frame")
    pipeline, store, storage, job_id, event = setup(video, analyzer, measure=FakeMeasure(error))
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "corrupt_video"
    assert analyzer.calls == 0 and storage.deleted == [(event.name, "7")]
