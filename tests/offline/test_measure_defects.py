"""Defects found on real reels, each pinned by a test that failed before its fix."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devstack import media
from shared.measure import measure
from shared.measure import speech as speech_mod
from shared.measure.vocalisation import is_vocalisation


def _mux(out: Path, video_sec: float, tracks: list[str], default: int) -> Path:
    """A 72x128 clip with the given audio tracks (lavfi sources or files); `default`
    is the index of the track marked default (-1: none, -2: all)."""
    cmd: list[str] = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                      f"testsrc2=size=72x128:rate=10:duration={video_sec}"]  # fmt: skip
    for track in tracks:
        cmd += ["-f", "lavfi", "-i", track] if track.startswith("anullsrc") else ["-i", track]
    for i in range(len(tracks) + 1):
        cmd += ["-map", str(i)]
    cmd += ["-t", str(video_sec), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]
    for i in range(len(tracks)):
        cmd += [f"-disposition:a:{i}", "default" if default in (i, -2) else "0"]
    subprocess.run([*cmd, str(out)], check=True)
    return out


def test_the_default_audio_track_is_heard_not_the_first(tmp_path: Path) -> None:
    voice = media.tts(media.EN_SENTENCE, "en", tmp_path)
    clip = _mux(tmp_path / "two-tracks.mp4", 6.0, ["anullsrc=r=44100:cl=stereo", str(voice)], 1)
    m = measure(clip)
    assert m.transcript is not None and "rice" in m.transcript.text.lower()
    assert m.transcript.language == "en"


def test_a_word_whose_span_covers_a_short_pause_is_kept() -> None:
    regions = [(0.2, 1.1), (2.3, 3.0)]
    # Whisper stretched "what" over the pause: its middle (1.8 s) is in neither stretch.
    assert speech_mod._inside(1.0, 2.6, regions)
    assert not speech_mod._inside(4.0, 4.5, regions)  # in silence: still dropped


@pytest.mark.parametrize(
    "word", ["Mmmmmmmmmmmm", "ммммм", "Hmm", "ааааа", "Ммм-м", "...", "uh", "MAMAMAMAMAMA"]
)
def test_vocalisations_are_not_words(word: str) -> None:
    assert is_vocalisation(word)


@pytest.mark.parametrize(
    "word", ["мама", "папа", "Мы", "ok", "rice", "Привет", "вау", "A", "ааа-то", "Mississippi"]
)
def test_words_are_words(word: str) -> None:
    assert not is_vocalisation(word)


def test_a_hum_is_not_speech(tmp_path: Path) -> None:
    hum = tmp_path / "hum.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "80", "-w", str(hum), "Mmmmmmmmmmmmmmmm. Mmmmmmmmmmmm."], check=True)  # fmt: skip
    clip = _mux(tmp_path / "hum.mp4", 5.0, [str(hum)], 0)
    m = measure(clip)
    assert m.transcript is None, m.transcript
    assert m.summary()["speech_language"] is None


def test_repeated_phrases_are_decoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No temperature fallback: it re-decoded every repetitive segment (3x slower)."""
    from shared.measure import model as model_mod

    real = model_mod.get_model()
    calls: list[dict[str, Any]] = []

    class Recording:
        def transcribe(self, audio: Any, **kwargs: Any) -> Any:
            calls.append(kwargs)
            return real.transcribe(audio, **kwargs)

    monkeypatch.setattr(model_mod, "get_model", lambda: Recording())
    voice = media.tts(" ".join(["Buy now, buy now."] * 8), "en", tmp_path)
    clip = _mux(tmp_path / "repeat.mp4", 12.0, [str(voice)], 0)
    m = measure(clip)
    assert calls and all(c["temperature"] == (0.0,) for c in calls)
    assert m.transcript is not None
    said = m.transcript.text.lower()  # espeak's "buy" is often heard as "bye"
    assert said.count("buy") + said.count("bye") >= 8, said


def test_captions_that_change_inside_one_shot_are_all_read(tmp_path: Path) -> None:
    """A shot with three captions: before, only the keyframe's (the middle one) was read,
    and the hook took a caption of later seconds for the first ones."""
    clip = media.make_clip(
        tmp_path / "fast-captions.mp4",
        [
            media.Part("color=c=0x1f4e8c", 2.0, caption="FIRST TIP"),
            media.Part("color=c=0x1f4e8c", 2.0, caption="SECOND TIP"),
            media.Part("color=c=0x1f4e8c", 2.0, caption="THIRD TIP"),
        ],
        audio=False,
    )
    m = measure(clip.path)
    assert len(m.shots) == 1, m.cuts()  # the picture never changes: one shot
    texts = [c.text for c in m.captions]
    assert texts == ["FIRST TIP", "SECOND TIP", "THIRD TIP"], m.captions
    starts = [c.start for c in m.captions]
    assert starts[0] == 0.0 and abs(starts[1] - 2.0) < 0.8 and abs(starts[2] - 4.0) < 0.8
    assert m.shots[0].text == "FIRST TIP / SECOND TIP / THIRD TIP"


# ----- more of "The offline analyzer on real reels" ------------------------------------


