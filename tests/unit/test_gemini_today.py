"""Gemini as it is today (December 2026), against the strict stand-in: one test per
class of change the API went through (issue 17). Each of these failed against the
engine as it was before (it sent `gemini-2.5-flash` to `v1` with v1beta fields, took a
retired model's 404 for an outage, ignored who served the answer, counted tokens at a
resolution the request did not bill, re-uploaded the video, ...)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from shared.analyzers.gemini.engine import GeminiAnalyzer
from shared.core.errors import PermanentError, TransientError
from shared.core.settings import Settings
from shared.core.video import VideoInfo
from tests.fakes.gemini_server import (
    STORAGE_SCOPES,
    FakeGemini,
    answer_reply,
    gemini3_reply,
    malformed_reply,
    quota_reply,
    sample_answer,
)
from tests.unit.test_gemini import analyzer_for, generate_body, oauth, run, settings_for


def logged(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = []
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def raw_client(server: FakeGemini, version: str = "v1beta") -> genai.Client:
    """A bare SDK client on the stand-in (no retries): to probe what it refuses."""
    return genai.Client(
        api_key=server.api_key,
        http_options=types.HttpOptions(
            base_url=server.base_url,
            api_version=version,
            retry_options=types.HttpRetryOptions(attempts=1),
        ),
    )


# ---------------------------------------------------------------- the models


def test_the_default_model_is_a_current_one_the_stand_in_serves_as_stable(video) -> None:
    with FakeGemini() as server:
        default = Settings(_env_file=None)
        settings = settings_for(
            server,
            gemini_model=default.gemini_model,
            gemini_fallback_models=default.gemini_fallback_models,
            gemini_thinking_level=default.gemini_thinking_level,
            gemini_hook_media_resolution=default.gemini_hook_media_resolution,
            gemini_api_version=default.gemini_api_version,
        )
        analyzer = GeminiAnalyzer(settings, retry_delay_sec=0.01, credentials=oauth)
        result, _ = run(analyzer, video)
    assert result.meta.model_served == default.gemini_model == "gemini-3.8-flash"
    assert not server.rejections() and not server.deprecations()


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("gemini-2.5-flash", "no longer available to new users"),  # retired; a new key
        ("gemini-2.0-flash", "shut down"),  # gone for everyone
        ("gemini-9-ultra", "is not found for API version v1beta"),  # no such model
    ],
)
def test_a_dead_model_is_skipped_for_the_next_one_and_the_log_names_why(
    server: FakeGemini, video: VideoInfo, capsys, model: str, message: str
) -> None:
    analyzer = analyzer_for(server, gemini_model=model, gemini_fallback_models="gemini-3.7-flash")
    result, _ = run(analyzer, video)
    assert result.meta.model == "gemini-3.7-flash"
    assert result.meta.models_tried == [model]
    assert [r.model for r in server.requests_to("generate")] == ["gemini-3.7-flash"]
    errors_logged = [line for line in logged(capsys) if line["severity"] == "ERROR"]
    assert any(model in line["message"] and message in line["message"] for line in errors_logged)
    assert not any("credentials" in line["message"] for line in errors_logged)


def test_when_no_model_is_left_it_is_a_misconfiguration_with_no_retry(
    server: FakeGemini, video: VideoInfo
) -> None:
    analyzer = analyzer_for(
        server, gemini_model="gemini-2.5-flash", gemini_fallback_models="gemini-2.0-flash"
    )
    with pytest.raises(PermanentError) as caught:  # permanent: no redelivery, no loop
        run(analyzer, video)
    assert caught.value.code == "ai_misconfigured"
    assert not server.requests_to("generate") and not server.uploaded_files()


def test_a_404_on_generate_tries_the_next_model_once(server: FakeGemini, video: VideoInfo) -> None:
    from tests.fakes.gemini_server import error_reply

    server.push("generate", error_reply(404, "models/gemini-3.8-flash is not found"))
    analyzer = analyzer_for(server, gemini_fallback_models="gemini-3.7-flash,gemini-3.5-flash-lite")
    result, _ = run(analyzer, video)
    assert [r.model for r in server.requests_to("generate")] == [
        "gemini-3.8-flash",
        "gemini-3.7-flash",
    ]
    assert result.meta.model == "gemini-3.7-flash"
    assert len(server.uploaded_files()) == 1  # the same file for both


def test_a_retired_model_served_by_another_is_noticed_and_recorded(video, capsys) -> None:
    with FakeGemini(key_age="old") as server:
        result, _ = run(analyzer_for(server, gemini_model="gemini-2.5-flash"), video)
    assert result.meta.model == "gemini-2.5-flash"
    assert result.meta.model_served == "gemini-3.5-flash-lite"
    warnings = [line["message"] for line in logged(capsys) if line["severity"] == "WARNING"]
    assert any("served by gemini-3.5-flash-lite" in w for w in warnings)
    assert any("RETIRED" in w and "2026-12-01" in w for w in warnings)


def test_a_deprecated_model_is_warned_about_with_its_date(
    server: FakeGemini, video: VideoInfo, capsys
) -> None:
    run(analyzer_for(server, gemini_model="gemini-3.1-flash-lite"), video)
    warnings = [line["message"] for line in logged(capsys) if line["severity"] == "WARNING"]
    assert any("DEPRECATED" in w and "2027-05-07" in w for w in warnings)


def test_the_model_check_is_made_once_per_instance(server: FakeGemini, video: VideoInfo) -> None:
    analyzer = analyzer_for(server)
    run(analyzer, video)
    run(analyzer, video)
    assert len(server.requests_to("get_model")) == 1


# ---------------------------------------------------------------- the API version


def test_v1_has_no_video_metadata_and_the_request_pins_v1beta(server: FakeGemini) -> None:
    part = types.Part(
        file_data=types.FileData(file_uri="x", mime_type="video/mp4"),
        video_metadata=types.VideoMetadata(fps=2.0),
    )
    client_v1 = raw_client(server, "v1")
    with pytest.raises(errors.ClientError) as caught:  # what google-genai 3.x does by default
        client_v1.models.count_tokens(model="gemini-3.8-flash", contents=[part])
    assert 'Unknown name "videoMetadata"' in str(caught.value.message)
    assert analyzer_for(server).api_version == "v1beta"


def test_pinned_to_v1_the_request_sends_only_v1_fields(server: FakeGemini, video) -> None:
    result, _ = run(analyzer_for(server, gemini_api_version="v1"), video)
    parts = generate_body(server)["contents"][0]["parts"]
    assert len(parts) == 2 and "videoMetadata" not in parts[0]  # no clips: no hook part
    assert set(result.meta.usage.parts) == {"video", "prompt"}
    assert not server.rejections()


# ---------------------------------------------------------------- the family's settings


def test_both_thinking_fields_are_refused_and_we_send_only_the_level(
    server: FakeGemini, video
) -> None:
    both = types.GenerateContentConfig(
        thinking_config=types.ThinkingConfig(thinking_budget=512, thinking_level="LOW")
    )
    client = raw_client(server)
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3.8-flash", contents="hi", config=both)
    assert caught.value.code == 400 and "cannot be set together" in str(caught.value.message)
    refused = len(server.rejections())
    run(analyzer_for(server, gemini_thinking_level="minimal"), video)  # 3.8 refuses MINIMAL
    thinking = generate_body(server)["generationConfig"]["thinkingConfig"]
    assert thinking == {"thinking_level": "LOW"}
    assert len(server.rejections()) == refused


def test_minimal_goes_to_the_families_that_take_it(server: FakeGemini, video) -> None:
    run(
        analyzer_for(server, gemini_model="gemini-3.5-flash-lite", gemini_thinking_level="minimal"),
        video,
    )
    assert generate_body(server)["generationConfig"]["thinkingConfig"] == {
        "thinking_level": "MINIMAL"
    }


def test_an_unknown_model_id_gets_nothing_optional(video) -> None:
    from shared.analyzers.gemini.models import plan

    chosen = plan(
        "gemini-4-argon",
        api_version="v1beta",
        thinking_level="low",
        video_resolution="high",
        hook_resolution="high",
    )
    assert (chosen.thinking_level, chosen.video_resolution, chosen.hook_resolution) == (
        None,
        None,
        None,
    )
    assert chosen.global_resolution is None


def test_token_counts_agree_with_what_the_request_is_billed(server: FakeGemini, video) -> None:
    """countTokens ignores a global resolution: counted per part, the parts add up to
    the prompt Gemini bills (the prompt part counted alike)."""
    result, _ = run(analyzer_for(server, gemini_media_resolution="high"), video)
    usage = result.meta.usage
    assert usage is not None and usage.prompt_tokens
    assert sum(usage.parts.values()) == usage.prompt_tokens


# ---------------------------------------------------------------- files and clips


def test_the_hook_clip_never_runs_past_a_short_video(server: FakeGemini, video) -> None:
    run(analyzer_for(server), video)  # a 2 s clip: the hook window is cut to 2 s
    assert not server.rejections()
    client = raw_client(server)
    with pytest.raises(errors.ClientError) as caught:
        file = server.uploaded_files()[0]
        uri = f"{server.base_url}v1beta/{file.name}"
        part = types.Part(
            file_data=types.FileData(file_uri=uri, mime_type="video/mp4"),
            video_metadata=types.VideoMetadata(start_offset="0s", end_offset="9s"),
        )
        server.files.by_name[file.name].deleted = False
        client.models.count_tokens(model="gemini-3.8-flash", contents=[part])
    assert "beyond the video" in str(caught.value.message)


def test_an_expired_or_deleted_file_and_a_raw_gs_uri_are_refused(server: FakeGemini, video) -> None:
    run(analyzer_for(server), video)
    name = server.uploaded_files()[0].name
    client = raw_client(server)
    with pytest.raises(errors.ClientError) as deleted:
        client.files.get(name=name)
    assert deleted.value.code == 403
    server.files.by_name[name].deleted = False
    server.advance(hours=49)
    with pytest.raises(errors.ClientError) as expired:
        client.files.get(name=name)
    assert expired.value.code == 403
    gs = types.Part(file_data=types.FileData(file_uri="gs://b/o", mime_type="video/mp4"))
    with pytest.raises(errors.ClientError) as raw:
        client.models.count_tokens(model="gemini-3.8-flash", contents=[gs])
    assert raw.value.code == 400 and "gs://b/o" in str(raw.value.message)


def test_on_google_cloud_the_object_is_registered_not_uploaded_again(
    server: FakeGemini, video: VideoInfo
) -> None:
    uri = "gs://reels-uploads/uploads/job"
    server.add_gcs_object(uri, video.path.read_bytes(), "video/mp4")
    scopes_asked: list[list[str]] = []

    def credentials(scopes: list[str]) -> Any:
        scopes_asked.append(scopes)
        return oauth(scopes)

    analyzer = GeminiAnalyzer(
        settings_for(server, gemini_file_source="register"),
        retry_delay_sec=0.01,
        credentials=credentials,
    )
    result, _ = run(analyzer, replace(video, gcs_uri=uri))
    assert result.keys
    assert not server.requests_to("upload_start") and not server.requests_to("upload_chunk")
    assert scopes_asked == [list(STORAGE_SCOPES)]
    registered = server.uploaded_files()
    assert [f.source for f in registered] == ["REGISTERED"] and registered[0].gcs_uri == uri
    assert registered[0].deleted  # the registration ends with the job
    file_uri = generate_body(server)["contents"][0]["parts"][0]["fileData"]["file_uri"]
    assert file_uri.endswith(registered[0].name)


def test_registration_refused_falls_back_to_uploading(server: FakeGemini, video, capsys) -> None:
    uri = "gs://other-bucket/uploads/job"  # the service agent may not read this bucket
    analyzer = analyzer_for(server, gemini_file_source="register")
    result, _ = run(analyzer, replace(video, gcs_uri=uri))
    assert result.keys
    assert [f.source for f in server.uploaded_files()] == ["UPLOADED"]
    assert any("could not register" in line["message"] for line in logged(capsys))


def test_registration_needs_the_storage_scopes(server: FakeGemini, video: VideoInfo) -> None:
    uri = "gs://reels-uploads/uploads/job"
    server.add_gcs_object(uri, video.path.read_bytes(), "video/mp4")
    client = raw_client(server)
    with pytest.raises(errors.ClientError) as caught:
        client.files.register_files(
            auth=oauth(["https://www.googleapis.com/auth/cloud-platform"]), uris=[uri]
        )
    assert caught.value.code == 403 and "insufficient authentication scopes" in str(
        caught.value.message
    )


# ---------------------------------------------------------------- Gemini 3's answers


def test_thought_parts_and_several_text_parts_make_one_answer(server: FakeGemini, video) -> None:
    server.push("generate", gemini3_reply(sample_answer(), thought="**Планирую разбор**"))
    result, _ = run(analyzer_for(server), video)
    assert result.original.transcription == sample_answer()["original"]["transcription"]
    assert "Планирую" not in json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


def test_malformed_response_is_asked_for_again(server: FakeGemini, video) -> None:
    server.push("generate", malformed_reply(), answer_reply())
    result, _ = run(analyzer_for(server), video)
    assert result.keys and len(server.requests_to("generate")) == 2


def test_a_429_waits_for_its_retry_info(server: FakeGemini, video) -> None:
    # The stand-in refuses the route again until retryDelay has passed: a client that
    # retries on its own short backoff (0.01 s here) runs out of retries.
    server.push("generate", quota_reply(0.4))
    result, _ = run(analyzer_for(server, gemini_retries=2), video)
    assert result.keys
    assert len(server.requests_to("generate")) == 2
    assert not server.rejections()


def test_a_long_retry_info_is_left_to_the_redelivery(server: FakeGemini, video) -> None:
    server.push("generate", quota_reply(120))
    with pytest.raises(TransientError):
        run(analyzer_for(server, gemini_quota_wait_sec=30), video)
    assert len(server.requests_to("generate")) == 1


# ---------------------------------------------------------------- Vertex AI


@pytest.mark.parametrize(("location", "served"), [("global", True), ("us-central1", False)])
def test_vertex_serves_gemini_3_on_global_not_in_a_region(
    server: FakeGemini, video: VideoInfo, location: str, served: bool
) -> None:
    uri = "gs://reels-uploads/uploads/job"
    server.add_gcs_object(uri, video.path.read_bytes(), "video/mp4")
    settings = settings_for(
        server, google_genai_use_vertexai=True, google_cloud_location=location, gemini_api_key=None
    )
    analyzer = GeminiAnalyzer(settings, retry_delay_sec=0.01, credentials=oauth)
    vertex_video = replace(video, gcs_uri=uri)
    if served:
        result, _ = run(analyzer, vertex_video)
        request = server.requests_to("generate")[0]
        assert request.vertex and request.location == "global"
        assert result.meta.model_served == "gemini-3.8-flash"
        assert from_default_location() == "global"
    else:
        with pytest.raises(PermanentError) as caught:
            run(analyzer, vertex_video)
        assert caught.value.code == "ai_misconfigured"
        assert "us-central1" in caught.value.detail


def from_default_location() -> str:
    return Settings(_env_file=None).google_cloud_location
