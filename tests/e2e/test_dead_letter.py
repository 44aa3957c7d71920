"""A notification that keeps failing ends in the dead-letter subscription."""

from __future__ import annotations

import time

import pytest

from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.core import jobs
from shared.core.settings import get_settings
from tests.e2e.helpers import analyze_log, publish_finalize
from tests.factories import job_doc

pytestmark = pytest.mark.emulators


def test_undeliverable_notification_lands_in_dead_letters(stack_env):
    stack = stack_env
    store = FirestoreJobStore(get_settings())
    job_id = jobs.new_job_id()
    name = f"uploads/{job_id}"
    # A poison message: its job document is damaged (a bug, a bad migration), so every
    # delivery fails before any work; Pub/Sub gives up after max_delivery_attempts.
    store.create(job_id, job_doc(object_name=name, attempts="two"))
    publish_finalize(stack, {"bucket": stack.bucket, "name": name, "generation": "1", "size": "10"})

    found: list[dict] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not found:
        found = [m for m in stack.dead_letters() if m["attributes"].get("objectId") == name]
        time.sleep(1)
    assert found, "the message never reached the dead-letter subscription"
    failures = [
        line
        for line in analyze_log(stack, job_id)
        if line.get("stage") == "event" and line["severity"] == "ERROR"
    ]
    assert len(failures) == stack.max_delivery_attempts, failures  # each one logged, as JSON
    assert store.get(job_id)["state"] == "PENDING"  # nobody ran it
