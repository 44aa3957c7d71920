"""The sweep: jobs whose worker died are restarted or failed, stray uploads deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.core.ports import ObjectInfo
from shared.core.recovery import (
    OBJECT_GRACE,
    REDELIVERY_GRACE,
    SweepAction,
    decide,
    object_is_stray,
)
from shared.core.settings import Settings
from shared.orchestration.sweep import Sweeper
from tests.factories import job_doc
from tests.fakes.memory import MemoryStorage, MemoryStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SETTINGS = Settings(upload_bucket="b", max_attempts=3, _env_file=None)


def running(
    *, lease_left: float | None, attempts: int = 1, quiet_for: float = 0.0
) -> dict[str, Any]:
    claim = None
    if lease_left is not None:
        claim = {
            "token": "t",
            "generation": "7",
            "lease_until": NOW + timedelta(seconds=lease_left),
        }
    return job_doc(
        state="PROGRESS",
        claim=claim,
        attempts=attempts,
        updated_at=NOW - timedelta(seconds=quiet_for),
    )


@pytest.mark.parametrize(
    ("doc", "action"),
    [
        (running(lease_left=30), SweepAction.NONE),  # a live worker
        (running(lease_left=-5), SweepAction.NONE),  # Pub/Sub's redelivery may still come
        (running(lease_left=-REDELIVERY_GRACE.total_seconds() - 1), SweepAction.RESTART),
        (running(lease_left=-600, attempts=3), SweepAction.FAIL),  # attempts used up
        (running(lease_left=None, quiet_for=5), SweepAction.NONE),  # released just now
        (running(lease_left=None, quiet_for=120), SweepAction.RESTART),  # retry never came
        (job_doc(state="PENDING"), SweepAction.NONE),
        (job_doc(state="SUCCESS"), SweepAction.NONE),
    ],
)
def test_decide(doc: dict[str, Any], action: SweepAction) -> None:
    assert decide(doc, NOW, max_attempts=3) is action


def test_stray_objects() -> None:
    old = OBJECT_GRACE + timedelta(seconds=1)
    assert object_is_stray(None, old)
    assert object_is_stray(job_doc(state="FAILURE"), old)
    assert not object_is_stray(job_doc(state="PROGRESS"), old)
    assert not object_is_stray(job_doc(state="PENDING"), old)
    assert not object_is_stray(None, timedelta(seconds=5))  # its notification may be coming


@dataclass
class RecordingNotifier:
    sent: list[tuple[str, ObjectInfo]] = field(default_factory=list)

    def notify_finalize(self, bucket: str, obj: ObjectInfo) -> None:
        self.sent.append((bucket, obj))


def sweeper() -> tuple[Sweeper, MemoryStore, MemoryStorage, RecordingNotifier]:
    store, storage, notifier = MemoryStore(), MemoryStorage(), RecordingNotifier()
    return Sweeper(SETTINGS, store, storage, notifier), store, storage, notifier


def add_job(store: MemoryStore, storage: MemoryStorage, doc: dict[str, Any], upload: bool) -> str:
    from shared.core import jobs

    job_id = jobs.new_job_id()
    name = f"uploads/{job_id}"
    store.docs[job_id] = {**doc, "object": name}
    if upload:
        storage.objects[name] = "7"
        storage.uploaded[name] = NOW
    return job_id


def test_a_dead_workers_job_is_notified_again() -> None:
    sweep, store, storage, notifier = sweeper()
    job_id = add_job(store, storage, running(lease_left=-120), upload=True)
    live = add_job(store, storage, running(lease_left=60), upload=True)
    report = sweep.run(NOW)
    assert report.restarted == [job_id]
    assert [(b, o.name, o.generation) for b, o in notifier.sent] == [
        ("b", f"uploads/{job_id}", "7")
    ]
    assert store.docs[live]["state"] == "PROGRESS" and f"uploads/{live}" in storage.objects


def test_a_job_out_of_attempts_fails_and_its_video_goes() -> None:
    sweep, store, storage, notifier = sweeper()
    job_id = add_job(store, storage, running(lease_left=-600, attempts=3), upload=True)
    report = sweep.run(NOW)
    assert report.failed == [job_id] and notifier.sent == []
    assert store.docs[job_id]["state"] == "FAILURE"
    assert store.docs[job_id]["error"]["code"] == "analysis_stalled"
    assert storage.objects == {}


def test_a_dead_workers_job_whose_video_is_gone_fails() -> None:
    sweep, store, storage, _ = sweeper()
    job_id = add_job(store, storage, running(lease_left=-120), upload=False)
    sweep.run(NOW)
    assert store.docs[job_id]["error"]["code"] == "object_missing"


def test_uploads_no_live_job_owns_are_deleted() -> None:
    sweep, store, storage, _ = sweeper()
    ended = add_job(store, storage, job_doc(state="SUCCESS"), upload=True)
    pending = add_job(store, storage, job_doc(state="PENDING"), upload=True)
    storage.objects["uploads/" + "x" * 32] = "3"  # no job at all
    storage.uploaded["uploads/" + "x" * 32] = NOW
    later = NOW + OBJECT_GRACE + timedelta(minutes=1)
    report = sweep.run(later)
    assert sorted(report.deleted) == sorted([f"uploads/{ended}", "uploads/" + "x" * 32])
    assert list(storage.objects) == [f"uploads/{pending}"]


def test_one_damaged_document_does_not_stop_the_sweep() -> None:
    sweep, store, storage, _ = sweeper()
    add_job(store, storage, {**running(lease_left=-120), "attempts": "two"}, upload=True)
    good = add_job(store, storage, running(lease_left=-120), upload=True)
    report = sweep.run(NOW)
    assert report.restarted == [good]


def test_frames_of_expired_or_missing_jobs_are_deleted() -> None:
    """Frames are named by their job's frames token (issue 20 item 11), not its id: the
    sweep finds the job by the token; one made before tokens, by its id."""
    sweep, store, storage, _ = sweeper()
    later = NOW + timedelta(days=1)
    live = add_job(store, storage, job_doc(state="SUCCESS", expires_at=later), upload=False)
    expired = add_job(
        store,
        storage,
        job_doc(state="SUCCESS", expires_at=NOW - timedelta(seconds=1)),
        upload=False,
    )
    deleted = add_job(store, storage, job_doc(state="SUCCESS", expires_at=later), upload=False)
    tokens = {job_id: store.docs[job_id]["frames_token"] for job_id in (live, expired, deleted)}
    del store.docs[deleted]  # its frames stay behind
    legacy_doc = job_doc(state="SUCCESS", expires_at=later, frames_token=None)
    legacy = add_job(store, storage, legacy_doc, upload=False)
    gone = "g" * 32
    for name in [*tokens.values(), legacy, gone]:
        storage.objects[f"results/{name}/000.jpg"] = "1"
    report = sweep.run(NOW)
    doomed = [tokens[expired], tokens[deleted], gone]
    assert sorted(report.deleted) == sorted(f"results/{t}/000.jpg" for t in doomed)
    assert sorted(storage.objects) == sorted(f"results/{t}/000.jpg" for t in [tokens[live], legacy])


def test_the_sweep_reads_every_page_of_a_prefix() -> None:
    """Before: only the first SWEEP_BATCH objects; a stray frame behind 201 live ones
    survived."""
    sweep, store, storage, _ = sweeper()
    live = add_job(
        store, storage, job_doc(state="SUCCESS", expires_at=NOW + timedelta(days=1)), upload=False
    )
    for i in range(201):
        storage.objects[f"results/{store.docs[live]['frames_token']}/{i:03d}.jpg"] = "1"
    stray = f"results/{'z' * 32}/000.jpg"  # sorts after every live frame
    storage.objects[stray] = "1"
    report = sweep.run(NOW)
    assert report.deleted == [stray]
    assert storage.pages_listed == 2  # 202 frames, SWEEP_BATCH (200) at a time


def test_an_upload_whose_notification_never_came_is_started_then_ended() -> None:
    """Issue 20 item 6: a dead-lettered notification left the job PENDING for ever and
    its video in the bucket (the sweep ignored PENDING jobs)."""
    from shared.core.recovery import STRANDED_LIMIT

    sweep, store, storage, notifier = sweeper()
    stranded = add_job(store, storage, job_doc(state="PENDING"), upload=True)
    waiting = add_job(store, storage, job_doc(state="PENDING"), upload=False)  # no upload yet
    # Young: its notification may be on its way.
    assert sweep.run(NOW + OBJECT_GRACE - timedelta(seconds=1)).restarted == []
    # Older: notified again (the same message as the bucket's; the claim makes a late
    # original harmless), the video kept for the analysis.
    report = sweep.run(NOW + OBJECT_GRACE + timedelta(seconds=1))
    assert report.restarted == [stranded] and report.deleted == []
    assert [(b, o.name, o.generation) for b, o in notifier.sent] == [
        ("b", f"uploads/{stranded}", "7")
    ]
    assert store.docs[stranded]["state"] == "PENDING"
    # Past the limit (every notification lost): the job ends and its video goes.
    report = sweep.run(NOW + STRANDED_LIMIT)
    assert report.failed == [stranded] and report.deleted == [f"uploads/{stranded}"]
    assert store.docs[stranded]["state"] == "FAILURE"
    assert store.docs[stranded]["error"]["code"] == "analysis_stalled"
    assert storage.objects == {} and store.docs[waiting]["state"] == "PENDING"
