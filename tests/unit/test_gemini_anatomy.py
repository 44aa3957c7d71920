"""The Gemini side of the reel's anatomy, with the real google-genai client against
the local Gemini REST server: the hook (judged by Gemini, measured by us), a closer
look at the first seconds as a second part of the same file, token counts per part,
evidence moments, and a script for the user's own topic."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from shared.analyzers.gemini.answer import response_schema
from shared.analyzers.gemini.engine import HOOK_FPS
from shared.analyzers.gemini.prompt import HOOK_EXAMPLES, build_prompt
from shared.core.errors import PermanentError
from shared.core.schema import ALTERNATIVES_COUNT, HOOK_TYPES, HOOK_WINDOW_SEC, HookMeasured
from tests.fakes.gemini_server import (
    AUDIO_TOKENS_PER_SEC,
    FakeGemini,
    answer_reply,
    error_reply,
    frame_tokens,
    sample_answer,
)
from tests.unit.test_gemini import analyzer_for, generate_body, measured, run


def _parts(server: FakeGemini) -> list[dict[str, Any]]:
    return generate_body(server)["contents"][0]["parts"]


def _meta(part: dict[str, Any]) -> dict[str, Any]:
    return part.get("videoMetadata") or part.get("video_metadata") or {}


def _offset(meta: dict[str, Any], which: str) -> str | None:
    """google-genai writes the offsets snake_case on the wire (the API takes both)."""
    return meta.get(f"{which}Offset") or meta.get(f"{which}_offset")


def test_the_hook_is_judged_by_gemini_and_measured_by_us(server, video) -> None:
    result, _ = run(analyzer_for(server, gemini_align_to_cuts=True), video, measurements=measured())
    hook = result.hook
    assert hook is not None
    assert hook.type == "question" and hook.type_label == "Вопрос зрителю"
    assert hook.strength == 8 and len(hook.alternatives) == 3
    assert hook.measured.first_cut_sec == 0.8  # from the measured shots
    assert hook.measured.words  # the timed transcript's first words
    assert result.timeline is not None and len(result.timeline.shots) == 3


@pytest.mark.parametrize("fps", [None, 2.0])
def test_the_first_seconds_go_again_as_a_second_part_of_the_same_file(
    server, video, fps: float | None
) -> None:
    run(analyzer_for(server, gemini_fps=fps), video)
    whole, hook, prompt = _parts(server)

    def uri(part: dict[str, Any]) -> str:
        data = part.get("fileData") or part.get("file_data") or {}
        return str(data.get("fileUri") or data.get("file_uri"))

    assert uri(whole) == uri(hook)  # one upload, two views of it
    assert len(server.uploaded_files()) == 1
    # The whole video: no clip, the configured fps (none by default).
    assert not _offset(_meta(whole), "start") and not _offset(_meta(whole), "end")
    assert _meta(whole).get("fps") == fps
    meta = _meta(hook)
    # The first HOOK_WINDOW_SEC, or the whole clip when it is shorter (never past its end).
    end = min(HOOK_WINDOW_SEC, video.duration_sec)
    assert _offset(meta, "start") == "0s" and _offset(meta, "end") == f"{end:g}s"
    assert float(meta["fps"]) == HOOK_FPS
    assert "Второй видеофрагмент" in prompt["text"]


def test_token_counts_per_part_follow_the_family_and_each_part_s_resolution(server, video) -> None:
    result, _ = run(analyzer_for(server), video)
    usage = result.meta.usage
    assert usage is not None
    parts = usage.parts
    assert set(parts) == {"video", "hook", "prompt"}
    # Counted by the server from each part's clip, fps and resolution, as sent: the whole
    # video at Gemini 3's default 70 tokens a frame, the hook at HIGH (280).
    seconds = video.duration_sec
    frame = frame_tokens("gemini-3.8-flash")
    assert parts["video"] == round(seconds * (frame + AUDIO_TOKENS_PER_SEC))
    hook_sec = min(HOOK_WINDOW_SEC, seconds)
    high = frame_tokens("gemini-3.8-flash", "MEDIA_RESOLUTION_HIGH")
    assert high == 4 * frame
    assert parts["hook"] == round(hook_sec * (HOOK_FPS * high + AUDIO_TOKENS_PER_SEC))
    counted = [r.json["contents"][0]["parts"] for r in server.requests_to("count_tokens")]
    assert [len(p) for p in counted] == [1, 1, 1]  # one part a request
    assert float(_meta(counted[1][0])["fps"]) == HOOK_FPS
    assert counted[1][0]["mediaResolution"] == {"level": "MEDIA_RESOLUTION_HIGH"}
    assert not _meta(counted[0][0])


def test_on_a_reel_of_a_minute_the_hook_costs_less_than_the_video(video) -> None:
    minute = replace(video, duration_sec=60.0)
    with FakeGemini(video_sec=60.0) as server:
        result, _ = run(analyzer_for(server), minute)
    assert result.meta.usage is not None
    parts = result.meta.usage.parts
    assert parts["hook"] < parts["video"]
    # The whole video again at the hook's fps and resolution would cost 20 times more.
    high = frame_tokens("gemini-3.8-flash", "MEDIA_RESOLUTION_HIGH")
    assert parts["hook"] * 19 < 60 * (HOOK_FPS * high + AUDIO_TOKENS_PER_SEC)


def test_tokens_not_counted_do_not_fail_the_analysis(server, video) -> None:
    server.push("count_tokens", error_reply(503))
    result, _ = run(analyzer_for(server), video)
    assert result.meta.usage is not None and result.meta.usage.parts == {}
    assert result.meta.usage.total_tokens  # the answer's own usage is still there
    assert len(server.requests_to("count_tokens")) == 1  # not retried, no backoff


def test_moments_are_kept_inside_the_video(server, video) -> None:
    answer = sample_answer(rows=3, duration_sec=2.0)
    answer["keys"][0]["at"] = {"start_sec": 0.2, "end_sec": 9.0}  # runs past the end
    answer["keys"][1]["at"] = {"start_sec": 50.0, "end_sec": 51.0}  # not in the video
    answer["recommendations"][0]["at"] = {"start_sec": 0.0, "end_sec": 1.0}
    answer["recommendations"][1]["at"] = {"start_sec": 1.5, "end_sec": 0.5}  # backwards
    server.push("generate", answer_reply(answer))
    result, _ = run(analyzer_for(server), video)
    assert result.keys[0].at is not None and result.keys[0].at.end_sec == video.duration_sec
    assert result.keys[1].at is None
    assert result.recommendations[0].at is not None
    assert result.recommendations[1].at is None
    assert result.keys[2].at is not None and result.keys[2].at.end_sec == 1.2  # as given
    assert result.keys[4].at is None  # null: about the whole video


def test_with_a_topic_gemini_adapts_the_script_on_the_same_times(server, video) -> None:
    answer = sample_answer(rows=3, duration_sec=2.0)
    answer["adapted_script"] = [
        {**row, "visual": f"Ваш план {i + 1}", "start_sec": 0.0, "end_sec": 0.1}
        for i, row in enumerate(answer["script"])
    ]
    server.push("generate", answer_reply(answer))
    analyzer = analyzer_for(server, gemini_align_to_cuts=True)
    result = analyzer.analyze(
        video, measured(), language="ru", progress=lambda _: None, topic="домашняя выпечка"
    )
    assert result.adapted_script is not None and len(result.adapted_script) == 3
    assert [(r.start_sec, r.end_sec) for r in result.adapted_script] == [
        (r.start_sec, r.end_sec) for r in result.script
    ]
    assert result.adapted_script[0].visual == "Ваш план 1"
    body = generate_body(server)
    assert "домашняя выпечка" in body["contents"][0]["parts"][-1]["text"]
    schema = json.dumps(body["generationConfig"]["responseSchema"])
    assert "adapted_script" in schema


def test_an_adapted_script_with_other_rows_goes_on_the_script_s_times(server, video) -> None:
    answer = sample_answer(rows=3, duration_sec=2.0)
    answer["adapted_script"] = [
        {**row, "visual": f"Ваш план {i + 1}"} for i, row in enumerate(answer["script"][:2])
    ]
    server.push("generate", answer_reply(answer))
    analyzer = analyzer_for(server, gemini_align_to_cuts=True)
    result = analyzer.analyze(
        video, measured(), language="ru", progress=lambda _: None, topic="рецепты"
    )
    adapted = result.adapted_script
    assert adapted is not None and [r.visual for r in adapted] == ["Ваш план 1", "Ваш план 2"]
    edges = {r.start_sec for r in result.script} | {r.end_sec for r in result.script}
    assert adapted[0].start_sec == 0.0 and adapted[-1].end_sec == 2.0
    assert {r.start_sec for r in adapted} | {r.end_sec for r in adapted} <= edges


def test_without_a_topic_there_is_no_adapted_script(server, video) -> None:
    result, _ = run(analyzer_for(server), video)
    assert result.adapted_script is None and result.adapted_note is None
    assert "adapted_script" not in json.dumps(generate_body(server)["generationConfig"])


def _malformed(change: str) -> dict[str, Any]:
    answer = sample_answer()
    hook = answer["hook"]
    if change == "strength 11":
        hook["strength"] = 11
    elif change == "unknown type":
        hook["type"] = "shock_value"
    elif change == "two alternatives":
        hook["alternatives"] = hook["alternatives"][:2]
    else:
        del answer["hook"]
    return answer


MALFORMED = ["strength 11", "unknown type", "two alternatives", "no hook at all"]


@pytest.mark.parametrize("change", MALFORMED)
def test_a_malformed_hook_is_asked_for_again_then_fails(server, video, change: str) -> None:
    server.push("generate", answer_reply(_malformed(change)), answer_reply(_malformed(change)))
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_bad_answer"
    assert len(server.requests_to("generate")) == 2


@pytest.mark.parametrize("change", MALFORMED)
def test_a_malformed_hook_once_is_fixed_by_the_second_answer(server, video, change: str) -> None:
    server.push("generate", answer_reply(_malformed(change)), answer_reply(sample_answer()))
    result, _ = run(analyzer_for(server), video)
    assert result.hook is not None and result.hook.strength == 8
    assert len(server.requests_to("generate")) == 2


def test_without_measurements_the_hook_is_gemini_s_judgement_alone(server, video) -> None:
    result, _ = run(analyzer_for(server), video, measurements=None)
    assert result.hook is not None and result.hook.type == "question"
    assert result.hook.measured == HookMeasured()  # nothing Gemini could measure
    assert result.hook.window_sec == HOOK_WINDOW_SEC
    assert result.timeline is None


def test_the_prompt_explains_every_hook_type_with_an_example() -> None:
    prompt = build_prompt("ru")
    assert set(HOOK_EXAMPLES) == set(HOOK_TYPES)
    for key, label in HOOK_TYPES.items():
        assert f"{key} — {label}, например: {HOOK_EXAMPLES[key]}" in prompt
    assert f"хук первых {HOOK_WINDOW_SEC:g} с" in prompt
    assert f"ровно {ALTERNATIVES_COUNT} других первых фразы" in prompt
    assert "adapted_script" not in prompt
    assert "adapted_script" in build_prompt("ru", topic="рецепты")


def test_the_sent_schema_asks_for_the_hook_and_the_moments() -> None:
    schema = response_schema()
    assert "hook" in schema["required"] and "adapted_script" not in schema["properties"]
    hook = schema["properties"]["hook"]
    assert set(hook["required"]) == set(hook["properties"])
    assert hook["properties"]["type"]["enum"] == list(HOOK_TYPES)
    strength = hook["properties"]["strength"]
    assert (strength["minimum"], strength["maximum"]) == (1, 10)
    alternatives = hook["properties"]["alternatives"]
    assert alternatives["minItems"] == alternatives["maxItems"] == ALTERNATIVES_COUNT
    for name in ("keys", "recommendations"):  # `at` always written, null when none
        at = schema["properties"][name]["items"]["properties"]["at"]
        assert "at" in schema["properties"][name]["items"]["required"] and at["nullable"]
    adapted = response_schema("рецепты")
    assert adapted["required"][-1] == "adapted_script"
    rows = adapted["properties"]["adapted_script"]
    assert rows["minItems"] == 1 and set(rows["items"]["required"]) == set(
        rows["items"]["properties"]
    )
