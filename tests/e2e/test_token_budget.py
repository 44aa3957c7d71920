"""Issue 20 item 4's reproduction on the local stack: four upload URLs issued while the
day's Gemini tokens were still 0 (so upload_url let them all through), then four
uploads. Before, every job called Gemini and the counter ended far past the budget.
Now the first call reserves its estimate, the others would pass the budget: no call is
made for them, each ends in SUCCESS with the offline analysis and the `ai_budget_spent`
notice, and the counter stays under the budget with nothing left reserved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from devstack import media
from devstack.stack import Ports, Stack
from shared.adapters.probe import probe
from shared.analyzers.gemini.engine import GeminiAnalyzer
from shared.core.quotas import service_doc_id
from shared.core.settings import Settings
from tests.e2e.helpers import deleted, put_file, request_upload, wait_for_end
from tests.fakes.gemini_server import FakeGemini, answer_reply, usage
from tests.fakes.memory import MemoryBudget

pytestmark = pytest.mark.emulators
JOBS = 4


@pytest.fixture(scope="module")
def gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@pytest.fixture(scope="module")
def clip(media_dir):
    return media.no_audio(media_dir)


@pytest.fixture(scope="module")
def estimate(gemini, clip) -> int:
    """What one call of the stack's analyzer reserves for this clip (input + max output)."""
    settings = Settings(
        _env_file=None,
        gemini_api_key=gemini.api_key,
        gemini_base_url=gemini.base_url,
        gemini_align_to_cuts=False,
        gemini_file_source="upload",
    )
    budget = MemoryBudget()
    video = probe(clip.path, content_type="video/mp4", max_duration_sec=180)
    GeminiAnalyzer(settings, budget=budget).analyze(
        video, None, language="ru", progress=lambda _: None
    )
    [(_, found, _)] = budget.reserves
    return found


@pytest.fixture(scope="module")
def budget_stack(gemini, estimate, tmp_path_factory) -> Iterator[Stack]:
    stack = Stack(
        ports=Ports.free(),
        project="reels-budget-test",
        workdir=tmp_path_factory.mktemp("budget-stack"),
        extra_env={
            "ANALYZER": "gemini",
            "GEMINI_API_KEY": gemini.api_key,
            "GEMINI_BASE_URL": gemini.base_url,
            "GEMINI_ALIGN_TO_CUTS": "false",
            "GEMINI_RETRIES": "0",
            "MAX_ATTEMPTS": "2",
            "RESULT_CACHE": "false",
            # Room for one call's estimate, not for a second once the first is spent.
            "QUOTA_SERVICE_TOKENS": str(estimate * 3 // 2),
        },
    )
    stack.start_on_free_ports()
    try:
        yield stack
    finally:
        stack.stop()


def test_four_urls_against_a_small_budget_end_cleanly(
    budget_stack, gemini, clip, estimate, monkeypatch
) -> None:
    from shared.adapters.firestore_budget import FirestoreTokenBudget

    cap = estimate * 3 // 2
    before = len(gemini.requests_to("generate"))
    # The first call spends as much as it reserved (a truncated answer would).
    gemini.push("generate", answer_reply(usage_metadata=usage(estimate - 1100, 800, 300)))
    data = clip.path.read_bytes()
    jobs = [
        request_upload(budget_stack, clip.path.name, "video/mp4", len(data)) for _ in range(JOBS)
    ]
    for job in jobs:
        job["object"] = put_file(job["upload"], data)
    finals = [wait_for_end(job["status_url"])[0] for job in jobs]
    assert [f["state"] for f in finals] == ["SUCCESS"] * JOBS, finals
    engines = sorted(f["result"]["meta"]["engine"] for f in finals)
    assert engines == ["gemini"] + ["offline"] * (JOBS - 1)
    for final in finals:
        meta = final["result"]["meta"]
        if meta["engine"] == "offline":
            assert [n["code"] for n in meta["notices"]] == ["ai_budget_spent"]
            assert "лимит" in meta["notices"][0]["message"]
    assert len(gemini.requests_to("generate")) - before == 1  # no call past the budget
    assert all(deleted(budget_stack, job["object"]["name"]) for job in jobs)
    for key, value in budget_stack.function_env().items():
        monkeypatch.setenv(key, value)
    budget = FirestoreTokenBudget(
        Settings(_env_file=None, google_cloud_project=budget_stack.project)
    )
    counter = budget._ref(service_doc_id(datetime.now(UTC))).get().to_dict() or {}
    assert counter["tokens"] == estimate <= cap
    assert counter["reserved"] == {}
