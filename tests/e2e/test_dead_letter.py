"""A notification that keeps failing ends in the dead-letter subscription."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.core import jobs
from shared.core.settings import get_settings
from tests.e2e.helpers import claims, publish_finalize
from tests.factories import job_doc

pytestmark = pytest.mark.emulators


def test_undeliverable_notification_lands_in_dead_letters(stack_env):
    stack = stack_env
    store = FirestoreJobStore(get_settings())
    job_id = jobs.new_job_id()
    name = f"uploads/{job_id}"
    # A job held by a worker whose lease outlives every redelivery: each delivery
    # is answered "busy", so Pub/Sub gives up after max_delivery_attempts.
    held = {
        "generation": "1",
        "token": "elsewhere",
        "lease_until": datetime.now(UTC) + timedelta(hours=1),
    }
    store.create(job_id, job_doc(object_name=name, state="PROGRESS", claim=held))
    publish_finalize(stack, {"bucket": stack.bucket, "name": name, "generation": "1", "size": "10"})

    found: list[dict] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not found:
        found = [m for m in stack.dead_letters() if m["attributes"].get("objectId") == name]
        time.sleep(1)
    assert found, "the message never reached the dead-letter subscription"
    assert claims(stack, job_id) == ["busy"] * stack.max_delivery_attempts
    assert store.get(job_id)["claim"]["token"] == "elsewhere"  # nobody ran it
