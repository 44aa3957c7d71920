"""The whole pipeline with the Gemini analyzer: the real google-genai client, run by
the real analyze function, talking to a local server that speaks the Gemini REST
protocol (tests/fakes/gemini_server.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from devstack import media
from devstack.stack import Ports, Stack
from shared.core.schema import AnalysisResult
from tests.e2e.helpers import claims, deleted, upload_file, wait_for_end
from tests.fakes.gemini_server import (
    FakeGemini,
    answer_reply,
    blocked_reply,
    error_reply,
    sample_answer,
)

pytestmark = pytest.mark.emulators


@pytest.fixture(scope="module")
def gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@pytest.fixture(scope="module")
def gemini_stack(gemini, tmp_path_factory) -> Iterator[Stack]:
    stack = Stack(
        ports=Ports.free(),
        project="reels-gemini-test",
        workdir=tmp_path_factory.mktemp("gemini-stack"),
        extra_env={
            "ANALYZER": "gemini",
            "GEMINI_API_KEY": gemini.api_key,
            "GEMINI_BASE_URL": gemini.base_url,
            "GEMINI_RETRIES": "0",  # each delivery makes one call: Pub/Sub does the retrying
            "MAX_ATTEMPTS": "2",
        },
    )
    with stack:
        yield stack


@pytest.fixture(scope="module")
def clip(media_dir):
    return media.english_captioned(media_dir)


def test_gemini_analysis_reaches_success(gemini_stack, gemini, clip):
    before = len(gemini.requests_to("generate"))
    counted_before = len(gemini.requests_to("count_tokens"))
    # A Gemini that follows the prompt: one row per measured shot, its own timings
    # a little off (they drift); alignment puts the rows on the measured cuts.
    gemini.push("generate", answer_reply(sample_answer(rows=len(clip.cuts) + 1, duration_sec=8.4)))
    job = upload_file(gemini_stack, clip.path, "video/mp4")
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    result = AnalysisResult.model_validate(final["result"])
    assert result.meta.engine == "gemini"
    assert result.meta.usage is not None and result.meta.usage.total_tokens
    # The script was aligned to the cuts measured offline: 4 shots with known cuts.
    assert result.meta.aligned_to_cuts
    assert len(result.script) == len(clip.cuts) + 1
    starts = [row.start_sec for row in result.script]
    for cut in clip.cuts:
        assert any(abs(start - cut) < 0.15 for start in starts), (cut, starts)
    # The video went by reference (Files API), whole, not inline.
    generate = gemini.requests_to("generate")[before:]
    assert len(generate) == 1
    sent = json.dumps(generate[0].json)
    assert "inlineData" not in sent and "inline_data" not in sent
    assert "fileData" in sent or "file_data" in sent
    assert any(f.received == clip.path.stat().st_size for f in gemini.uploaded_files())
    assert deleted(gemini_stack, job["object"]["name"])
    # The anatomy: Gemini's judgement of the hook, our measurements of it, the
    # closer look at the first seconds priced part by part, the storyboard.
    assert result.hook is not None and result.hook.type == "question"
    assert result.hook.measured.first_cut_sec == pytest.approx(clip.cuts[0], abs=0.15)
    assert result.timeline is not None and len(result.timeline.shots) == len(clip.cuts) + 1
    assert result.hook.type_label == "Вопрос зрителю" and len(result.hook.alternatives) == 3
    assert result.hook.measured.first_word_sec == pytest.approx(0.5, abs=0.35)
    video_part, hook_part = [p for p in generate[0].json["contents"][0]["parts"] if "text" not in p]
    clip_meta = hook_part.get("videoMetadata") or hook_part.get("video_metadata")
    assert clip_meta and float(clip_meta["fps"]) > 1  # a closer look at the first seconds
    whole_meta = video_part.get("videoMetadata") or video_part.get("video_metadata") or {}
    assert not any("offset" in key.lower() for key in whole_meta)  # the whole video
    parts = result.meta.usage.parts  # Usage.parts: input tokens per part (countTokens)
    assert set(parts) == {"video", "hook", "prompt"} and parts["hook"] > 0
    assert len(gemini.requests_to("count_tokens")) - counted_before == 3
    assert len(result.storyboard) == len(result.script)
    assert len(final["frames"]) == len(result.script)


def test_gemini_blocked_answer_fails_clearly(gemini_stack, gemini, clip):
    gemini.push("generate", blocked_reply("SAFETY"))
    job = upload_file(gemini_stack, clip.path, "video/mp4")
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "FAILURE"
    assert final["error"]["code"] == "ai_blocked"
    assert deleted(gemini_stack, job["object"]["name"])


def test_overloaded_gemini_is_retried_by_pubsub_then_fails(gemini_stack, gemini, clip):
    gemini.push("generate", error_reply(429), error_reply(503))
    job = upload_file(gemini_stack, clip.path, "video/mp4")
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "FAILURE", final
    assert final["error"]["code"] == "ai_unavailable"
    assert claims(gemini_stack, job["job_id"]).count("run") == 2  # MAX_ATTEMPTS deliveries
    assert deleted(gemini_stack, job["object"]["name"])


def test_transient_error_then_success_on_redelivery(gemini_stack, gemini, clip):
    gemini.push("generate", error_reply(500))
    job = upload_file(gemini_stack, clip.path, "video/mp4")
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    assert claims(gemini_stack, job["job_id"]).count("run") == 2
