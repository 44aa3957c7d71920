"""Leases are judged on the database's clock, not on each worker's (issue 20, item 7).

Before: a worker whose clock was 200 s ahead took over a live job (its claim answered
`run` and the live worker's work was thrown away); one 200 s behind could not take an
expired lease, and its heartbeat wrote a lease that had already run out. Here each
"worker" is this process with its wall clock moved (time-machine: `datetime.now`,
`time.time`), against the Firestore emulator; the jobs live in a collection of their
own, so the session's shared stack is left alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import grpc._channel
import pytest
import time_machine
from time_machine import escape_hatch

from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.core import jobs
from shared.core.settings import Settings, get_settings
from tests.factories import job_doc

pytestmark = pytest.mark.emulators

SKEW_SEC = 200
LEASE_SEC = 3


@contextmanager
def clock_off_by(seconds: float) -> Iterator[None]:
    """This process's wall clock `seconds` off (and ticking) inside the block.

    Only Python's clock moves; gRPC's C core keeps the real one, and would see every
    deadline computed from `time.time()` as already past. On a machine whose clock is
    really off both move together, so gRPC's deadlines stay on the real clock here."""

    def deadline(timeout: float | None) -> float | None:
        return None if timeout is None else escape_hatch.time.time() + timeout

    with (
        time_machine.travel(datetime.now(UTC) + timedelta(seconds=seconds), tick=True),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(grpc._channel, "_deadline", deadline)
        yield


def settings() -> Settings:
    return get_settings().model_copy(
        update={"claim_lease_sec": LEASE_SEC, "jobs_collection": "jobs_clock_skew"}
    )


def new_pending(store: FirestoreJobStore) -> str:
    job_id = jobs.new_job_id()
    store.create(job_id, job_doc(object_name=f"uploads/{job_id}"))
    return job_id


def test_the_store_tells_the_databases_time_whatever_the_local_clock(stack_env):
    store = FirestoreJobStore(settings())
    with clock_off_by(SKEW_SEC):
        told = store.now()
    assert abs((told - datetime.now(UTC)).total_seconds()) < SKEW_SEC / 2


@pytest.mark.parametrize("skew", [SKEW_SEC, -SKEW_SEC])
def test_a_skewed_worker_neither_steals_a_live_lease_nor_misses_an_expired_one(stack_env, skew):
    store = FirestoreJobStore(settings())
    job_id = new_pending(store)
    assert store.claim(job_id, generation="1", token="live")[0] is jobs.ClaimDecision.RUN
    with clock_off_by(skew):
        decision, _ = store.claim(job_id, generation="1", token="skewed")
    assert decision is jobs.ClaimDecision.BUSY  # +200 s: before, `run` (a live job taken)
    assert store.get(job_id)["claim"]["token"] == "live"

    time.sleep(LEASE_SEC + 0.5)  # the live worker died: its lease runs out
    with clock_off_by(skew):
        decision, doc = store.claim(job_id, generation="1", token="skewed")
    assert decision is jobs.ClaimDecision.RUN  # -200 s: before, `busy` for 200 s more
    assert doc["claim"]["token"] == "skewed" and doc["attempts"] == 2


def test_a_heartbeat_from_a_clock_behind_keeps_the_lease_alive(stack_env):
    store = FirestoreJobStore(settings())
    job_id = new_pending(store)
    assert store.claim(job_id, generation="1", token="live")[0] is jobs.ClaimDecision.RUN
    with clock_off_by(-SKEW_SEC):
        assert store.renew(job_id, "live")
    # Before: the lease was written 200 s in the past and anyone took the job at once.
    assert store.claim(job_id, generation="1", token="other")[0] is jobs.ClaimDecision.BUSY
