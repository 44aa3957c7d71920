"""The Gemini side of the reel's anatomy, with the real google-genai client against
the local Gemini REST server: the hook (judged by Gemini, measured by us), a closer
look at the first seconds as a second part of the same file, token counts per part,
evidence moments, and a script for the user's own topic."""

from __future__ import annotations

import json
from typing import Any

from shared.analyzers.gemini.engine import HOOK_FPS
from shared.core.errors import PermanentError
from shared.core.schema import HOOK_WINDOW_SEC
from tests.fakes.gemini_server import FakeGemini, answer_reply, sample_answer
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


def test_the_first_seconds_go_again_as_a_second_part_of_the_same_file(server, video) -> None:
    run(analyzer_for(server), video)
    whole, hook, prompt = _parts(server)

    def uri(part: dict[str, Any]) -> str:
        data = part.get("fileData") or part.get("file_data") or {}
        return str(data.get("fileUri") or data.get("file_uri"))

    assert uri(whole) == uri(hook)  # one upload, two views of it
    assert not _offset(_meta(whole), "start")
    meta = _meta(hook)
    assert _offset(meta, "start") == "0s" and _offset(meta, "end") == f"{HOOK_WINDOW_SEC:g}s"
    assert float(meta["fps"]) == HOOK_FPS
    assert "Второй видеофрагмент" in prompt["text"]


def test_token_counts_per_part_show_the_hook_is_cheap(server, video) -> None:
    result, _ = run(analyzer_for(server), video)
    usage = result.meta.usage
    assert usage is not None
    parts = usage.parts
    assert set(parts) == {"video", "hook", "prompt"}
    assert 0 < parts["hook"] < parts["video"] * 3  # 3 s at 5 fps vs 6 s at 1 fps
    assert len(server.requests_to("count_tokens")) == 3


def test_moments_are_kept_inside_the_video(server, video) -> None:
    answer = sample_answer(rows=3, duration_sec=2.0)
    answer["keys"][0]["at"] = {"start_sec": 0.2, "end_sec": 9.0}  # runs past the end
    answer["keys"][1]["at"] = {"start_sec": 50.0, "end_sec": 51.0}  # not in the video
    answer["recommendations"][0]["at"] = {"start_sec": 0.0, "end_sec": 1.0}
    server.push("generate", answer_reply(answer))
    result, _ = run(analyzer_for(server), video)
    assert result.keys[0].at is not None and result.keys[0].at.end_sec == video.duration_sec
    assert result.keys[1].at is None
    assert result.recommendations[0].at is not None


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


def test_without_a_topic_there_is_no_adapted_script(server, video) -> None:
    result, _ = run(analyzer_for(server), video)
    assert result.adapted_script is None and result.adapted_note is None
    assert "adapted_script" not in json.dumps(generate_body(server)["generationConfig"])


def test_a_malformed_hook_is_asked_for_again_then_fails(server, video) -> None:
    bad = sample_answer()
    bad["hook"]["strength"] = 11
    worse = sample_answer()
    worse["hook"]["alternatives"] = worse["hook"]["alternatives"][:2]
    server.push("generate", answer_reply(bad), answer_reply(worse))
    try:
        run(analyzer_for(server), video)
    except PermanentError as exc:
        assert exc.code == "ai_bad_answer"
    else:
        raise AssertionError("a malformed hook was accepted")
    assert len(server.requests_to("generate")) == 2
