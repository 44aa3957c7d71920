"""Never a lost job, never paid twice: the pipeline's offline stand-in for an AI that gave
no result, and the result cache (in-memory stores; the emulators in tests/e2e)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.core import jobs, quotas
from shared.core.errors import ErrorCode, PermanentError, TransientError
from shared.core.events import FinalizeEvent
from shared.core.messages import NOTICES, Notice
from shared.core.schema import AnalysisResult, Frame, Usage
from shared.core.settings import Settings
from shared.core.video import MeasureRequest
from shared.orchestration.analyze import Outcome, Pipeline
from tests.factories import job_doc
from tests.fakes.memory import MemoryCache, MemoryQuotas, MemoryStorage, MemoryStore
from tests.unit.test_pipeline import FakeMeasure, ScriptedAnalyzer

SETTINGS = Settings(upload_bucket="b", max_file_size_mb=1, max_attempts=3, _env_file=None)
GEMINI_NEEDS = MeasureRequest(speech=True, ocr=False, required=False)
OFFLINE_NEEDS = MeasureRequest(speech=True, ocr=True, required=True)


class FakeGemini(ScriptedAnalyzer):
    engine = "gemini"

    def __init__(self, *outcomes: Exception | None, fingerprint: str = "gemini-3.8-flash") -> None:
        super().__init__(*outcomes, needs=GEMINI_NEEDS)
        self.fingerprint = fingerprint

    def analyze(self, video: Any, measurements: Any, **kwargs: Any) -> AnalysisResult:
        result = super().analyze(video, measurements, **kwargs)
        meta = result.meta.model_copy(
            update={
                "engine": "gemini",
                "model": "gemini-3.8-flash",
                "usage": Usage(total_tokens=900),
            }
        )
        return result.model_copy(update={"meta": meta})


class Offline(ScriptedAnalyzer):
    fingerprint = "offline"

    def __init__(self) -> None:
        super().__init__(needs=OFFLINE_NEEDS)


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return media.no_audio(tmp_path_factory.mktemp("fallback")).path


class World:
    def __init__(self, video: Path, analyzer: ScriptedAnalyzer, **settings: Any) -> None:
        self.store, self.storage = MemoryStore(), MemoryStorage(source=video)
        self.cache, self.quotas, self.measure = MemoryCache(), MemoryQuotas(), FakeMeasure()
        self.offline = Offline()
        self.analyzer = analyzer
        self.pipeline = Pipeline(
            SETTINGS.model_copy(update=settings),
            self.store,
            self.storage,
            analyzer_factory=lambda _s: self.analyzer,
            measure=self.measure,
            quotas=self.quotas,
            fallback_factory=lambda _s: self.offline,
            cache=self.cache,
        )

    def upload(
        self, *, owner: str = "u1", attempts: int = 0, **fields: Any
    ) -> tuple[str, FinalizeEvent]:
        job_id = jobs.new_job_id()
        name = f"uploads/{job_id}"
        now = datetime.now(UTC)
        limits = quotas.Limits(100, 100, 100, 0)
        wanted = quotas.counters(owner, "ip", limits, now)  # upload_url held its share
        hold = quotas.Hold(job_id, now + timedelta(minutes=15))
        assert self.quotas.take(wanted, quotas.service_doc_id(now), 0, hold=hold, now=now) is None
        self.store.docs[job_id] = job_doc(
            now,
            object_name=name,
            owner=owner,
            attempts=attempts,
            quota_docs=[c.doc_id for c in wanted],
            **fields,
        )
        self.storage.objects[name] = "7"
        info = self.storage.info(name)
        assert info is not None
        event = FinalizeEvent("b", name, "7", 1000, "video/mp4", md5_hash=info.md5_hash)
        return job_id, event

    def result(self, job_id: str) -> dict[str, Any]:
        return self.store.docs[job_id]["result"]


# ---------------------------------------------------------------- the stand-in


@pytest.mark.parametrize(
    ("error", "notice"),
    [
        (
            PermanentError(ErrorCode.AI_MISCONFIGURED, "404 gemini-2.5-flash"),
            Notice.AI_MISCONFIGURED,
        ),
        (PermanentError(ErrorCode.AI_BLOCKED, "SAFETY"), Notice.AI_BLOCKED),
        (PermanentError(ErrorCode.AI_BAD_ANSWER, "twice"), Notice.AI_BAD_ANSWER),
        (PermanentError(ErrorCode.AI_REJECTED, "FAILED"), Notice.AI_REJECTED),
    ],
)
def test_an_ai_without_a_result_ends_in_success_with_the_offline_analysis(video, error, notice):
    world = World(video, FakeGemini(error))
    job_id, event = world.upload()
    assert world.pipeline.handle(event) is Outcome.SUCCESS
    doc = world.store.docs[job_id]
    assert doc["state"] == "SUCCESS" and doc["attempts"] == 1  # no retry loop
    meta = doc["result"]["meta"]
    assert meta["engine"] == "offline"
    assert meta["notices"] == [{"code": notice.value, "message": NOTICES[notice]}]
    # What the offline analyzer needs and Gemini's request did not (OCR) was measured.
    assert world.measure.requests == [GEMINI_NEEDS, OFFLINE_NEEDS]
    assert world.offline.calls == 1
    assert world.storage.deleted == [(event.name, "7")]
    assert not world.cache.entries  # a stand-in result is not cached


def test_an_overloaded_ai_is_retried_then_stood_in_for_on_the_last_attempt(video):
    world = World(video, FakeGemini(TransientError(ErrorCode.AI_UNAVAILABLE, "429")))
    _, event = world.upload()
    with pytest.raises(TransientError):  # attempt 1 of 3: Pub/Sub delivers again
        world.pipeline.handle(event)
    assert world.offline.calls == 0
    world.analyzer = FakeGemini(TransientError(ErrorCode.AI_UNAVAILABLE, "429"))
    job_id, last = world.upload(attempts=2)  # the claim makes it the 3rd and last
    assert world.pipeline.handle(last) is Outcome.SUCCESS
    assert world.result(job_id)["meta"]["notices"][0]["code"] == "ai_unavailable"


def test_a_failure_that_is_the_videos_still_fails(video):
    world = World(video, FakeGemini(PermanentError(ErrorCode.CORRUPT_VIDEO)))
    job_id, event = world.upload()
    assert world.pipeline.handle(event) is Outcome.FAILURE
    assert world.store.docs[job_id]["error"]["code"] == "corrupt_video"
    assert world.offline.calls == 0


def test_measurements_that_cover_the_stand_in_are_not_made_twice(video):
    gemini = FakeGemini(PermanentError(ErrorCode.AI_BLOCKED))
    gemini.needs = OFFLINE_NEEDS
    world = World(video, gemini)
    _, event = world.upload()
    assert world.pipeline.handle(event) is Outcome.SUCCESS
    assert world.measure.requests == [OFFLINE_NEEDS]


# ---------------------------------------------------------------- the cache


def test_the_same_bytes_again_take_the_stored_result_unpaid(video):
    world = World(video, FakeGemini())
    first, event = world.upload(owner="alice")
    assert world.pipeline.handle(event) is Outcome.SUCCESS
    frame = f"results/{first}/000.jpg"
    world.storage.put(frame, b"jpeg", "image/jpeg")
    world.store.docs[first]["result"]["storyboard"] = [
        Frame(row=0, time_sec=0.5, object=frame).model_dump()
    ]
    tokens = dict(world.quotas.tokens)
    downloads = world.storage.downloads

    second, again = world.upload(owner="bob")
    assert world.pipeline.handle(again) is Outcome.SUCCESS
    result = world.result(second)
    assert world.analyzer.calls == 1 and world.storage.downloads == downloads  # not even fetched
    assert result["meta"]["notices"] == [
        {"code": "from_cache", "message": NOTICES[Notice.FROM_CACHE]}
    ]
    assert result["original"] == world.result(first)["original"]
    # Bob's URL held a share; his cached result never charges it and gives it back.
    day = quotas.day_of(datetime.now(UTC))
    assert world.quotas.counts[f"{day}:user:bob"] == 0
    assert world.quotas.counts[f"{day}:user:alice"] == 1
    assert world.quotas.counts[f"{day}:service"] == 1
    assert world.quotas.tokens == tokens  # no Gemini tokens counted again
    # The frames are the new job's own (they go with it), copied inside the bucket.
    own = f"results/{world.store.docs[second]['frames_token']}/000.jpg"  # not the job id
    assert result["storyboard"][0]["object"] == own
    assert world.storage.copies == [(frame, own)]
    assert world.storage.deleted[-1] == (again.name, "7")
    assert "cache" not in world.store.docs[second] and "key" not in world.store.docs[second]


@pytest.mark.parametrize(
    "change",
    [{"topic": "кофейня"}, {"language": "en"}, {"fingerprint": "gemini-3.7-flash"}],
    ids=["topic", "language", "model"],
)
def test_another_topic_language_or_model_is_analysed_anew(video, change):
    world = World(video, FakeGemini())
    _, event = world.upload()
    world.pipeline.handle(event)
    fields = dict(change)
    if "fingerprint" in fields:
        world.analyzer = FakeGemini(fingerprint=fields.pop("fingerprint"))
    analyses = world.analyzer.calls
    job_id, again = world.upload(**fields)
    assert world.pipeline.handle(again) is Outcome.SUCCESS
    assert world.analyzer.calls == analyses + 1
    assert not world.result(job_id)["meta"]["notices"]


def test_an_entry_whose_job_is_gone_is_dropped(video):
    world = World(video, FakeGemini())
    first, event = world.upload()
    world.pipeline.handle(event)
    assert len(world.cache.entries) == 1
    del world.store.docs[first]  # its TTL ran out
    job_id, again = world.upload()
    assert world.pipeline.handle(again) is Outcome.SUCCESS
    assert not world.result(job_id)["meta"]["notices"]  # analysed, not from the cache
    assert world.analyzer.calls == 2
    assert [e["job_id"] for e in world.cache.entries.values()] == [job_id]


def test_a_cache_that_fails_costs_only_the_cache(video):
    world = World(video, FakeGemini())

    def broken(_key: str) -> None:
        raise RuntimeError("firestore down")

    world.cache.get = broken  # type: ignore[method-assign]
    job_id, event = world.upload()
    assert world.pipeline.handle(event) is Outcome.SUCCESS
    assert world.store.docs[job_id]["state"] == "SUCCESS"


def test_switched_off_nothing_is_cached(video):
    world = World(video, FakeGemini(), result_cache=False)
    _, event = world.upload()
    world.pipeline.handle(event)
    assert not world.cache.entries
