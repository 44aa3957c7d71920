"""The probe on generated files: real video passes, every kind of bad file gets its code."""

from __future__ import annotations

import pytest

from devstack import media
from shared.adapters.probe import probe
from shared.core.errors import PermanentError


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("probe")
    good = media.no_audio(d)
    webm = media.webm_clip(d)
    empty = d / "empty.mp4"
    empty.write_bytes(b"")
    return {
        "good": good.path,
        "webm": webm.path,
        "truncated_start": media.truncated(good.path, d / "t1", 0.4),
        "truncated_header": media.truncated(good.path, d / "t2", 0.01),
        "not_a_video": media.not_a_video(d),
        "audio_only": media.audio_only(d),
        "too_long": media.too_long(d).path,
        "empty": empty,
    }


def test_real_videos_are_measured(files):
    info = probe(files["good"], content_type="video/mp4", max_duration_sec=180)
    assert info.width == 360 and info.height == 640 and info.orientation == "vertical"
    assert info.duration_sec == pytest.approx(3.0, abs=0.1)
    assert info.has_audio is False and info.video_codec == "h264"
    webm = probe(files["webm"], content_type="video/webm", max_duration_sec=180)
    assert webm.has_audio and webm.duration_sec == pytest.approx(3.0, abs=0.15)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("truncated_start", "corrupt_video"),
        ("truncated_header", "corrupt_video"),
        ("not_a_video", "not_a_video"),
        ("audio_only", "no_video_stream"),
        ("too_long", "video_too_long"),
        ("empty", "empty_file"),
    ],
)
def test_bad_files_get_their_code(files, name, code):
    with pytest.raises(PermanentError) as caught:
        probe(files[name], content_type="video/mp4", max_duration_sec=180)
    assert caught.value.code == code
    assert caught.value.user_message


def test_duration_limit_is_a_setting(files):
    with pytest.raises(PermanentError) as caught:
        probe(files["good"], content_type="video/mp4", max_duration_sec=2)
    assert caught.value.code == "video_too_long"
    assert "Максимум 2 с" in caught.value.user_message
