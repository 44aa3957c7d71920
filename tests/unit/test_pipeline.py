"""The analyze pipeline's decisions, with in-memory stand-ins for Firestore, Cloud
Storage and the analyzer (the real ones are exercised in tests/integration and e2e)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.core import jobs
from shared.core.errors import ErrorCode, PermanentError, TransientError
from shared.core.events import FinalizeEvent
from shared.core.measurements import Measurements
from shared.core.messages import Stage
from shared.core.schema import AnalysisResult, ScriptRow, Usage
from shared.core.settings import Settings
from shared.core.video import MeasureRequest, ProgressFn, VideoInfo
from shared.orchestration.analyze import Outcome, Pipeline
from tests.factories import job_doc
from tests.fakes.memory import MemoryStorage, MemoryStore

SETTINGS = Settings(upload_bucket="b", max_file_size_mb=1, max_attempts=3, _env_file=None)


class ScriptedAnalyzer:
    """An analyzer that raises the outcomes it is given, one per call, then succeeds."""

    engine = "offline"

    def __init__(self, *outcomes: Exception | None, needs: MeasureRequest | None = None) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.needs = needs
        self.measured: list[Measurements | None] = []
        self.topics: list[str | None] = []

    def analyze(
        self,
        video: VideoInfo,
        measurements: Measurements | None,
        *,
        language: str,
        progress: ProgressFn,
        topic: str | None = None,
    ) -> AnalysisResult:
        self.calls += 1
        self.topics.append(topic)
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
    storage.objects[f"uploads/{job_id}"] = "7"
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


@pytest.mark.parametrize("bug", [IndexError("list index out of range"), KeyError("x"), TypeError()])
def test_a_bug_fails_at_once_and_is_not_retried(video, bug, capsys):
    """Before: an IndexError in speech.py counted as transient, and the job ran five
    times (324-562 s each) before analysis_failed."""
    pipeline, store, storage, job_id, event = setup(video, ScriptedAnalyzer(bug))
    assert pipeline.handle(event) is Outcome.FAILURE
    assert store.docs[job_id]["error"]["code"] == "analysis_failed"
    assert store.docs[job_id]["attempts"] == 1
    assert storage.deleted == [(event.name, "7")]
    assert "Traceback" in capsys.readouterr().out  # the log says where


def test_busy_claim_is_acknowledged_and_ended_job_is_cleaned_up(video):
    analyzer = ScriptedAnalyzer()
    pipeline, store, storage, job_id, event = setup(video, analyzer)
    store.docs[job_id].update(
        state="PROGRESS",
        claim={"token": "other", "lease_until": datetime.now(UTC) + timedelta(minutes=5)},
    )
    # Not an error: a busy answer must not use up Pub/Sub's delivery attempts.
    assert pipeline.handle(event) is Outcome.BUSY
    assert analyzer.calls == 0 and storage.deleted == []
    store.docs[job_id].update(state="SUCCESS", claim=None)
    assert pipeline.handle(event) is Outcome.IGNORED
    assert storage.deleted == [(event.name, "7")]


def test_foreign_and_orphan_objects(video):
    pipeline, _, storage, _, _ = setup(video, ScriptedAnalyzer())
    assert pipeline.handle(FinalizeEvent("other", "uploads/x", "1", 5, None)) is Outcome.IGNORED
    assert pipeline.handle(FinalizeEvent("b", "thumbs/x.jpg", "1", 5, None)) is Outcome.IGNORED
    orphan = FinalizeEvent("b", f"uploads/{jobs.new_job_id()}", "1", 5, None)
    storage.objects[orphan.name] = "1"
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


def test_a_second_upload_to_an_ended_job_is_deleted_with_it(video):
    pipeline, store, storage, job_id, event = setup(video, ScriptedAnalyzer())
    original_delete = storage.delete

    def delete_then_reupload(name: str, generation: str | None = None) -> bool:
        # The user PUTs again while the first upload is being analysed.
        done = original_delete(name, generation)
        if generation == "7":
            storage.objects[name] = "8"
        return done

    storage.delete = delete_then_reupload  # type: ignore[method-assign]
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert storage.objects == {} and storage.deleted == [(event.name, "7"), (event.name, "8")]
    late = FinalizeEvent("b", event.name, "8", 1000, "video/mp4")  # its own notification
    assert pipeline.handle(late) is Outcome.IGNORED
    assert store.docs[job_id]["state"] == "SUCCESS"


def test_a_worker_that_lost_its_claim_still_deletes_an_ended_jobs_video(video):
    pipeline, store, storage, _, event = setup(video, ScriptedAnalyzer())
    original_succeed = store.succeed

    def taken_over(job: str, token: str, result: dict) -> bool:
        # Meanwhile another worker took over and finished the job.
        store.docs[job].update(state="SUCCESS", claim=None)
        return original_succeed(job, token, result)

    store.succeed = taken_over  # type: ignore[method-assign]
    assert pipeline.handle(event) is Outcome.IGNORED
    assert storage.objects == {}


def test_a_killed_workers_download_folder_is_removed_at_start(tmp_path: Path) -> None:
    from shared.orchestration.analyze import WORKDIR_PREFIX, remove_stale_workdirs

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"{WORKDIR_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{WORKDIR_PREFIX}{os.getpid()}-def"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "video").write_bytes(b"x" * 100)
    assert remove_stale_workdirs(tmp_path) == [stale]
    assert not stale.exists() and live.exists()


def test_a_results_tokens_are_not_counted_again_by_the_pipeline(video):
    """The analyzer counted them call by call (tests/unit/test_token_budget.py)."""
    from tests.fakes.memory import MemoryQuotas

    class Costly(ScriptedAnalyzer):
        def analyze(self, *args: Any, **kwargs: Any) -> AnalysisResult:
            result = super().analyze(*args, **kwargs)
            result.meta.usage = Usage(total_tokens=1234)
            return result

    pipeline, _, _, _, event = setup(video, Costly())
    pipeline.quotas = MemoryQuotas()
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert pipeline.quotas.tokens == {}


def test_the_users_topic_reaches_the_analyzer(video):
    analyzer = ScriptedAnalyzer()
    pipeline, store, _, job_id, event = setup(video, analyzer)
    store.docs[job_id]["topic"] = "домашняя выпечка"
    assert pipeline.handle(event) is Outcome.SUCCESS
    assert analyzer.topics == ["домашняя выпечка"]


class TwoRows(ScriptedAnalyzer):
    """A script of two rows: a storyboard of two frames."""

    def analyze(self, *args: Any, **kwargs: Any) -> AnalysisResult:
        result = super().analyze(*args, **kwargs)
        rows = [
            {"time": "0:00-0:01.5", "start_sec": 0.0, "end_sec": 1.5, "visual": "a", "text": "", "note": ""},
            {"time": "0:01.5-0:03", "start_sec": 1.5, "end_sec": 3.0, "visual": "b", "text": "", "note": ""},
        ]  # fmt: skip
        return result.model_copy(update={"script": [ScriptRow(**r) for r in rows]})


def test_the_storyboard_has_one_frame_per_row_in_the_bucket(video):
    from shared.orchestration.wiring import frames

    pipeline, store, storage, job_id, event = setup(video, TwoRows())
    pipeline.frames = frames
    assert pipeline.handle(event) is Outcome.SUCCESS
    board = store.docs[job_id]["result"]["storyboard"]
    token = store.docs[job_id]["frames_token"]  # the job's own, kept privately
    assert [f["object"] for f in board] == [f"results/{token}/000.jpg", f"results/{token}/001.jpg"]
    assert [f["time_sec"] for f in board] == [0.75, 2.25]  # the middle of each row
    data, content_type = storage.blobs[board[0]["object"]]
    assert content_type == "image/jpeg" and data[:2] == b"\xff\xd8"
    assert f"uploads/{job_id}" not in storage.objects  # the video itself is still deleted


def test_a_frame_url_names_the_frame_not_the_job(video):
    """Issue 20 item 11: a frame's URL (what an export carries) held the job id, a
    permanent capability to the whole job."""
    from shared.orchestration.status import status_body
    from shared.orchestration.wiring import frames

    pipeline, store, storage, job_id, event = setup(video, TwoRows())
    pipeline.frames = frames
    assert pipeline.handle(event) is Outcome.SUCCESS
    body = status_body(
        store.docs[job_id], datetime.now(UTC), settings=SETTINGS, storage=lambda: storage
    )
    urls = [frame["url"] for frame in body["frames"]]
    assert urls and all(job_id not in url for url in urls), urls
    assert all(job_id not in name for name in storage.objects), list(storage.objects)


def test_status_signs_the_frames_of_a_finished_job():
    from shared.orchestration.status import status_body
    from tests.fakes.memory import MemoryStorage

    result = {
        "original": {"transcription": "", "translation": None},
        "keys": [],
        "script": [],
        "recommendations": [],
        "meta": {"engine": "offline"},
        "storyboard": [{"row": 0, "time_sec": 0.5, "object": "results/j/000.jpg"}],
    }
    done = job_doc(state="SUCCESS", result=result)
    body = status_body(done, datetime.now(UTC), settings=SETTINGS, storage=MemoryStorage)
    assert body["frames"] == [
        {
            "row": 0,
            "time_sec": 0.5,
            "url": f"memory://results/j/000.jpg?ttl={SETTINGS.frame_url_ttl_sec}",
        }
    ]
    running = job_doc(state="PROGRESS")
    assert "frames" not in status_body(
        running, datetime.now(UTC), settings=SETTINGS, storage=MemoryStorage
    )


def test_the_upload_charges_the_share_its_url_held(video):
    """Issue 20, item 2: a URL holds its share; the upload's analysis charges it, once
    however many times the notification is delivered."""
    from shared.core import quotas as quotas_mod
    from tests.fakes.memory import MemoryQuotas

    pipeline, store, _, job_id, event = setup(
        video, ScriptedAnalyzer(TransientError("ai_unavailable"))
    )
    q = MemoryQuotas()
    now = datetime.now(UTC)
    docs = [f"{quotas_mod.day_of(now)}:service", f"{quotas_mod.day_of(now)}:user:u"]
    counters = [quotas_mod.Counter(quotas_mod.Scope.SERVICE, d, 5) for d in docs]
    hold = quotas_mod.Hold(job_id, now + timedelta(minutes=15))
    assert q.take(counters, docs[0], 0, hold=hold, now=now) is None
    store.docs[job_id]["quota_docs"] = docs
    pipeline.quotas = q
    with pytest.raises(TransientError):
        pipeline.handle(event)
    assert pipeline.handle(event) is Outcome.SUCCESS  # the redelivery
    assert all(q.values[d]["count"] == 1 and not q.values[d]["held"] for d in docs)
