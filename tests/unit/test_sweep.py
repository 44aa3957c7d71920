"""The sweep: jobs whose worker died are restarted or failed, stray uploads deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from shared.core.jobs import UPLOAD_GRACE, public_status
from shared.core.messages import error_message
from shared.core.ports import ObjectInfo
from shared.core.recovery import (
    BURST_DRAIN_LIMIT,
    OBJECT_GRACE,
    REDELIVERY_GRACE,
    RENOTIFY_EVERY,
    STRANDED_LIMIT,
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


def at(sweep: Sweeper, moment: datetime) -> Any:
    """One sweep at `moment`, the memory store's transactions on the same clock."""
    with time_machine.travel(moment, tick=False):
        return sweep.run(moment)


def test_an_upload_whose_notification_never_came_is_started_then_ended() -> None:
    """Issue 20 item 6: a dead-lettered notification left the job PENDING for ever and
    its video in the bucket (the sweep ignored PENDING jobs); then every sweep (each
    minute) notified it again, and it ended as `analysis_stalled`, which it was not."""
    sweep, store, storage, notifier = sweeper()
    stranded = add_job(store, storage, job_doc(NOW, state="PENDING"), upload=True)
    # Young: its notification may be on its way.
    assert at(sweep, NOW + OBJECT_GRACE - timedelta(seconds=1)).restarted == []
    # Older: notified again (the same message as the bucket's; the claim makes a late
    # original harmless), the video kept for the analysis, the notification recorded.
    first = NOW + OBJECT_GRACE + timedelta(seconds=1)
    report = at(sweep, first)
    assert report.restarted == [stranded] and report.deleted == []
    assert [(b, o.name, o.generation) for b, o in notifier.sent] == [
        ("b", f"uploads/{stranded}", "7")
    ]
    assert store.docs[stranded]["state"] == "PENDING"
    assert store.docs[stranded]["renotified_at"] == first
    # The sweeps of the next minutes leave it be; RENOTIFY_EVERY later, once more.
    for minute in range(1, 10):
        assert at(sweep, first + timedelta(minutes=minute)).restarted == []
    assert at(sweep, first + RENOTIFY_EVERY).restarted == [stranded]
    assert len(notifier.sent) == 2
    # Past the limit (every notification lost): the job ends, told why, and its video goes.
    report = at(sweep, NOW + STRANDED_LIMIT)
    assert report.failed == [stranded] and report.deleted == [f"uploads/{stranded}"]
    error = store.docs[stranded]["error"]
    assert store.docs[stranded]["state"] == "FAILURE"
    assert error == {"code": "upload_not_started", "message": error_message("upload_not_started")}
    assert storage.objects == {}


def test_a_stranded_upload_outlives_the_longest_burst() -> None:
    """A burst keeps an upload PENDING (its pushes refused) for up to BURST_DRAIN_LIMIT:
    the sweep must not end it before the last of the burst could start."""
    assert STRANDED_LIMIT > BURST_DRAIN_LIMIT + timedelta(minutes=10)
    assert RENOTIFY_EVERY >= timedelta(minutes=5)


class ClaimedMeanwhile(MemoryStore):
    """The sweep read the job while PENDING; a late notification's worker claimed it."""

    def get(self, job_id: str) -> dict[str, Any] | None:
        doc = super().get(job_id)
        return {**doc, "state": "PENDING", "claim": None} if doc else None


def test_a_stranded_job_a_worker_took_meanwhile_is_left_to_it() -> None:
    """Before: the sweep failed it with no token (any state but an ended one) and deleted
    the video the worker was analysing."""
    store, storage, notifier = ClaimedMeanwhile(), MemoryStorage(), RecordingNotifier()
    sweep = Sweeper(SETTINGS, store, storage, notifier)
    job_id = add_job(store, storage, running(lease_left=600), upload=True)
    report = at(sweep, NOW + STRANDED_LIMIT)
    assert report.failed == [] and report.deleted == []
    assert store.docs[job_id]["state"] == "PROGRESS" and f"uploads/{job_id}" in storage.objects


def test_a_pending_job_whose_video_never_came_ends_expired() -> None:
    """Before: it stayed PENDING in the database until its TTL (only `status` derived
    `upload_expired`); now the sweep writes it when `status` starts saying so."""
    sweep, store, storage, _ = sweeper()
    never = add_job(store, storage, job_doc(NOW, state="PENDING"), upload=False)
    uploaded = add_job(store, storage, job_doc(NOW, state="PENDING"), upload=True)
    lapsed = NOW + timedelta(minutes=15) + UPLOAD_GRACE  # the URL's expiry + the grace
    with time_machine.travel(lapsed, tick=False):
        assert sweep.run(lapsed).failed == []
        assert store.docs[never]["state"] == "PENDING"
    report = at(sweep, lapsed + timedelta(seconds=1))
    assert report.failed == [never]
    assert store.docs[never]["error"]["code"] == "upload_expired"
    assert public_status(store.docs[never], lapsed).error == store.docs[never]["error"]
    # The uploaded one is a stranded upload: notified again, ended later on its own terms.
    assert store.docs[uploaded]["state"] == "PENDING"
    assert store.docs[uploaded]["renotified_at"] == lapsed


class FlakyNotifier(RecordingNotifier):
    """Pub/Sub refuses the first publish."""

    def notify_finalize(self, bucket: str, obj: ObjectInfo) -> None:
        if not getattr(self, "refused", False):
            self.refused = True
            raise TimeoutError("publish timed out")
        super().notify_finalize(bucket, obj)


def test_an_upload_the_sweep_cannot_notify_does_not_stop_it() -> None:
    """Before: the publish error left the sweep (the other uploads, the frames, untouched)."""
    store, storage, notifier = MemoryStore(), MemoryStorage(), FlakyNotifier()
    sweep = Sweeper(SETTINGS, store, storage, notifier)
    jobs_ = [add_job(store, storage, job_doc(NOW, state="PENDING"), upload=True) for _ in "ab"]
    report = at(sweep, NOW + OBJECT_GRACE + timedelta(seconds=1))
    assert len(report.restarted) == 1 and report.restarted[0] in jobs_
    assert len(notifier.sent) == 1
