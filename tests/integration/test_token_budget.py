"""The Gemini token budget on the Firestore emulator (issue 20 item 4): parallel
workers in several processes never take the day's counter past the budget, a killed
worker's reservation lapses, and a truncated answer of the Gemini stand-in is counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from shared.adapters.firestore_budget import FirestoreTokenBudget
from shared.core.quotas import service_doc_id
from shared.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CAP, ESTIMATE = 5_000, 1_000

CHILD = """
import json, sys, time, uuid
from concurrent.futures import ThreadPoolExecutor
from shared.adapters.firestore_budget import FirestoreTokenBudget
from shared.core.settings import Settings

project, collection, cap, estimate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
budget = FirestoreTokenBudget(Settings(
    _env_file=None, google_cloud_project=project, quotas_collection=collection,
    quota_service_tokens=cap,
))

def job(_):
    call = uuid.uuid4().hex
    try:
        if not budget.reserve(call, estimate, 300):
            return "refused"
    except Exception:  # contention the retries could not absorb: the job is retried
        return "error"
    time.sleep(0.05)  # the call
    budget.settle(call, estimate)  # a truncated answer: the whole estimate used
    return "called"

with ThreadPoolExecutor(4) as pool:
    print(json.dumps(list(pool.map(job, range(4)))))
"""


def settings(project: str, collection: str, cap: int = CAP) -> Settings:
    return Settings(
        _env_file=None,
        google_cloud_project=project,
        quotas_collection=collection,
        quota_service_tokens=cap,
    )


def counter(budget: FirestoreTokenBudget) -> dict[str, object]:
    from datetime import UTC, datetime

    snap = budget._ref(service_doc_id(datetime.now(UTC))).get()
    return snap.to_dict() or {}


def test_parallel_jobs_never_take_the_counter_past_the_budget(stack_env) -> None:
    collection = f"quotas-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [stack_env.project, collection, str(CAP), str(ESTIMATE)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, *args], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    answers = [a for p in procs for a in json.loads(p.communicate(timeout=240)[0])]
    assert len(answers) == 12
    called = answers.count("called")
    assert called <= CAP // ESTIMATE, answers  # never past the budget
    assert called + answers.count("error") >= CAP // ESTIMATE, answers  # nor short of it
    value = counter(FirestoreTokenBudget(settings(stack_env.project, collection)))
    assert value["tokens"] == called * ESTIMATE <= CAP
    assert value["reserved"] == {}


def test_a_killed_workers_reservation_lapses(stack_env) -> None:
    budget = FirestoreTokenBudget(settings(stack_env.project, f"quotas-{uuid.uuid4().hex[:8]}"))
    assert budget.reserve("killed", 4_000, lapse_sec=1.0)  # never settled
    assert not budget.reserve("next", 4_000, lapse_sec=60)
    time.sleep(1.5)
    assert budget.reserve("next", 4_000, lapse_sec=60)
    budget.settle("next", 3_000)
    value = counter(budget)
    assert value["tokens"] == 3_000 and value["reserved"] == {}


def test_a_truncated_answer_of_the_stand_in_is_counted(stack_env, media_dir: Path) -> None:
    from devstack import media
    from shared.adapters.probe import probe
    from shared.analyzers.gemini.engine import GeminiAnalyzer
    from shared.core.errors import PermanentError
    from tests.fakes.gemini_server import FakeGemini

    clip = media.no_audio(media_dir).path
    video = probe(clip, content_type="video/mp4", max_duration_sec=180)
    cap = 1_000_000
    budget = FirestoreTokenBudget(settings(stack_env.project, f"q-{uuid.uuid4().hex[:8]}", cap))
    with FakeGemini() as server:
        analyzer = GeminiAnalyzer(
            Settings(
                _env_file=None,
                gemini_api_key=server.api_key,
                gemini_base_url=server.base_url,
                gemini_model="gemini-3.8-flash",
                gemini_fallback_models="",
                gemini_file_source="upload",
                gemini_align_to_cuts=False,
                gemini_max_output_tokens=200,
                gemini_retries=0,
            ),
            retry_delay_sec=0.01,
            budget=budget,
        )
        with pytest.raises(PermanentError) as caught:
            analyzer.analyze(video, None, language="ru", progress=lambda _: None)
        [generate] = server.requests_to("generate")
    assert caught.value.code == "ai_truncated"
    assert generate.json["generationConfig"]["maxOutputTokens"] == 200
    value = counter(budget)
    assert 200 < int(value["tokens"]) <= cap  # the input and the 200 output tokens
    assert value["reserved"] == {}


def test_upload_url_counts_live_reservations_as_spent(stack_env) -> None:
    from datetime import UTC, datetime, timedelta

    from shared.adapters.firestore_quotas import FirestoreQuotaStore
    from shared.core import quotas

    config = settings(stack_env.project, f"quotas-{uuid.uuid4().hex[:8]}")
    budget, store = FirestoreTokenBudget(config), FirestoreQuotaStore(config)
    limits = quotas.Limits(per_user=100, per_ip=100, service_videos=100, service_tokens=CAP)

    def take() -> object:
        now = datetime.now(UTC)
        wanted = quotas.counters(uuid.uuid4().hex, "ip", limits, now)
        hold = quotas.Hold(uuid.uuid4().hex, now + timedelta(minutes=15))
        return store.take(wanted, quotas.service_doc_id(now), CAP, hold=hold, now=now)

    assert budget.reserve("running", CAP, lapse_sec=60)  # a call under way takes it all
    full = take()
    assert full is not None and full.scope is quotas.Scope.SERVICE
    budget.settle("running", CAP // 2)  # it used half
    assert take() is None
