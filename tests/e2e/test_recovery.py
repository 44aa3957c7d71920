"""Every job ends and every video goes, also when a worker is killed mid-job.

A stack of its own with a short lease (6 s), so a dead worker's claim runs out in
seconds; the test plays Cloud Scheduler by running the sweep every few seconds.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devstack import media
from devstack.stack import Ports, Stack
from shared.core.recovery import REDELIVERY_GRACE
from tests.e2e.helpers import claims, deleted, publish_finalize, upload_file

LEASE_SEC = 6


@pytest.fixture(scope="module")
def short_lease_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(
        ports=Ports.free(),
        project=f"reels-recovery-{os.getpid()}",
        workdir=tmp_path_factory.mktemp("recovery-stack"),
        extra_env={
            "ANALYZER": "offline",
            "CLAIM_LEASE_SEC": str(LEASE_SEC),
            "RESULT_CACHE": "false",
        },
        sweep_interval_sec=0,
    )
    stack.start_on_free_ports()
    try:
        yield stack
    finally:
        stack.stop()


def status(job: dict) -> dict:
    return requests.get(job["status_url"], timeout=30).json()


def wait_until(predicate, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def test_a_worker_killed_mid_job_is_replaced_and_the_job_ends(short_lease_stack, tmp_path: Path):
    stack = short_lease_stack
    clip = media.russian_speech(tmp_path)  # long enough to be killed mid-analysis
    job = upload_file(stack, clip.path, "video/mp4")
    assert wait_until(lambda: status(job)["progress"] >= 25, 120), status(job)

    analyze = stack.function("analyze")
    os.killpg(analyze.pid, signal.SIGKILL)  # kill -9, no goodbye
    killed_at = time.monotonic()
    assert wait_until(lambda: "analyze" in stack.restarts, 30), "devstack did not restart it"

    # Cloud Scheduler: the sweep every few seconds until the job has ended.
    def ended() -> bool:
        stack.sweep()
        return status(job)["state"] in ("SUCCESS", "FAILURE")

    limit = LEASE_SEC + REDELIVERY_GRACE.total_seconds() + 120
    assert wait_until(ended, limit, every=3), status(job)
    took = time.monotonic() - killed_at
    final = status(job)
    assert final["state"] == "SUCCESS", final
    assert took < limit
    assert deleted(stack, job["object"]["name"])
    seen = claims(stack, job["job_id"])
    assert seen.count("run") == 2, seen  # the killed worker's claim, then the new one's


def test_ten_duplicate_deliveries_while_running_make_one_analysis(
    short_lease_stack, tmp_path: Path
):
    stack = short_lease_stack
    clip = media.english_captioned(tmp_path)
    job = upload_file(stack, clip.path, "video/mp4")
    assert wait_until(lambda: status(job)["state"] == "PROGRESS", 60), status(job)
    for _ in range(10):
        publish_finalize(stack, job["object"])
    assert wait_until(lambda: status(job)["state"] in ("SUCCESS", "FAILURE"), 180)
    assert status(job)["state"] == "SUCCESS"
    assert wait_until(lambda: len(claims(stack, job["job_id"])) >= 11, 60)
    seen = claims(stack, job["job_id"])
    assert seen.count("run") == 1, seen
    assert deleted(stack, job["object"]["name"])
    assert stack.dead_letters() == []  # busy answers used up no delivery attempts
