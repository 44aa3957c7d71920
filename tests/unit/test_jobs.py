from datetime import UTC, datetime, timedelta

import pytest

from shared.core import jobs
from shared.core.jobs import ClaimDecision, State
from tests.factories import job_doc

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make_doc(**over):
    return job_doc(NOW, **over)


def test_job_ids_are_unguessable_and_recognised():
    ids = {jobs.new_job_id() for _ in range(200)}
    assert len(ids) == 200
    for job_id in ids:
        assert len(job_id) == 32 and jobs.is_job_id(job_id)  # 24 random bytes = 192 bits
    assert not jobs.is_job_id("../../etc/passwd")
    assert not jobs.is_job_id("short")


def test_object_names_round_trip_and_reject_foreign_names():
    job_id = jobs.new_job_id()
    name = jobs.object_name("uploads/", job_id)
    assert jobs.job_id_from_object("uploads/", name) == job_id
    assert jobs.job_id_from_object("uploads/", "other/" + job_id) is None
    assert jobs.job_id_from_object("uploads/", "uploads/" + job_id + "/x") is None


def test_new_job_is_pending_with_ttl():
    doc = make_doc()
    assert doc["state"] == "PENDING" and doc["progress"] == 0
    assert doc["expires_at"] == NOW + timedelta(days=7)


def test_claim_decisions():
    assert jobs.decide_claim(None, NOW) is ClaimDecision.NO_JOB
    assert jobs.decide_claim(make_doc(), NOW) is ClaimDecision.RUN
    for state in ("SUCCESS", "FAILURE"):
        assert jobs.decide_claim(make_doc(state=state), NOW) is ClaimDecision.DONE
    live = make_doc(
        state="PROGRESS", claim={"token": "a", "lease_until": NOW + timedelta(seconds=1)}
    )
    assert jobs.decide_claim(live, NOW) is ClaimDecision.BUSY
    dead = make_doc(
        state="PROGRESS", claim={"token": "a", "lease_until": NOW - timedelta(seconds=1)}
    )
    assert jobs.decide_claim(dead, NOW) is ClaimDecision.RUN
    released = make_doc(state="PROGRESS", claim=None, progress=15)
    assert jobs.decide_claim(released, NOW) is ClaimDecision.RUN


def test_claim_update_counts_attempts_and_keeps_progress():
    doc = make_doc(state="PROGRESS", progress=40, attempts=2)
    update = jobs.claim_update(doc, generation="7", token="t", now=NOW, lease=timedelta(seconds=60))
    assert update["attempts"] == 3
    assert update["progress"] == 40  # a takeover never moves progress back
    assert update["claim"] == {
        "generation": "7",
        "token": "t",
        "lease_until": NOW + timedelta(seconds=60),
    }
    assert jobs.holds_claim({**doc, **update}, "t")
    assert not jobs.holds_claim({**doc, **update}, "other")


def test_progress_is_monotonic():
    doc = make_doc(progress=60)
    assert jobs.stage_update(doc, "probing", NOW) is None
    update = jobs.stage_update(doc, "writing", NOW)
    assert update is not None and update["progress"] == 90 and update["status"]
    stages = list(jobs.STAGE_PROGRESS.values())
    assert stages == sorted(stages)


def test_public_status_shapes():
    pending = jobs.public_status(make_doc(), NOW)
    assert pending.to_json() == {
        "state": "PENDING",
        "progress": 0,
        "status": "Ожидаем загрузку видео...",
    }
    done = jobs.public_status(make_doc(**jobs.success_update({"a": 1}, NOW)), NOW).to_json()
    assert done["state"] == "SUCCESS" and done["progress"] == 100 and done["result"] == {"a": 1}
    failed = jobs.public_status(
        make_doc(**jobs.failure_update("video_too_long", "Долго", NOW)), NOW
    )
    assert failed.to_json()["error"] == {"code": "video_too_long", "message": "Долго"}
    assert failed.status == "Долго"


