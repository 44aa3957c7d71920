"""A real generated video through the real HTTP functions to SUCCESS, seen through
`status` and through a Firestore realtime listener; duplicates run one analysis."""

from __future__ import annotations

import json
import threading
import time

import pytest

from devstack import media
from shared.core.schema import AnalysisResult
from tests.e2e.helpers import (
    analyze_log_until,
    claims,
    deleted,
    publish_finalize,
    put_file,
    request_upload,
    upload_file,
    wait_for_end,
)

pytestmark = pytest.mark.emulators


def test_video_reaches_success_via_status_and_listener(stack, media_dir, monkeypatch):
    from google.cloud import firestore

    clip = media.english_captioned(media_dir)
    data = clip.path.read_bytes()
    job = request_upload(stack, "мой ролик.mp4", "video/mp4", len(data))
    assert set(job) == {"job_id", "upload", "expires_at", "status_url"}
    assert job["upload"]["method"] == "PUT"

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    db = firestore.Client(project=stack.project)
    snapshots: list[dict] = []
    ended = threading.Event()

    def on_snapshot(docs, _changes, _read_time) -> None:
        for doc in docs:
            data = doc.to_dict() or {}
            snapshots.append(data)
            if data.get("state") in ("SUCCESS", "FAILURE"):
                ended.set()

    watch = db.collection("jobs").document(job["job_id"]).on_snapshot(on_snapshot)
    try:
        obj = put_file(job["upload"], data)
        final, progress = wait_for_end(job["status_url"])
        assert ended.wait(30), "the listener never saw the job end"
    finally:
        watch.unsubscribe()

    assert final["state"] == "SUCCESS", final
    assert final["progress"] == 100
    result = AnalysisResult.model_validate(final["result"])
    assert result.meta.engine == "offline"
    assert "rice" in result.original.transcription.lower()
    assert result.meta.language == "en"
    assert 1 <= len(result.keys) <= 5 and result.script and result.recommendations
    assert progress == sorted(progress), "status progress went backwards"

    states = [s["state"] for s in snapshots]
    assert states[0] == "PENDING" and states[-1] == "SUCCESS" and "PROGRESS" in states
    listener_progress = [s["progress"] for s in snapshots]
    assert listener_progress == sorted(listener_progress)
    assert snapshots[-1]["result"] == final["result"]
    assert snapshots[-1]["expires_at"] > snapshots[-1]["updated_at"]  # TTL field
    # What the listener (a shared link) sees is public; the file name is the owner's.
    assert "filename" not in snapshots[-1] and "owner" not in snapshots[-1]
    private = db.collection("jobs_private").document(job["job_id"]).get().to_dict()
    assert private["filename"] == "мой ролик.mp4" and private["owner"]

    assert deleted(stack, obj["name"])
    assert claims(stack, job["job_id"]) == ["run"]

    # One structured log line per stage, in the shape Cloud Logging reads.
    logged = analyze_log_until(stack, job["job_id"], "event")
    lines = [line for line in logged if "job_id" in line]
    assert all(line["severity"] == "INFO" and line["job_id"] == job["job_id"] for line in lines)
    timed = {line["stage"]: line["duration_ms"] for line in lines if "duration_ms" in line}
    assert {"download", "probe", "measure", "analyze"} <= set(timed)
    assert all(ms >= 0 for ms in timed.values())
    assert [line["stage"] for line in lines if "stage" in line][-3:] == ["done", "cleanup", "event"]
    # Every line written while the job ran (the measurement step's, the heartbeat's and
    # libraries' own `logging` included) is JSON and carries the job id.
    raw = (stack.logs_dir / "fn-analyze.log").read_text(errors="replace").splitlines()
    mine = [i for i, line in enumerate(raw) if job["job_id"] in line]
    during = [json.loads(line) for line in raw[mine[0] : mine[-1] + 1] if line.strip()]
    strays = [line for line in during if line.get("job_id") != job["job_id"]]
    assert not strays, strays


def test_duplicate_notifications_run_one_analysis(stack, media_dir):
    clip = media.webm_clip(media_dir)
    job = upload_file(stack, clip.path, "video/webm")
    # A second copy while the first is running, a third after the job ended.
    publish_finalize(stack, job["object"])
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    publish_finalize(stack, job["object"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(claims(stack, job["job_id"])) < 3:
        time.sleep(0.5)
    seen = claims(stack, job["job_id"])
    assert seen.count("run") == 1, seen
    # The copy that came while the job ran was acknowledged as busy (or, if it came
    # late, as done); the copy after the end was acknowledged without work.
    assert len(seen) == 3 and set(seen[1:]) <= {"busy", "done"} and seen[-1] == "done", seen
    again, _ = wait_for_end(job["status_url"])
    assert again["result"] == final["result"] and again["state"] == final["state"]
