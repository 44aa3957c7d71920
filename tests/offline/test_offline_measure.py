"""`measure()` on generated media whose cuts, captions and speech are known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devstack import media
from shared.core.errors import PermanentError
from shared.core.video import MeasureRequest

pytestmark = pytest.mark.slow

ENGLISH_MAX_WER = 0.25
RUSSIAN_MAX_WER = 0.35
CAPTION_MAX_CER = 0.25


def _cer(reference: str, hypothesis: str) -> float:
    import re

    import jiwer

    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.lower().replace("ё", "е")).split())

    return float(jiwer.cer(norm(reference), norm(hypothesis))) if norm(hypothesis) else 1.0


@pytest.mark.parametrize("name", ["english", "russian", "textless", "silent_tail"])
def test_cuts_within_two_frames(name: str, request: pytest.FixtureRequest, measured) -> None:
    clip: media.Clip = request.getfixturevalue(name)
    m = measured(clip)
    assert len(m.cuts()) == len(clip.cuts), (m.cuts(), clip.cuts)
    for got, want in zip(m.cuts(), clip.cuts, strict=True):
        assert abs(got - want) <= 2 / clip.fps + 1e-6, (m.cuts(), clip.cuts)
    assert m.shots[0].start == 0
    assert m.shots[-1].end == pytest.approx(clip.duration, abs=2 / clip.fps)
    for a, b in zip(m.shots, m.shots[1:], strict=False):
        assert a.end == b.start


def test_streams(english: media.Clip, measured) -> None:
    m = measured(english)
    assert (m.width, m.height, m.orientation) == (360, 640, "vertical")
    assert m.fps == pytest.approx(25)
    assert m.duration_sec == pytest.approx(english.duration, abs=0.05)
    assert (m.video_codec, m.audio_codec, m.has_audio) == ("h264", "aac", True)
    assert m.warnings == []


def test_english_transcript(english: media.Clip, measured) -> None:
    m = measured(english)
    assert m.transcript is not None
    assert m.transcript.language == "en"
    wer = media.word_error_rate(english.spoken_text(), m.transcript.text)
    assert wer <= ENGLISH_MAX_WER, (m.transcript.text, wer)
    words = m.transcript.words()
    assert words and all(w.end >= w.start for w in words)
    assert words == sorted(words, key=lambda w: w.start)


def test_russian_transcript(russian: media.Clip, measured) -> None:
    m = measured(russian)
    assert m.transcript is not None
    assert m.transcript.language == "ru"
    wer = media.word_error_rate(russian.spoken_text(), m.transcript.text)
    assert wer <= RUSSIAN_MAX_WER, (m.transcript.text, wer)


@pytest.mark.parametrize("name", ["english", "russian"])
def test_voice_activity(name: str, request: pytest.FixtureRequest, measured) -> None:
    clip: media.Clip = request.getfixturevalue(name)
    m = measured(clip)
    assert m.speech_start_sec == pytest.approx(clip.speech_start, abs=0.35)
    # TTS leaves short pauses between phrases: the voiced share is a bit under the span.
    span = (clip.speech_end - clip.speech_start) / clip.duration
    assert span * 0.6 <= m.speech_share <= span + 0.1
    assert m.silent_tail_sec == pytest.approx(clip.duration - clip.speech_end, abs=0.5)


@pytest.mark.parametrize("name", ["english", "russian"])
def test_captions_are_read(name: str, request: pytest.FixtureRequest, measured) -> None:
    clip: media.Clip = request.getfixturevalue(name)
    m = measured(clip)
    starts = {round(start, 2): text for start, _, text in clip.captions}
    for shot in m.shots:
        caption = starts.get(round(shot.start, 2))
        if caption is None:
            assert shot.text == "", shot
        else:
            assert _cer(caption, shot.text) <= CAPTION_MAX_CER, (caption, shot.text)
            assert shot.ocr_confidence is not None and shot.ocr_confidence > 70


def test_nothing_invented_without_text_or_speech(textless: media.Clip, measured) -> None:
    m = measured(textless)
    assert [s.text for s in m.shots] == [""] * (len(textless.cuts) + 1)
    assert m.transcript is None or m.transcript.text == ""
    assert m.speech_start_sec is None and m.speech_share == 0.0


def test_silent_tail_stays_silent(silent_tail: media.Clip, measured) -> None:
    from shared.analyzers.offline.report import build_result

    m = measured(silent_tail)
    end = silent_tail.speech_end
    assert m.transcript is not None and m.transcript.text
    assert all(w.end <= end + 0.5 for w in m.transcript.words()), m.transcript.words()
    assert m.silent_tail_sec == pytest.approx(silent_tail.duration - end, abs=0.5)
    result = build_result(m)
    for row in result.script:
        if row.start_sec is not None and row.start_sec >= end:
            assert row.note == "", row
    assert any("без речи" in r.text for r in result.recommendations)


def test_loudness_matches_a_whole_file_pyloudnorm(english: media.Clip, measured) -> None:
    import av
    import pyloudnorm
    from scipy import signal

    m = measured(english)
    chunks = []
    with av.open(str(english.path)) as c:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        for frame in c.decode(audio=0):
            chunks += [f.to_ndarray() for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    x = np.concatenate(chunks, axis=1).T.astype(np.float64)
    expected = pyloudnorm.Meter(48000).integrated_loudness(x)
    assert m.loudness_lufs == pytest.approx(expected, abs=0.05)
    peak = 20 * np.log10(np.abs(signal.resample_poly(x, 4, 1, axis=0)).max())
    assert m.true_peak_dbtp == pytest.approx(peak, abs=0.05)


def test_no_audio_track(no_audio: media.Clip, measured) -> None:
    m = measured(no_audio)
    assert not m.has_audio
    assert m.audio_codec is None
    assert m.transcript is None and m.loudness_lufs is None and m.true_peak_dbtp is None
    assert len(m.cuts()) == 1


def test_webm(media_dir: Path) -> None:
    from shared.measure import measure

    clip = media.webm_clip(media_dir)
    m = measure(clip.path)
    assert (m.video_codec, m.audio_codec) == ("vp9", "opus")
    assert len(m.cuts()) == 1 and abs(m.cuts()[0] - clip.cuts[0]) <= 2 / clip.fps
    assert m.transcript is not None and m.transcript.language == "en"


def test_rotated_phone_video(english: media.Clip, media_dir: Path) -> None:
    from shared.measure import measure

    clip = media.rotated(english, media_dir)
    m = measure(clip.path, request=MeasureRequest(speech=False))
    assert (m.width, m.height) == (360, 640)
    assert m.shots[0].text  # the caption reads upright only if the frame was turned back
    assert _cer("THREE WAYS TO COOK RICE", m.shots[0].text) <= CAPTION_MAX_CER


def test_audio_only_file_is_rejected(media_dir: Path) -> None:
    from shared.measure import measure

    with pytest.raises(PermanentError) as err:
        measure(media.audio_only(media_dir))
    assert err.value.code == "no_video_stream"


def test_not_a_video_is_rejected(media_dir: Path) -> None:
    from shared.measure import measure

    with pytest.raises(PermanentError) as err:
        measure(media.not_a_video(media_dir))
    assert err.value.code == "not_a_video"


@pytest.mark.parametrize("fraction", [0.6, 0.03])
def test_truncated_upload(fraction: float, english: media.Clip, media_dir: Path) -> None:
    """A cut-off upload is measured as far as it decodes (and says so), or refused."""
    from shared.measure import measure

    path = media.truncated(english.path, media_dir, fraction)
    try:
        m = measure(path, request=MeasureRequest(speech=False, ocr=False))
    except PermanentError as err:
        assert err.code in ("corrupt_video", "not_a_video")
        return
    assert "truncated" in m.warnings
    assert 0 < m.duration_sec < english.duration
    assert m.shots and m.shots[-1].end == pytest.approx(m.duration_sec, abs=0.01)


def test_long_single_shot_keeps_bounded_samples(media_dir: Path, monkeypatch) -> None:
    """200 s in two shots: each shot's keyframe samples stay within MAX_SAMPLES."""
    from shared.measure import measure, video

    seen: list[int] = []
    original = video.ShotScanner._finish_shot

    def spy(self, shot, end):
        seen.append(len(shot.samples))
        return original(self, shot, end)

    monkeypatch.setattr(video.ShotScanner, "_finish_shot", spy)
    clip = media.too_long(media_dir)
    m = measure(clip.path, request=MeasureRequest(speech=False))
    assert m.duration_sec == pytest.approx(200, abs=0.5)
    assert len(m.cuts()) == 1 and abs(m.cuts()[0] - 100) <= 2 / clip.fps
    assert seen and max(seen) <= video.MAX_SAMPLES + 1
    for shot in m.shots:  # keyframes near the middle of each shot
        assert abs(shot.keyframe_time - (shot.start + shot.end) / 2) <= 10


def test_progress_stages_in_order(english: media.Clip) -> None:
    from shared.measure import measure

    stages: list[str] = []
    measure(english.path, stages.append)
    assert stages == ["measuring", "transcribing", "reading_text"]