def test_pending_job_past_its_upload_window_reads_as_expired():
    doc = make_doc()
    late = NOW + timedelta(minutes=15) + jobs.UPLOAD_GRACE + timedelta(seconds=1)
    status = jobs.public_status(doc, late).to_json()
    assert status["state"] == "FAILURE"
    assert status["error"]["code"] == "upload_expired"
    assert jobs.public_status(doc, NOW + timedelta(minutes=20)).state is State.PENDING


def test_a_pending_job_whose_video_came_reads_as_never_started_not_expired():
    """The sweep notified it again (its video is in the bucket): before, it read as
    `upload_expired` («Видео так и не было загружено»), which was not true."""
    doc = {**make_doc(), "renotified_at": NOW + timedelta(minutes=20)}
    late = NOW + timedelta(minutes=15) + jobs.UPLOAD_GRACE + timedelta(seconds=1)
    status = jobs.public_status(doc, late).to_json()
    assert status["state"] == "FAILURE"
    assert status["error"]["code"] == "upload_not_started"
    assert jobs.public_status(doc, NOW + timedelta(minutes=30)).state is State.PENDING


def test_progress_job_abandoned_for_an_hour_reads_as_failed():
    doc = make_doc(state="PROGRESS", progress=40, updated_at=NOW)
    assert jobs.public_status(doc, NOW + timedelta(minutes=30)).state is State.PROGRESS
    stale = jobs.public_status(doc, NOW + jobs.STALE_AFTER + timedelta(seconds=1)).to_json()
    assert stale["state"] == "FAILURE" and stale["error"]["code"] == "analysis_stalled"


@pytest.mark.parametrize(
    "value",
    [
        "__x__",  # Firestore reserves ids matching __.*__
        "_" * 32,
        "__" + "a" * 28 + "__",
        "." * 32,
        ".",
        "..",
        "",
        "a" * 31,
        "a" * 33,
        "a" * 32 + "\n",
        "\n" + "a" * 32,
        "a" * 31 + "=",
        "a" * 31 + "/",
        "a" * 31 + " ",
        "я" * 32,
        "ａ" * 32,  # fullwidth letters
        "٣" * 32,  # digits, but not ASCII ones
        None,
        12,
        b"a" * 32,
        ["a" * 32],
    ],
)
def test_malformed_and_reserved_ids_are_not_job_ids(value):
    assert not jobs.is_job_id(value)


@pytest.mark.parametrize(
    "value", ["A" * 32, "_" + "a" * 31, "-" * 32, "__" + "a" * 30, "a" * 30 + "__"]
)
def test_every_32_character_base64url_id_but_the_reserved_is_ours(value):
    assert jobs.is_job_id(value)


def test_new_job_id_never_returns_a_reserved_id(monkeypatch):
    drawn = iter(["__" + "a" * 28 + "__", "_" * 32, "b" * 32])
    monkeypatch.setattr(jobs.secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert jobs.new_job_id() == "b" * 32


def test_a_job_splits_into_a_public_and_a_private_document_and_back() -> None:
    """Issue 20 item 5: what a shared link reads holds nothing of its owner's."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    doc = {**job_doc(now, filename="мой.mp4"), "owner": "u1", "topic": "t", "quota_docs": ["q"]}
    public, private = jobs.split(doc)
    assert set(public) <= jobs.PUBLIC_FIELDS
    for field in ("owner", "filename", "topic", "object", "claim", "quota_docs", "frames_token"):
        assert field in private and field not in public
    assert private["state"] == public["state"] and private["expires_at"] == public["expires_at"]
    assert jobs.merge(public, private) == doc
    assert jobs.merge(None, private) is None  # the public one gone: no job
    assert jobs.public_status(public, now) == jobs.public_status(doc, now)  # enough for status
    claim = jobs.claim_update(doc, generation="1", token="t", now=now, lease=timedelta(1))
    public, private = jobs.split(claim)
    assert "claim" in private and "claim" not in public and public["state"] == "PROGRESS"


def test_every_job_gets_a_frames_token_of_its_own() -> None:
    first, second = job_doc(), job_doc()
    assert jobs.is_job_id(first["frames_token"]) and first["frames_token"] != second["frames_token"]
    prefix = jobs.frames_prefix("results/", first["frames_token"])
    assert jobs.frames_token_of(f"{prefix}000.jpg", "results/") == first["frames_token"]
