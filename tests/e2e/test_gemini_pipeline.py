"""The whole pipeline with the Gemini analyzer: the real google-genai client, run by
the real analyze function, talking to the strict local stand-in for the Gemini REST
API (tests/fakes/gemini_server.py), with no GEMINI_MODEL set (the default model).

The stack keeps the result cache on, so each test uploads under a topic of its own
(the topic is part of the cache's key) unless it is about the cache."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from devstack import media
from devstack.stack import Ports, Stack
from shared.core.schema import AnalysisResult
from tests.e2e.helpers import (
    analyze_log_until,
    claims,
    deleted,
    put_file,
    request_upload,
    wait_for_end,
)
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
    stack.start_on_free_ports()  # another test's emulator may take a port meanwhile
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def clip(media_dir):
    return media.english_captioned(media_dir)


def upload(stack, path, topic: str | None = None, token: str | None = None) -> dict:
    """Upload (a topic of its own makes a new cache key: `fresh()`)."""
    data = path.read_bytes()
    extra = {"topic": topic} if topic else {}
    job = request_upload(stack, path.name, "video/mp4", len(data), token=token, **extra)
    job["object"] = put_file(job["upload"], data)
    return job


def fresh() -> str:
    return f"тема {secrets.token_hex(4)}"


def test_gemini_analysis_reaches_success(gemini_stack, gemini, clip):
    before = len(gemini.requests_to("generate"))
    counted_before = len(gemini.requests_to("count_tokens"))
    # A Gemini that follows the prompt: one row per measured shot, its own timings
    # a little off (they drift); alignment puts the rows on the measured cuts.
    gemini.push("generate", answer_reply(sample_answer(rows=len(clip.cuts) + 1, duration_sec=8.4)))
    job = upload(gemini_stack, clip.path)
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    result = AnalysisResult.model_validate(final["result"])
    assert result.meta.engine == "gemini"
    # No GEMINI_MODEL set: a current model, on the API version it needs, and nothing the
    # stand-in refused or called deprecated (its log).
    assert result.meta.model == result.meta.model_served == "gemini-3.8-flash"
    assert not gemini.rejections() and not gemini.deprecations()
    assert {r.api_version for r in gemini.requests if r.api_version} == {"v1beta"}
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


def test_a_blocked_answer_gives_the_offline_analysis_with_its_note(gemini_stack, gemini, clip):
    gemini.push("generate", blocked_reply("SAFETY"))
    job = upload(gemini_stack, clip.path, fresh())
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    meta = final["result"]["meta"]
    assert meta["engine"] == "offline" and meta["notices"][0]["code"] == "ai_blocked"
    assert claims(gemini_stack, job["job_id"]).count("run") == 1
    assert deleted(gemini_stack, job["object"]["name"])


def test_a_model_retired_under_us_gives_the_offline_analysis_no_retry(gemini_stack, gemini, clip):
    """Every configured model shut down while the worker runs (its start-up check said
    they were alive): each is tried once, then the offline analysis with the note; the
    operator log names the model, the API version and Google's message."""
    models = ["gemini-3.8-flash", "gemini-3.7-flash", "gemini-3.5-flash-lite"]
    gemini.retire(*models)
    try:
        before = len(gemini.requests_to("generate"))
        job = upload(gemini_stack, clip.path, fresh())
        final, _ = wait_for_end(job["status_url"])
    finally:
        gemini.retired.clear()
    assert final["state"] == "SUCCESS", final
    meta = final["result"]["meta"]
    assert meta["engine"] == "offline"
    assert meta["notices"][0]["code"] == "ai_misconfigured"
    assert "загружать заново не нужно" in meta["notices"][0]["message"]
    # Each model tried once (or, had the worker restarted, found dead by its start-up check).
    tried = [r.model for r in gemini.requests_to("generate")[before:]]
    assert sorted(set(tried)) == sorted(tried) and set(tried) <= set(models)
    assert claims(gemini_stack, job["job_id"]).count("run") == 1  # no retry loop
    lines = analyze_log_until(gemini_stack, job["job_id"], "event")
    errors = [line["message"] for line in lines if line["severity"] == "ERROR"]
    for model in models:
        assert any(model in e and "v1beta" in e and "no longer available" in e for e in errors), (
            errors
        )
    assert deleted(gemini_stack, job["object"]["name"])


def test_overloaded_gemini_is_retried_by_pubsub_then_stood_in_for(gemini_stack, gemini, clip):
    gemini.push("generate", error_reply(429), error_reply(503))
    job = upload(gemini_stack, clip.path, fresh())
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    assert final["result"]["meta"]["notices"][0]["code"] == "ai_unavailable"
    assert claims(gemini_stack, job["job_id"]).count("run") == 2  # MAX_ATTEMPTS deliveries
    assert deleted(gemini_stack, job["object"]["name"])


def test_transient_error_then_success_on_redelivery(gemini_stack, gemini, clip):
    gemini.push("generate", error_reply(500))
    job = upload(gemini_stack, clip.path, fresh())
    final, _ = wait_for_end(job["status_url"])
    assert final["state"] == "SUCCESS", final
    assert claims(gemini_stack, job["job_id"]).count("run") == 2


def test_a_duplicate_upload_takes_the_stored_result_unpaid(gemini_stack, gemini, clip, monkeypatch):
    """The same bytes, settings and topic, by another user: the stored result, with no
    download, no Gemini call (the stand-in's log) and no quota charged."""
    from shared.adapters.firestore_quotas import FirestoreQuotaStore
    from shared.core.settings import Settings

    topic = fresh()
    first = upload(gemini_stack, clip.path, topic)
    done, _ = wait_for_end(first["status_url"])
    assert done["state"] == "SUCCESS" and not done["result"]["meta"]["notices"], done
    calls = len(gemini.requests)
    signed_up = gemini_stack.auth.sign_up()
    second = upload(gemini_stack, clip.path, topic, token=signed_up["idToken"])
    started = time.monotonic()
    final, _ = wait_for_end(second["status_url"])
    took = time.monotonic() - started
    assert final["state"] == "SUCCESS", final
    result = final["result"]
    assert result["meta"]["notices"][0]["code"] == "from_cache"
    assert result["keys"] == done["result"]["keys"]
    assert len(gemini.requests) == calls  # not one request to Gemini
    stages = [
        line.get("stage") for line in analyze_log_until(gemini_stack, second["job_id"], "event")
    ]
    assert "download" not in stages and "measure" not in stages
    # Frames of its own (they go with this job), copied inside the bucket.
    assert len(final["frames"]) == len(done["frames"]) > 0
    own = {f["object"] for f in result["storyboard"]}
    assert own.isdisjoint(f["object"] for f in done["result"]["storyboard"])
    assert not any(second["job_id"] in name for name in own)  # named by its frames token
    for key, value in gemini_stack.function_env().items():
        monkeypatch.setenv(key, value)
    quotas = FirestoreQuotaStore(Settings(_env_file=None))
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    counter = quotas._ref(f"{day}:user:{signed_up['localId']}").get().to_dict()
    # Its URL held a share; the cached result never charged it and gave it back.
    assert counter.get("count", 0) == 0 and counter["held"] == {}, counter
    assert deleted(gemini_stack, second["object"]["name"])
    print(f"duplicate upload: PUT done -> SUCCESS visible in {took:.2f} s")
