"""GeminiAnalyzer with the real google-genai client against the local fake
Gemini REST server (tests/fakes/gemini_server.py), plus its pure helpers."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from devstack.emulators import free_port
from shared.analyzers.gemini.align import align_to_shots, parse_time_range
from shared.analyzers.gemini.answer import GeminiAnswer, parse_answer, response_schema
from shared.analyzers.gemini.engine import MEASURE_FOR_ALIGNMENT, GeminiAnalyzer
from shared.core.errors import PermanentError, TransientError
from shared.core.measurements import Measurements, Segment, Shot, Transcript, Word
from shared.core.schema import AnalysisResult, ScriptRow
from shared.core.settings import Settings
from shared.core.video import VideoInfo
from tests.fakes.gemini_server import (
    FakeGemini,
    answer_reply,
    answer_text,
    blocked_reply,
    error_reply,
    prompt_blocked_reply,
    sample_answer,
    text_reply,
    truncated_reply,
    usage,
)

# ---------------------------------------------------------------- fixtures


def settings_for(server: FakeGemini, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "gemini_api_key": server.api_key,
        "gemini_base_url": server.base_url,
        "gemini_align_to_cuts": False,
        "gemini_retries": 2,
        "gemini_timeout_sec": 20,
        # explicit, so a developer's environment or .env cannot change the tests
        "gemini_model": "gemini-3.8-flash",
        "gemini_fallback_models": "",
        "gemini_api_version": "v1beta",
        "gemini_thinking_level": "low",
        "gemini_fps": None,
        "gemini_media_resolution": None,
        "gemini_hook_media_resolution": "high",
        "gemini_file_source": "upload",
        "google_genai_use_vertexai": False,
    }
    return Settings(**{**values, **overrides, "_env_file": None})


def oauth(scopes: list[str]) -> Credentials:
    """Google credentials with a fixed token naming its scopes (the stand-in reads them)."""
    return Credentials(token="fake-oauth:" + ",".join(scopes))


def analyzer_for(server: FakeGemini, **overrides: Any) -> GeminiAnalyzer:
    return GeminiAnalyzer(
        settings_for(server, **overrides), retry_delay_sec=0.01, credentials=oauth
    )


def run(
    analyzer: GeminiAnalyzer,
    video: VideoInfo,
    language: str = "ru",
    measurements: Measurements | None = None,
) -> tuple[AnalysisResult, list[str]]:
    stages: list[str] = []
    result = analyzer.analyze(video, measurements, language=language, progress=stages.append)
    return result, stages


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def generate_body(server: FakeGemini, index: int = -1) -> dict[str, Any]:
    return server.requests_to("generate")[index].json


def assert_uploaded_file_deleted(server: FakeGemini) -> None:
    files = server.uploaded_files()
    assert len(files) == 1
    assert files[0].deleted
    assert len(server.requests_to("delete_file")) == 1


# ---------------------------------------------------------------- success


def test_success_streams_the_file_and_references_it(server: FakeGemini, video: VideoInfo) -> None:
    answer = sample_answer(rows=2, duration_sec=2.0)
    server.push(
        "generate", answer_reply(answer, usage_metadata=usage(prompt=4321, output=654, thoughts=99))
    )

    result, stages = run(analyzer_for(server), video)

    assert stages == ["uploading_ai", "ai_thinking", "writing"]
    # The result is the answer, validated, with meta filled in.
    AnalysisResult.model_validate(result.model_dump(mode="json"))
    assert result.original.transcription == answer["original"]["transcription"]
    assert [k.title for k in result.keys] == [k["title"] for k in answer["keys"]]
    assert [r.visual for r in result.script] == [r["visual"] for r in answer["script"]]
    meta = result.meta
    assert meta.engine == "gemini"
    assert meta.model == meta.model_served == "gemini-3.8-flash"
    assert meta.models_tried == []
    assert meta.language == "en"
    assert meta.output_language == "ru"
    assert meta.duration_sec == 2.0
    assert meta.aligned_to_cuts is False
    assert meta.usage is not None
    assert meta.usage.prompt_tokens == 4321
    assert meta.usage.output_tokens == 654
    assert meta.usage.thinking_tokens == 99
    assert meta.usage.total_tokens == 4321 + 654 + 99
    assert "google-genai" in meta.versions

    # The upload: resumable, the whole file, byte for byte, with its MIME type.
    start = server.requests_to("upload_start")[0]
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-header-content-length"] == str(video.size)
    uploaded = server.uploaded_files()[0]
    assert uploaded.received == video.size
    assert uploaded.sha256.hexdigest() == hashlib.sha256(video.path.read_bytes()).hexdigest()
    assert uploaded.mime_type == "video/mp4"

    # generateContent referenced the uploaded file, with no inline bytes.
    body = generate_body(server)
    parts = body["contents"][0]["parts"]
    file_data = parts[0]["fileData"]
    assert (file_data.get("file_uri") or file_data.get("fileUri")).endswith(uploaded.name)
    assert not any(key in ("inlineData", "inline_data") for key, _ in walk(body))
    head = base64.b64encode(video.path.read_bytes()[1024:2048]).decode()
    assert head[8:-8] not in json.dumps(body)  # the video's bytes are not in there
    assert "ЯЗЫК ОТВЕТА: русский" in parts[-1]["text"]
    assert body["generationConfig"]["responseMimeType"] == "application/json"

    assert_uploaded_file_deleted(server)
    # Nothing the real API would refuse or call deprecated, on the version that has it.
    assert not server.rejections() and not server.deprecations()
    assert {r.api_version for r in server.requests if r.api_version} == {"v1beta"}


def test_polls_until_the_file_is_active(server: FakeGemini, video: VideoInfo) -> None:
    server.file_states = ("PROCESSING", "PROCESSING", "ACTIVE")  # polled 3 times
    result, _ = run(analyzer_for(server), video)
    assert result.keys
    gets = server.requests_to("get_file")
    assert len(gets) == 3
    # generateContent only after the file became ACTIVE
    assert server.requests.index(gets[-1]) < server.requests.index(
        server.requests_to("generate")[0]
    )


def test_output_language_reaches_the_prompt(server: FakeGemini, video: VideoInfo) -> None:
    result, _ = run(analyzer_for(server), video, language="es")
    assert result.meta.output_language == "es"
    assert "ЯЗЫК ОТВЕТА: испанский" in generate_body(server)["contents"][0]["parts"][-1]["text"]


def test_schema_sent_on_the_wire_has_no_refs_or_unions(
    server: FakeGemini, video: VideoInfo
) -> None:
    run(analyzer_for(server), video)
    schema = generate_body(server)["generationConfig"]["responseSchema"]
    keys = {key for key, _ in walk(schema)}
    assert not keys & {"$ref", "$defs", "anyOf", "oneOf", "allOf"}
    props = schema["properties"]
    assert set(props) == {"original", "language", "keys", "script", "recommendations", "hook"}
    assert str(props["keys"].get("minItems", props["keys"].get("min_items"))) == "5"
    assert str(props["keys"].get("maxItems", props["keys"].get("max_items"))) == "5"
    row = props["script"]["items"]
    assert {"time", "start_sec", "end_sec", "visual", "text", "note"} <= set(row["required"])


def test_fps_media_resolution_and_model_reach_the_request(
    server: FakeGemini, video: VideoInfo
) -> None:
    analyzer = analyzer_for(
        server, gemini_fps=2.5, gemini_media_resolution="low", gemini_model="gemini-3.7-flash"
    )
    result, _ = run(analyzer, video)
    request = server.requests_to("generate")[0]
    assert request.path == "/v1beta/models/gemini-3.7-flash:generateContent"
    whole, hook, _prompt = request.json["contents"][0]["parts"]
    assert whole["videoMetadata"] == {"fps": 2.5}
    # Gemini 3: each part its own resolution (a global one would also be the hook's,
    # and countTokens ignores it).
    assert whole["mediaResolution"] == {"level": "MEDIA_RESOLUTION_LOW"}
    assert hook["mediaResolution"] == {"level": "MEDIA_RESOLUTION_HIGH"}
    assert "mediaResolution" not in request.json["generationConfig"]
    assert result.meta.model == "gemini-3.7-flash"
    assert not server.rejections()


def test_defaults_send_the_family_options_and_nothing_deprecated(
    server: FakeGemini, video: VideoInfo
) -> None:
    run(analyzer_for(server), video)
    body = server.requests_to("generate")[0].json
    whole = body["contents"][0]["parts"][0]
    assert "videoMetadata" not in whole and "mediaResolution" not in whole  # 70 tokens a frame
    config = body["generationConfig"]
    thinking = config["thinkingConfig"]
    assert (thinking.get("thinking_level") or thinking.get("thinkingLevel")) == "LOW"
    assert not {"thinking_budget", "thinkingBudget"} & set(thinking)
    assert not {"temperature", "topP", "topK", "mediaResolution"} & set(config)
    assert not server.deprecations()


# ---------------------------------------------------------------- retries and errors


def test_429_is_retried_by_the_client(server: FakeGemini, video: VideoInfo) -> None:
    server.push("generate", error_reply(429, "Resource has been exhausted"), answer_reply())
    result, _ = run(analyzer_for(server), video)
    assert result.keys
    assert len(server.requests_to("generate")) == 2


def test_5xx_until_retries_run_out_is_transient(server: FakeGemini, video: VideoInfo) -> None:
    server.push("generate", *[error_reply(503, "overloaded")] * 3)
    with pytest.raises(TransientError) as caught:
        run(analyzer_for(server, gemini_retries=2), video)
    assert caught.value.code == "ai_unavailable"
    assert len(server.requests_to("generate")) == 3  # the first call + 2 retries
    assert_uploaded_file_deleted(server)


def test_500_on_upload_start_is_retried_then_transient(
    server: FakeGemini, video: VideoInfo
) -> None:
    server.push("upload_start", *[error_reply(500)] * 2)
    with pytest.raises(TransientError):
        run(analyzer_for(server, gemini_retries=1), video)
    assert len(server.requests_to("upload_start")) == 2
    assert not server.requests_to("generate")


def test_a_400_about_our_request_is_a_misconfiguration_not_the_video(
    server: FakeGemini, video: VideoInfo
) -> None:
    server.push("generate", error_reply(400, "Request contains an invalid argument."))
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_misconfigured"  # not "re-save your video as MP4"
    assert "gemini-3.8-flash" in caught.value.detail and "v1beta" in caught.value.detail
    assert len(server.requests_to("generate")) == 1
    assert_uploaded_file_deleted(server)


def test_a_wrong_api_key_is_not_blamed_on_the_video(server: FakeGemini, video: VideoInfo) -> None:
    with pytest.raises(PermanentError) as caught:
        run(
            analyzer_for(server, gemini_api_key="wrong", gemini_fallback_models="gemini-3.7-flash"),
            video,
        )
    assert caught.value.code == "ai_misconfigured"
    assert "API key" in caught.value.detail
    assert not server.requests_to("generate")  # no other model can help a bad key


@pytest.mark.parametrize(
    "reply", [blocked_reply("SAFETY"), blocked_reply("PROHIBITED_CONTENT"), prompt_blocked_reply()]
)
def test_blocked_answer(server: FakeGemini, video: VideoInfo, reply: Any) -> None:
    server.push("generate", reply)
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_blocked"
    assert len(server.requests_to("generate")) == 1
    assert_uploaded_file_deleted(server)


def test_truncated_answer(server: FakeGemini, video: VideoInfo) -> None:
    server.push("generate", truncated_reply())
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_truncated"
    assert len(server.requests_to("generate")) == 1


def test_invalid_json_is_asked_again_once(server: FakeGemini, video: VideoInfo) -> None:
    server.push(
        "generate",
        text_reply('{"original": {"transcription": "Hel', usage_metadata=usage(100, 10, 1)),
        answer_reply(usage_metadata=usage(100, 20, 2)),
    )
    result, stages = run(analyzer_for(server), video)
    assert len(server.requests_to("generate")) == 2
    assert result.meta.usage is not None
    assert result.meta.usage.output_tokens == 30  # both calls are counted
    assert result.meta.usage.total_tokens == 100 + 10 + 1 + 100 + 20 + 2
    assert stages[0:2] == ["uploading_ai", "ai_thinking"]


def test_invalid_json_twice_is_a_bad_answer(server: FakeGemini, video: VideoInfo) -> None:
    server.push("generate", text_reply("not json at all"), text_reply("{}"))
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_bad_answer"
    assert len(server.requests_to("generate")) == 2
    assert_uploaded_file_deleted(server)


def test_failed_file_is_rejected_without_generating(server: FakeGemini, video: VideoInfo) -> None:
    server.file_states = ("PROCESSING", "FAILED")
    with pytest.raises(PermanentError) as caught:
        run(analyzer_for(server), video)
    assert caught.value.code == "ai_rejected"
    assert not server.requests_to("generate")
    assert_uploaded_file_deleted(server)


def test_unreachable_service_is_transient(video: VideoInfo) -> None:
    settings = Settings(
        gemini_api_key="k",
        gemini_base_url=f"http://127.0.0.1:{free_port()}/",
        gemini_align_to_cuts=False,
        gemini_retries=1,
        _env_file=None,
    )
    with pytest.raises(TransientError) as caught:
        GeminiAnalyzer(settings, retry_delay_sec=0.01).analyze(
            video, None, language="ru", progress=lambda _: None
        )
    assert caught.value.code == "ai_unavailable"


def test_a_slow_answer_times_out_as_transient(server: FakeGemini, video: VideoInfo) -> None:
    slow = answer_reply()
    slow.delay_sec = 2.0
    server.push("generate", slow)
    started = time.monotonic()
    with pytest.raises(TransientError):
        run(analyzer_for(server, gemini_timeout_sec=1, gemini_retries=0), video)
    assert time.monotonic() - started < 1.9
    assert_uploaded_file_deleted(server)


def test_vertex_ai_needs_a_gcs_uri(video: VideoInfo) -> None:
    settings = Settings(
        google_genai_use_vertexai=True,
        gemini_base_url="http://127.0.0.1:9/",
        gemini_align_to_cuts=False,
        gemini_retries=0,
        _env_file=None,
    )
    with pytest.raises(PermanentError) as caught:
        GeminiAnalyzer(settings, credentials=oauth).analyze(
            video, None, language="ru", progress=lambda _: None
        )
    assert caught.value.code == "analysis_failed"


# ---------------------------------------------------------------- parsing


def test_parse_answer_keeps_at_most_five_keys_and_reads_language() -> None:
    answer = sample_answer()
    answer["keys"] = [{"title": f"k{i}", "description": "d"} for i in range(7)]
    parsed = parse_answer(answer_text(answer))
    assert [k.title for k in parsed.keys] == ["k0", "k1", "k2", "k3", "k4"]
    assert parsed.language == "en"


def test_parse_answer_accepts_a_fenced_answer() -> None:
    assert parse_answer("```json\n" + answer_text(sample_answer()) + "\n```").keys


@pytest.mark.parametrize(
    "text",
    ["", "[1, 2]", '{"original": {}}', answer_text({**sample_answer(), "script": []})],
)
def test_parse_answer_rejects_what_does_not_fit(text: str) -> None:
    with pytest.raises(PermanentError) as caught:
        parse_answer(text)
    assert caught.value.code == "ai_bad_answer"


def test_response_schema_requires_every_field() -> None:
    schema = response_schema()
    assert set(schema["required"]) == set(schema["properties"])
    # The order comes from the models themselves, at every level: a new result field
    # is sent to Gemini without being listed by hand.
    assert schema["propertyOrdering"] == list(GeminiAnswer.model_fields)
    row = schema["properties"]["script"]["items"]
    assert row["propertyOrdering"] == list(ScriptRow.model_fields)


def test_parse_time_range() -> None:
    assert parse_time_range("0:03-0:07") == (3.0, 7.0)
    assert parse_time_range("1:02 – 1:10.5") == (62.0, 70.5)
    assert parse_time_range("с начала") is None


# ---------------------------------------------------------------- alignment


def row(
    name: str, start: float | None = None, end: float | None = None, time: str = ""
) -> ScriptRow:
    return ScriptRow(time=time, start_sec=start, end_sec=end, visual=name, text="", note="")


SHOTS = [(0.0, 2.0), (2.0, 5.0), (5.0, 6.5), (6.5, 10.0)]


def spans(rows: list[ScriptRow]) -> list[tuple[float | None, float | None]]:
    return [(r.start_sec, r.end_sec) for r in rows]


def assert_covers(rows: list[ScriptRow], duration: float) -> None:
    assert rows[0].start_sec == 0.0
    assert rows[-1].end_sec == duration
    for a, b in itertools.pairwise(rows):
        assert a.end_sec == b.start_sec
        assert a.start_sec is not None and a.end_sec is not None and a.start_sec < a.end_sec


def test_align_one_to_one_takes_the_measured_times() -> None:
    rows = [row("a", 0, 1.7), row("b", 1.7, 5.5), row("c", 5.5, 7), row("d", 7, 9.8)]
    aligned = align_to_shots(rows, SHOTS)
    assert aligned.method == "one_to_one"
    assert spans(aligned.rows) == SHOTS
    assert [r.time for r in aligned.rows] == [
        "0:00-0:02",
        "0:02-0:05",
        "0:05-0:06.5",
        "0:06.5-0:10",
    ]
    assert [r.visual for r in aligned.rows] == ["a", "b", "c", "d"]


def test_align_fewer_rows_spans_merged_shots() -> None:
    # The AI described shots 2 and 3 (2.0-6.5) as one row.
    rows = [row("a", 0, 2.2), row("bc", 2.2, 6.4), row("d", 6.4, 10)]
    aligned = align_to_shots(rows, SHOTS)
    assert aligned.method == "by_overlap"
    assert (aligned.ai_rows, aligned.shots) == (3, 4)
    assert [r.visual for r in aligned.rows] == ["a", "bc", "d"]
    assert spans(aligned.rows) == [(0.0, 2.0), (2.0, 6.5), (6.5, 10.0)]


def test_align_uncovered_shot_joins_the_neighbour_that_overlaps_it() -> None:
    # Shot 3 (5.0-6.5) mostly overlaps row "d"'s own span, so "d" takes it.
    rows = [row("a", 0, 2), row("b", 2, 5.2), row("d", 5.2, 10)]
    aligned = align_to_shots(rows, SHOTS)
    assert spans(aligned.rows) == [(0.0, 2.0), (2.0, 5.0), (5.0, 10.0)]


def test_align_more_rows_keeps_beats_inside_a_shot() -> None:
    # The AI split the long last shot (6.5-10) into two beats at 8.0.
    rows = [
        row("a", 0, 2),
        row("b", 2, 5),
        row("c", 5, 6.5),
        row("d1", 6.5, 8.0),
        row("d2", 8.0, 10),
    ]
    aligned = align_to_shots(rows, SHOTS)
    assert [r.visual for r in aligned.rows] == ["a", "b", "c", "d1", "d2"]
    assert spans(aligned.rows) == [(0.0, 2.0), (2.0, 5.0), (5.0, 6.5), (6.5, 8.0), (8.0, 10.0)]


def test_align_rows_without_seconds_use_time_then_position() -> None:
    by_time = [row("a", time="0:00-0:05"), row("b", time="0:05-0:10")]
    assert spans(align_to_shots(by_time, SHOTS).rows) == [(0.0, 5.0), (5.0, 10.0)]
    by_position = [row("a"), row("b")]
    assert spans(align_to_shots(by_position, SHOTS).rows) == [(0.0, 5.0), (5.0, 10.0)]


def test_align_rows_out_of_order_or_out_of_range_stay_in_order_and_cover_the_video() -> None:
    rows = [row("a", 0, 3), row("b", 40, 50), row("c", 1, 2), row("d", 6.6, 9)]
    aligned = align_to_shots(rows, SHOTS)
    assert [r.visual for r in aligned.rows] == ["a", "b", "c", "d"]
    assert_covers(aligned.rows, 10.0)


def test_align_always_covers_every_shot_once() -> None:
    cases = [
        [row("only", 0, 10)],
        [row(str(i), i * 0.5, i * 0.5 + 0.5) for i in range(20)],
        [row("a", 0, 1), row("b", 9, 10)],
        [row("a", 3, 4), row("b", 3.5, 4.5), row("c", 3.7, 3.9)],
    ]
    for rows in cases:
        aligned = align_to_shots(rows, SHOTS)
        assert [r.visual for r in aligned.rows] == [r.visual for r in rows]
        assert_covers(aligned.rows, 10.0)


# ---------------------------------------------------------------- the pre-pass


def measured(duration: float = 2.0) -> Measurements:
    shots = [
        Shot(index=0, start=0.0, end=0.8, keyframe_time=0.4),
        Shot(index=1, start=0.8, end=1.4, keyframe_time=1.1),
        Shot(index=2, start=1.4, end=duration, keyframe_time=1.7),
    ]
    transcript = Transcript(
        language="en",
        language_probability=0.97,
        text="Hello and welcome.",
        segments=[
            Segment(
                0.1,
                1.2,
                "Hello and welcome.",
                [Word(0.1, 0.4, "Hello"), Word(0.45, 0.6, "and"), Word(0.65, 1.2, "welcome.")],
            )
        ],
    )
    return Measurements(
        duration_sec=duration,
        width=72,
        height=128,
        fps=5.0,
        video_codec="h264",
        audio_codec="aac",
        has_audio=True,
        shots=shots,
        transcript=transcript,
        speech_start_sec=0.1,
        speech_share=0.55,
    )


def test_analyze_aligns_the_script_to_measured_shots(server: FakeGemini, video: VideoInfo) -> None:
    answer = sample_answer(rows=2, duration_sec=2.0)  # two rows for three shots
    answer["language"] = ""
    server.push("generate", answer_reply(answer))
    analyzer = analyzer_for(server, gemini_align_to_cuts=True)
    assert analyzer.needs == MEASURE_FOR_ALIGNMENT  # shots and speech, no OCR, optional
    assert analyzer.needs is not None and not analyzer.needs.ocr and not analyzer.needs.required
    result, stages = run(analyzer, video, measurements=measured())

    assert stages == ["uploading_ai", "ai_thinking", "writing"]
    prompt = generate_body(server)["contents"][0]["parts"][-1]["text"]
    assert "В видео 3 плана:" in prompt
    assert "2. 0.80–1.40 с" in prompt
    assert "[0.10–1.20] Hello and welcome." in prompt

    meta = result.meta
    assert meta.aligned_to_cuts is True
    assert meta.measurements is not None
    assert meta.measurements["alignment"] == {
        "method": "by_overlap",
        "ai_rows": 2,
        "shots": 3,
        "rows": 2,
    }
    assert meta.measurements["shots"] == 3
    assert meta.language == "en"  # Gemini said "", the measured transcript says "en"
    assert_covers(result.script, 2.0)
    assert {r.start_sec for r in result.script} <= {0.0, 0.8, 1.4}


def test_analyze_one_row_per_shot(server: FakeGemini, video: VideoInfo) -> None:
    server.push("generate", answer_reply(sample_answer(rows=3, duration_sec=2.0)))
    analyzer = analyzer_for(server, gemini_align_to_cuts=True)
    result, _ = run(analyzer, video, measurements=measured())
    assert spans(result.script) == [(0.0, 0.8), (0.8, 1.4), (1.4, 2.0)]
    assert result.meta.measurements is not None
    assert result.meta.measurements["alignment"]["method"] == "one_to_one"


def test_analyze_without_measurements(server: FakeGemini, video: VideoInfo) -> None:
    analyzer = analyzer_for(server, gemini_align_to_cuts=True)
    result, _ = run(analyzer, video, measurements=None)  # measuring failed, or was off
    assert result.meta.aligned_to_cuts is False
    assert result.meta.measurements is None
    assert "ИЗМЕРЕННЫЕ ПЛАНЫ" not in generate_body(server)["contents"][0]["parts"][-1]["text"]


def test_without_alignment_nothing_is_measured(server: FakeGemini) -> None:
    assert analyzer_for(server, gemini_align_to_cuts=False).needs is None


def test_a_failed_delete_does_not_fail_the_analysis(server: FakeGemini, video: VideoInfo) -> None:
    server.push("delete_file", error_reply(500))
    result, _ = run(analyzer_for(server), video)
    assert result.keys
    assert len(server.requests_to("delete_file")) == 1  # best effort: tried once, not retried
