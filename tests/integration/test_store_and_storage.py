"""The Firestore and Cloud Storage adapters against the real emulators."""

from __future__ import annotations

import threading
import time

import requests

from shared.adapters.firestore_jobs import FirestoreJobStore
from shared.adapters.storage import GcsStorage
from shared.core import jobs
from shared.core.settings import get_settings
from tests.factories import job_doc


def new_pending(store: FirestoreJobStore) -> str:
    job_id = jobs.new_job_id()
    store.create(job_id, job_doc(object_name=f"uploads/{job_id}"))
    return job_id


def test_one_claim_wins_among_concurrent_deliveries(stack_env):
    store = FirestoreJobStore(get_settings())
    job_id = new_pending(store)
    decisions: list[jobs.ClaimDecision] = []
    contended: list[Exception] = []

    def deliver(token: str) -> None:
        try:
            decisions.append(store.claim(job_id, generation="1", token=token)[0])
        except Exception as exc:  # lock contention: the function errors, Pub/Sub redelivers
            contended.append(exc)

    threads = [threading.Thread(target=deliver, args=(f"t{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert decisions.count(jobs.ClaimDecision.RUN) == 1
    assert decisions.count(jobs.ClaimDecision.BUSY) + len(contended) == 5
    # A redelivery of every contended copy finds the job taken.
    for i in range(len(contended)):
        assert store.claim(job_id, generation="1", token=f"r{i}")[0] is jobs.ClaimDecision.BUSY
    doc = store.get(job_id)
    assert doc["state"] == "PROGRESS" and doc["attempts"] == 1


def test_dead_worker_is_taken_over_after_the_lease(stack_env):
    # A short lease, waited out for real: leases run on the database's clock.
    settings = get_settings().model_copy(update={"claim_lease_sec": 2})
    store = FirestoreJobStore(settings)
    job_id = new_pending(store)
    assert store.claim(job_id, generation="1", token="dead")[0] is jobs.ClaimDecision.RUN
    assert store.advance(job_id, "dead", "transcribing")
    assert store.claim(job_id, generation="1", token="new")[0] is jobs.ClaimDecision.BUSY
    time.sleep(settings.claim_lease_sec + 0.5)
    decision, doc = store.claim(job_id, generation="1", token="new")
    assert decision is jobs.ClaimDecision.RUN
    assert doc["attempts"] == 2 and doc["progress"] == 40  # progress never goes back
    # The old worker wakes up: it can neither move progress nor write a result.
    assert not store.advance(job_id, "dead", "writing")
    assert not store.succeed(job_id, "dead", {"x": 1})
    assert store.advance(job_id, "new", "writing")
    assert not store.advance(job_id, "new", "probing")  # monotonic
    assert store.succeed(job_id, "new", {"x": 2})
    doc = store.get(job_id)
    assert doc["state"] == "SUCCESS" and doc["result"] == {"x": 2} and doc["claim"] is None
    assert store.claim(job_id, generation="1", token="late")[0] is jobs.ClaimDecision.DONE
    assert not store.fail(job_id, None, "analysis_failed", "x")  # terminal stays terminal


def test_released_claim_is_retaken_at_once(stack_env):
    store = FirestoreJobStore(get_settings())
    job_id = new_pending(store)
    store.claim(job_id, generation="1", token="a")
    assert store.release(job_id, "a")
    assert store.claim(job_id, generation="1", token="b")[0] is jobs.ClaimDecision.RUN


def test_delete_only_removes_the_generation_it_names(stack_env, tmp_path):
    storage = GcsStorage(get_settings())
    name = f"uploads/{jobs.new_job_id()}"
    blob = storage.client.bucket(stack_env.bucket).blob(name)
    blob.upload_from_string(b"first", content_type="video/mp4")
    first = str(blob.generation)
    blob.upload_from_string(b"second", content_type="video/mp4")
    second = str(blob.generation)
    assert first != second
    assert storage.delete(name, first) is False  # a newer upload replaced it: keep it
    info = storage.info(name)
    assert info is not None and info.size == len(b"second")
    storage.download(name, second, tmp_path / "f")
    assert (tmp_path / "f").read_bytes() == b"second"
    assert storage.delete(name, second) is True
    assert storage.info(name) is None
    assert storage.delete(name, second) is False


def test_signed_url_uploads_to_the_bucket(stack_env):
    storage = GcsStorage(get_settings())
    name = f"uploads/{jobs.new_job_id()}"
    signed = storage.signed_upload(name, "video/mp4", 1000)
    answer = requests.put(signed.url, data=b"\x00" * 10, headers=signed.headers, timeout=10)
    assert answer.status_code == 200, answer.text
    info = storage.info(name)
    assert info is not None and info.size == 10 and info.content_type == "video/mp4"
    storage.delete(name)


def test_heartbeat_keeps_a_live_worker_s_claim_and_a_dead_one_is_taken_over(stack_env):
    from shared.orchestration.analyze import Claim
    from shared.orchestration.wiring import make_pipeline

    settings = get_settings().model_copy(update={"claim_lease_sec": 2})
    store = FirestoreJobStore(settings)
    job_id = new_pending(store)
    assert store.claim(job_id, generation="1", token="alive")[0] is jobs.ClaimDecision.RUN
    pipeline = make_pipeline(settings)
    with pipeline._heartbeat(Claim(store, job_id, "alive")):
        time.sleep(3.5)  # well past one lease: only the renewals keep it
        assert store.claim(job_id, generation="1", token="dup")[0] is jobs.ClaimDecision.BUSY
    time.sleep(2.5)  # the worker "died": no more beats
    assert store.claim(job_id, generation="1", token="next")[0] is jobs.ClaimDecision.RUN


def test_listing_pages_through_every_object_of_a_prefix(stack_env):
    storage = GcsStorage(get_settings())
    prefix = f"results/{jobs.new_job_id()}/"
    names = [f"{prefix}{i:03d}.jpg" for i in range(7)]
    for name in names:
        storage.put(name, b"x", "image/jpeg")
    try:
        assert [o.name for o in storage.list(prefix, page_size=3)] == names
    finally:
        for name in names:
            storage.delete(name)


def test_downloading_an_object_already_gone_is_a_permanent_object_missing(stack_env, tmp_path):
    """Before: google's NotFound, an unexpected error retried five times."""
    import pytest

    from shared.core.errors import ErrorCode, PermanentError

    storage = GcsStorage(get_settings())
    name = f"uploads/{jobs.new_job_id()}"
    storage.put(name, b"video", "video/mp4")
    generation = storage.info(name).generation
    storage.delete(name)
    with pytest.raises(PermanentError) as caught:
        storage.download(name, generation, tmp_path / "f")
    assert caught.value.code is ErrorCode.OBJECT_MISSING