def _word(text: str, start: float, end: float) -> SimpleNamespace:
    return SimpleNamespace(word=text, start=start, end=end, probability=0.9)


def _segment(
    words: list[SimpleNamespace], *, nsp: float = 0.05, logprob: float = -0.3, ratio: float = 1.2
) -> SimpleNamespace:
    text = "".join(w.word for w in words)
    return SimpleNamespace(
        start=words[0].start, end=words[-1].end, text=text, words=words,
        no_speech_prob=nsp, avg_logprob=logprob, compression_ratio=ratio,
    )  # fmt: skip


class _FakeWhisper:
    """Answers `transcribe` with the given segments, as faster-whisper would."""

    def __init__(self, segments: list[SimpleNamespace]) -> None:
        self.segments = segments

    def transcribe(self, audio: Any, **kwargs: Any) -> tuple[Any, Any]:
        info = SimpleNamespace(language="en", language_probability=0.5)
        return iter(self.segments), info


def _transcribe(
    monkeypatch: pytest.MonkeyPatch,
    segments: list[SimpleNamespace],
    regions: list[tuple[float, float]],
) -> Any:
    import numpy as np

    from shared.measure import model as model_mod

    monkeypatch.setattr(model_mod, "get_model", lambda: _FakeWhisper(segments))
    return speech_mod.transcribe(np.zeros(16000 * 6, np.float32), regions, 6.0)


