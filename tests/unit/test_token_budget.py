"""The Gemini token budget is a cap (issue 20 item 4): every generateContent call
reserves its estimate before it is made and settles to Google's count, whatever the
answer; a call that would pass the budget is not made and the job gets the offline
result with its notice. The real analyzer against the Gemini stand-in, the budget in
memory (`tests.fakes.memory.MemoryBudget`; Firestore's: tests/integration)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from devstack import media
from shared.analyzers.gemini.engine import GeminiAnalyzer
from shared.core.errors import PermanentError, TransientError
from shared.core.messages import NOTICES, Notice
from shared.core.video import VideoInfo
from shared.orchestration.analyze import Outcome
from tests.fakes.gemini_server import (
    FakeGemini,
    answer_reply,
    blocked_reply,
    error_reply,
    text_reply,
    truncated_reply,
    usage,
)
from tests.fakes.memory import MemoryBudget
from tests.unit.test_gemini import oauth, run, settings_for
from tests.unit.test_pipeline_fallback import World

DEFAULT_TOTAL = usage()["totalTokenCount"]  # what a scripted answer bills: 1200 + 800 + 300


def gemini(server: FakeGemini, budget: MemoryBudget, **overrides: Any) -> GeminiAnalyzer:
    return GeminiAnalyzer(
        settings_for(server, **overrides), retry_delay_sec=0.01, credentials=oauth, budget=budget
    )


def assert_settled(budget: MemoryBudget, calls: int) -> None:
    """Every call reserved once and settled once; nothing is left reserved."""
    granted = [call for call, _, ok in budget.reserves if ok]
    assert len(granted) == calls
    assert sorted(call for call, _ in budget.settled) == sorted(granted)
    assert budget.reserved() == {}


def test_a_call_that_would_pass_the_budget_is_not_made(
    server: FakeGemini, video: VideoInfo
) -> None:
    budget = MemoryBudget(cap=10_000, value={"tokens": 9_000})
    with pytest.raises(PermanentError) as caught:
        run(gemini(server, budget), video)
    assert caught.value.code == "ai_budget_spent"
    assert not server.requests_to("generate")  # nothing spent
    [(_, estimate, granted)] = budget.reserves
    assert not granted and estimate > 16_384  # the input tokens + maxOutputTokens
    assert budget.tokens == 9_000 and budget.reserved() == {}
    assert server.uploaded_files()[0].deleted


def test_the_estimate_is_counted_input_plus_max_output(
    server: FakeGemini, video: VideoInfo
) -> None:
    budget = MemoryBudget(cap=1_000_000)
    result, _ = run(gemini(server, budget, gemini_max_output_tokens=4_000), video)
    counted = [r.json for r in server.requests_to("count_tokens")]
    assert counted  # countTokens of each part
    [(_, estimate, _)] = budget.reserves
    assert (
        result.meta.usage is not None and estimate == sum(result.meta.usage.parts.values()) + 4_000
    )
    assert budget.tokens == result.meta.usage.total_tokens  # settled to Google's count
    assert_settled(budget, 1)


@pytest.mark.parametrize(
    ("replies", "code", "spent"),
    [
        ((truncated_reply(),), "ai_truncated", DEFAULT_TOTAL),
        ((blocked_reply("SAFETY"),), "ai_blocked", 1200),
        ((text_reply("not json"), text_reply("{}")), "ai_bad_answer", 2 * DEFAULT_TOTAL),
    ],
    ids=["truncated", "blocked", "unusable twice"],
)
def test_answers_without_a_result_are_counted(
    server: FakeGemini, video: VideoInfo, replies: tuple[Any, ...], code: str, spent: int
) -> None:
    budget = MemoryBudget(cap=1_000_000)
    server.push("generate", *replies)
    with pytest.raises(PermanentError) as caught:
        run(gemini(server, budget), video)
    assert caught.value.code == code
    assert budget.tokens == spent
    assert_settled(budget, len(replies))


def test_each_retry_reserves_again_and_an_error_answer_costs_nothing(
    server: FakeGemini, video: VideoInfo
) -> None:
    budget = MemoryBudget(cap=1_000_000)
    server.push("generate", error_reply(429, "Resource has been exhausted"), answer_reply())
    run(gemini(server, budget), video)
    assert len(server.requests_to("generate")) == 2
    assert [used for _, used in budget.settled] == [0, DEFAULT_TOTAL]
    assert budget.tokens == DEFAULT_TOTAL
    assert_settled(budget, 2)


def test_the_retry_of_an_unusable_answer_is_refused_when_it_would_pass(
    server: FakeGemini, video: VideoInfo
) -> None:
    """The first call fits, its answer is unusable, the second would pass: not made."""
    probe = MemoryBudget(cap=1_000_000)
    run(gemini(server, probe), video)
    [(_, estimate, _)] = probe.reserves
    budget = MemoryBudget(cap=estimate + DEFAULT_TOTAL - 1)  # the 2nd would pass by 1
    server.push("generate", text_reply("not json"))
    with pytest.raises(PermanentError) as caught:
        run(gemini(server, budget), video)
    assert caught.value.code == "ai_budget_spent"
    assert len(server.requests_to("generate")) == 2  # probe's one + the first try here
    assert budget.tokens == DEFAULT_TOTAL <= budget.cap
    assert [ok for _, _, ok in budget.reserves] == [True, False]


def test_no_answer_counts_the_estimate(server: FakeGemini, video: VideoInfo) -> None:
    budget = MemoryBudget(cap=1_000_000)
    slow = answer_reply()
    slow.delay_sec = 2.0
    server.push("generate", slow)
    with pytest.raises(TransientError):
        run(gemini(server, budget, gemini_timeout_sec=1, gemini_retries=0), video)
    [(_, estimate, _)] = budget.reserves
    assert budget.settled[0][1] == estimate and budget.tokens == estimate


def test_max_output_tokens_is_sent_and_the_answer_stops_there(
    server: FakeGemini, video: VideoInfo
) -> None:
    budget = MemoryBudget(cap=1_000_000)
    with pytest.raises(PermanentError) as caught:
        run(gemini(server, budget, gemini_max_output_tokens=200), video)
    assert caught.value.code == "ai_truncated"
    body = server.requests_to("generate")[0].json
    assert body["generationConfig"]["maxOutputTokens"] == 200
    # The stand-in stopped at 200 output tokens (thinking included) and billed the
    # input and those 200: all the call's estimate, not a token more.
    assert budget.settled[0][1] == budget.reserves[0][1]
    assert budget.tokens == budget.settled[0][1]
    assert_settled(budget, 1)


@pytest.mark.parametrize("limit", [0, 65_537])
def test_the_stand_in_refuses_max_output_tokens_out_of_range(
    server: FakeGemini, limit: int
) -> None:
    client = genai.Client(
        api_key=server.api_key,
        http_options=types.HttpOptions(base_url=server.base_url, api_version="v1beta"),
    )
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(
            model="gemini-3.8-flash",
            contents="hello",
            config=types.GenerateContentConfig(max_output_tokens=limit),
        )
    assert caught.value.code == 400 and "maxOutputTokens" in (caught.value.message or "")
    assert server.rejections()


def test_a_killed_workers_reservation_lapses() -> None:
    budget = MemoryBudget(cap=10_000)
    assert budget.reserve("dead-worker", 8_000, lapse_sec=60)  # never settled
    assert not budget.reserve("next", 8_000, lapse_sec=60)  # held by the dead one
    budget.clock_offset = timedelta(seconds=61)
    assert budget.reserve("next", 8_000, lapse_sec=60)
    assert list(budget.reserved()) == ["next"]


def test_a_spent_budget_gives_the_offline_result_with_its_notice(
    server: FakeGemini, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = media.no_audio(tmp_path_factory.mktemp("budget")).path
    budget = MemoryBudget(cap=5_000)
    world = World(path, gemini(server, budget))  # type: ignore[arg-type]
    job_id, event = world.upload()
    assert world.pipeline.handle(event) is Outcome.SUCCESS
    meta = world.result(job_id)["meta"]
    assert meta["engine"] == "offline"
    notice = Notice.AI_BUDGET_SPENT
    assert meta["notices"] == [{"code": notice.value, "message": NOTICES[notice]}]
    assert not server.requests_to("generate")
    assert budget.tokens == 0 and budget.reserved() == {}


def test_a_malformed_counter_reads_as_nothing_spent() -> None:
    from datetime import UTC, datetime

    from shared.core import budget

    now = datetime.now(UTC)
    garbage = {"tokens": "lots", "reserved": {"a": "x", "b": {"tokens": 5, "until": "soon"}}}
    assert budget.committed(garbage, now) == 0
    assert budget.reserving(garbage, "c", 10, 100, now, now) == {"c": {"tokens": 10, "until": now}}
    assert budget.settling(garbage, "c", 7, now) == {"tokens": 7, "reserved": {}}
    assert budget.committed({"reserved": ["not", "a", "map"]}, now) == 0
