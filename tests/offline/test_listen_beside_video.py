"""Whisper listens in a thread while the video decodes (shared/measure/listen.py):
the same transcript as one after the other, each stage's time reported, each 30 s
window encoded once, and a measurement that fails leaves no thread behind."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.core.errors import ErrorCode, PermanentError
from shared.core.measurements import Segment, Transcript, Word

pytestmark = pytest.mark.slow


def _sequential(path: Path, duration: float) -> Transcript | None:
    """Decode the sound, then VAD, then Whisper, in this thread, nothing beside it."""
    from shared.measure import speech
    from shared.measure.listen import decode_audio

    tracks = decode_audio(path)
    assert tracks is not None
    _, _, (audio, _, _) = tracks.choose()
    return speech.transcribe(audio, speech.voice_regions(audio), duration)


@pytest.mark.parametrize("name", ["english", "russian"])
def test_the_transcript_is_the_same_beside_the_video(
    name: str, request: pytest.FixtureRequest, measured: Any
) -> None:
    clip: media.Clip = request.getfixturevalue(name)
    m = measured(clip)
    alone = _sequential(clip.path, m.duration_sec)
    assert m.transcript is not None and alone is not None
    assert m.transcript.text == alone.text
    assert m.transcript.language == alone.language
    assert [(w.start, w.end, w.text) for w in m.transcript.words()] == [
        (w.start, w.end, w.text) for w in alone.words()
    ]


def test_each_stage_s_time_is_reported(english: media.Clip) -> None:
    from shared.measure.pipeline import measure
    from shared.measure.timings import Timings

    timings = Timings()
    m = measure(english.path, timings=timings)
    summary = timings.summary()
    stages = summary["stages"]
    for name in ("decode", "shots", "audio", "vad", "music", "speech", "listen_wait", "ocr_wait"):
        assert stages[name]["calls"] >= 1, name
        assert stages[name]["wall"] >= 0
    assert stages["shots"]["calls"] == round(m.duration_sec * (m.fps or 0))
    assert summary["wall"] > 0 and summary["process_cpu"] > 0


def test_a_window_asked_for_twice_is_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """faster-whisper encodes the first 30 s to detect the language, then the same window
    again to decode it (when the first voiced clip is 30 s or longer, as in a talking
    reel): the second time the encoder output is reused, not recomputed."""
    import numpy as np
    from faster_whisper.audio import pad_or_trim

    from shared.measure import model as model_mod

    real = model_mod.get_model()
    encodes: list[int] = []

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def encode(self, *args: Any, **kwargs: Any) -> Any:
            encodes.append(1)
            return self.inner.encode(*args, **kwargs)

    monkeypatch.setattr(real, "model", Counting(real.model))
    rng = np.random.default_rng(7)
    audio = (rng.standard_normal(16000 * 3) * 0.01).astype(np.float32)
    window = pad_or_trim(real.feature_extractor(audio))
    first = real.encode(window)
    assert real.encode(window.copy()) is first and len(encodes) == 1
    assert real.encode(window + 0.5) is not first and len(encodes) == 2
    real.encode(window)
    assert len(encodes) == 3  # only the window just encoded is remembered


def test_a_short_talking_clip_is_encoded_once(
    english: media.Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under 30 s of speech: one encoder pass, where faster-whisper took two (one to
    detect the language, one to decode); the language found is the same."""
    from faster_whisper import WhisperModel

    from shared.measure import model as model_mod
    from shared.measure import speech
    from shared.measure.listen import decode_audio

    real = model_mod.get_model()
    encodes: list[int] = []

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def encode(self, *args: Any, **kwargs: Any) -> Any:
            encodes.append(1)
            return self.inner.encode(*args, **kwargs)

    monkeypatch.setattr(real, "model", Counting(real.model))
    tracks = decode_audio(english.path)
    assert tracks is not None
    audio = tracks.choose()[2][0]
    regions = speech.voice_regions(audio)
    transcript = speech.transcribe(audio, regions, english.duration)
    assert transcript is not None and len(encodes) == 1
    language, probability, _ = WhisperModel.detect_language(real, audio=audio)
    assert transcript.language == language
    assert transcript.language_probability == pytest.approx(probability, abs=0.05)