def test_a_word_stretched_over_a_pause_survives_transcription(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "ask not *what* your country": Whisper gave "what" the whole pause (its middle in
    neither voiced stretch) and the word was deleted; a word in silence still goes."""
    words = [_word(" Ask", 0.2, 0.5), _word(" not", 0.5, 1.0), _word(" what", 1.0, 2.6),
             _word(" your", 2.6, 2.9), _word(" country", 2.9, 3.4), _word(" you", 5.0, 5.3)]  # fmt: skip
    transcript = _transcribe(monkeypatch, [_segment(words)], [(0.2, 1.1), (2.3, 3.5)])
    assert transcript is not None
    assert [w.text for w in transcript.words()] == ["Ask", "not", "what", "your", "country"]


def test_a_soft_word_between_two_close_voiced_stretches_is_kept() -> None:
    regions = [(0.2, 1.1), (2.0, 3.0)]  # a 0.9 s pause: Whisper decodes both as one clip
    assert speech_mod._inside(1.5, 1.6, regions)  # VAD missed it; it is between the two
    assert not speech_mod._inside(3.6, 3.9, regions)  # after the speech: silence
    assert not speech_mod._inside(1.5, 1.6, [(0.2, 1.1), (2.3, 3.0)])  # a long pause: no


def test_looping_vocalisations_are_not_speech(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whisper's own doubts (no_speech_prob) and its loops (compression ratio), a very
    unsure segment, and a hum written as one hyphenated word are no transcript."""
    woo = [_word(" Woo,", 2.5 + i * 0.2, 2.7 + i * 0.2) for i in range(12)]
    sung = [_word(" La", 0.0, 0.2)] + [_word("-la", 0.2 + i * 0.1, 0.3 + i * 0.1) for i in range(9)]
    mumble = [_word(" Forty", 4.0, 4.3), _word(" thanks", 4.3, 4.8)]
    segments = [
        _segment(woo, nsp=0.68, logprob=-0.1, ratio=29.4),
        _segment(sung, nsp=0.45, logprob=-0.4, ratio=3.6),
        _segment(mumble, nsp=0.3, logprob=-1.9, ratio=1.0),
    ]
    assert _transcribe(monkeypatch, segments, [(0.0, 6.0)]) is None


def test_real_speech_stays_beside_vocalisations(monkeypatch: pytest.MonkeyPatch) -> None:
    go = [_word(" Go!", 0.1 + i * 0.4, 0.4 + i * 0.4) for i in range(4)]
    buy = [_word(" buy", 2.0 + i * 0.4, 2.2 + i * 0.4) for i in range(0, 8, 2)]
    segments = [
        _segment(go, nsp=0.27, logprob=-0.55, ratio=1.1),
        _segment(buy, nsp=0.32, logprob=-0.27, ratio=6.8),  # repeated, and said
        _segment([_word(" Ha", 5.0, 5.2), _word(" ha", 5.2, 5.4)], nsp=0.35),
    ]
    transcript = _transcribe(monkeypatch, segments, [(0.0, 6.0)])
    assert transcript is not None and transcript.language == "en"
    assert transcript.text == "Go! Go! Go! Go! buy buy buy buy"


@pytest.mark.parametrize("kind", ["groan", "sung_vowel", "tune"])
def test_groans_sung_vowels_and_tunes_are_not_speech(tmp_path: Path, kind: str) -> None:
    """Before: the groan was "Woo, woo, woo …" and the sung vowel "ha ha ha …", both
    English speech (the tune was already silent: VAD hears no voice in it)."""
    m = measure(media.non_speech(tmp_path, kind).path)
    assert m.transcript is None, m.transcript.text[:80] if m.transcript else None
    assert m.summary()["speech_language"] is None
    assert m.speech_share == 0.0


def test_the_loudest_track_is_heard_when_none_is_marked_default(tmp_path: Path) -> None:
    """A Matroska file marks no track default: its silent first track was heard."""
    voice = media.tts(media.EN_SENTENCE, "en", tmp_path)
    clip = _mux(tmp_path / "none-default.mkv", 6.0, ["anullsrc=r=44100:cl=stereo", str(voice)], -1)
    m = measure(clip)
    assert m.transcript is not None and "rice" in m.transcript.text.lower()
    assert m.loudness_lufs is not None


def test_the_loudest_of_two_default_tracks_is_heard(tmp_path: Path) -> None:
    voice = media.tts(media.EN_SENTENCE, "en", tmp_path)
    clip = _mux(tmp_path / "both-default.mp4", 6.0, ["anullsrc=r=44100:cl=stereo", str(voice)], -2)
    m = measure(clip)
    assert m.transcript is not None and "rice" in m.transcript.text.lower()


def test_a_repeated_phrase_takes_one_decoding_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted where the decoder runs (CTranslate2's generate): the temperature ladder
    decoded the repetitive window 6-8 times, with sampling, for a worse text. (Whether
    each time the phrase is said is heard: tests/realmedia/test_real_repetition.py.)"""
    from shared.measure import model as model_mod

    real = model_mod.get_model()
    passes: list[float] = []

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def generate(self, *args: Any, **kwargs: Any) -> Any:
            passes.append(kwargs.get("sampling_temperature", 0.0))
            return self.inner.generate(*args, **kwargs)

    monkeypatch.setattr(real, "model", Counting(real.model))
    voice = media.tts(" ".join(["Buy now, buy now."] * 8), "en", tmp_path)
    m = measure(_mux(tmp_path / "repeat.mp4", 12.0, [str(voice)], 0))
    # the 12 s once, then what Whisper skipped in clips of at most 10 s; no sampling
    assert passes and len(passes) <= 3 and set(passes) == {0.0}, passes
    assert m.transcript is not None


# ----- packed B-frames (AVI from old cameras, DivX, Xvid) -------------------------------


def test_swapped_timestamps_keep_the_frames_in_time() -> None:
    """Packed B-frames decode with pts 1, 2, 4, 3, 5, 7, 6 … and dts 1, 2, 3 …: pushing
    each late frame a whole frame on ran the timeline twice as fast."""
    from shared.measure.clock import FrameClock

    pts = [1, 2, 4, 3, 5, 7, 6, 8, 10, 9]
    pts += [p + 10 * k for k in range(1, 15) for p in pts[:10]]
    clock = FrameClock(25.0, Fraction(1, 25), 0)
    times = [clock(p, i + 1) for i, p in enumerate(pts)]
    assert all(b > a for a, b in pairwise(times))
    assert all(abs(t - (i + 1) / 25) <= 2 / 25 for i, t in enumerate(times)), times
    assert abs(clock.end - 151 / 25) < 0.05


def test_frames_without_timestamps_follow_the_frame_rate() -> None:
    from shared.measure.clock import FrameClock

    clock = FrameClock(10.0, Fraction(1, 90000), 0)
    assert [round(clock(None), 3) for _ in range(4)] == [0.0, 0.1, 0.2, 0.3]


def test_timestamps_that_start_again_go_on_from_the_last_frame() -> None:
    """Two files joined without rewriting their timestamps (0 … 49, 0 … 49)."""
    from shared.measure.clock import FrameClock

    clock = FrameClock(25.0, Fraction(1, 25), 0)
    times = [clock(i % 50, i % 50) for i in range(100)]
    assert times == pytest.approx([i / 25 for i in range(100)])


def test_no_shot_runs_past_the_end_or_is_empty() -> None:
    from shared.measure.video import ShotScanner

    scanner = ShotScanner(width=64, height=64, fps=25.0, time_base=Fraction(1, 25),
                          start_pts=0, ocr_size=None)  # fmt: skip
    scanner._close(4.0)
    scanner._close(8.0)  # timestamps ran past the 6 s file
    shots = scanner.finish(6.0)
    assert [(s.start, s.end) for s in shots] == [(0.0, 4.0), (4.0, 6.0)]


def test_packed_b_frames_keep_their_timeline(tmp_path: Path) -> None:
    """An AVI named .mp4 (the upload check goes by the name; the container is probed).
    Before: cuts at 4.0 and 8.0 s (twice their time), a shot 8.0-8.001 past the end."""
    clip = media.packed_bframes(tmp_path, "packed_bframes.mp4")
    m = measure(clip.path)
    assert m.video_codec == "mpeg4" and m.duration_sec == pytest.approx(6.0, abs=0.05)
    assert len(m.cuts()) == 2, m.cuts()
    for cut, real in zip(m.cuts(), clip.cuts, strict=True):
        assert abs(cut - real) <= 0.1, (m.cuts(), clip.cuts)
    assert all(s.end <= m.duration_sec and s.duration >= 0.3 for s in m.shots), m.shots
    assert m.shots[-1].end == m.duration_sec
    assert m.transcript is not None and "shots" in m.transcript.text.lower()