def test_a_failed_measurement_leaves_no_thread(
    english: media.Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.measure import pipeline

    def broken(self: Any) -> Any:
        raise PermanentError(ErrorCode.CORRUPT_VIDEO, "no frame")

    monkeypatch.setattr(pipeline._Decoder, "shots", broken)
    with pytest.raises(PermanentError):
        pipeline.measure(english.path, with_ocr=False)
    assert not [t for t in threading.enumerate() if t.name == "measure-listen"]


def test_words_past_a_truncated_end_are_dropped() -> None:
    """Whisper is given the stated duration; a file that decodes shorter keeps only the
    words that start before its decoded end."""
    from shared.measure.listen import _until

    words = [Word(0.5, 0.9, "one"), Word(1.0, 1.4, "two"), Word(5.0, 5.5, "three")]
    t = Transcript("en", 0.9, "one two three", [Segment(0.5, 5.5, "one two three", words)])
    assert _until(t, 10.0) is t
    cut = _until(t, 4.0)
    assert cut is not None and cut.text == "one two" and len(cut.words()) == 2
    assert _until(t, 0.2) is None


def test_frames_convert_to_the_same_pixels_through_one_context(english: media.Clip) -> None:
    """The decoder's converter (one swscale context per conversion) gives the pixels
    PyAV's per-frame `to_ndarray` gives."""
    import av
    import numpy as np

    from shared.measure.convert import Converter

    converter = Converter()
    conversions = (
        {"width": 72, "height": 128, "format": "bgr24", "interpolation": "AREA"},
        {"width": 270, "height": 480, "format": "gray"},
    )
    with av.open(str(english.path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            for kwargs in conversions:
                expected = frame.to_ndarray(**kwargs)
                got = converter.wrap(frame).to_ndarray(**kwargs)
                assert got.shape == expected.shape and np.array_equal(got, expected)
            assert converter.wrap(frame).pts == frame.pts
            if i == 30:
                break
    assert len(converter._reformatters) == len(conversions)


def test_a_phrase_said_over_and_over_is_heard(tmp_path: Path) -> None:
    """Whisper looped on it ("right now, right now, …" for a whole 30 s window) and the
    loop was thrown away: 60 s of a repeated phrase had no transcript at all."""
    import wave

    from shared.measure.pipeline import measure

    phrase = "Buy now, buy now. Buy it right now, right now."
    with wave.open(str(media.tts(phrase, "en", tmp_path))) as w:
        said = w.getnframes() / w.getframerate()
    speech, at = [], 0.4
    while at < 34:
        speech.append(media.Speech(phrase, "en", at=at))
        at += said + 0.4
    clip = media.make_clip(
        tmp_path / "repeated.mp4", [media.Part("smptebars", 36.0)], speech=speech
    )
    m = measure(clip.path, with_ocr=False)
    assert m.transcript is not None
    assert m.transcript.text.lower().count("now") >= 2 * len(speech)
    assert m.transcript.words()[-1].start > 25  # heard to the end, not one window


def test_a_bug_in_transcription_costs_the_transcript_not_the_analysis(
    english: media.Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: speech.py raised IndexError on a valid clip and the whole job failed
    after five runs. Now the other measurements stand, the voice's time is still
    known, and the offline report says the speech is missing and why."""
    from devstack.golden import analyze
    from shared.measure import speech
    from shared.measure.pipeline import measure

    def broken(*args: object, **kwargs: object) -> None:
        return [][0]  # type: ignore[no-any-return]

    monkeypatch.setattr(speech, "transcribe", broken)
    m = measure(english.path)
    assert m.transcript is None and "speech_failed" in m.warnings
    assert m.speech_start_sec is not None and m.shots and m.loudness_lufs is not None
    result = analyze(english.path)  # the offline analysis as the worker runs it
    assert result["meta"]["engine"] == "offline"
    assert "внутренней ошибки" in str(result)
