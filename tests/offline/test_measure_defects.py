"""Defects found on real reels, each pinned by a test that failed before its fix."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack import media
from shared.measure import measure
from shared.measure import speech as speech_mod


def _mux(out: Path, video_sec: float, tracks: list[str], default: int) -> Path:
    """A 72x128 clip with the given audio tracks (lavfi sources or files); `default`
    is the index of the track marked default."""
    cmd: list[str] = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                      f"testsrc2=size=72x128:rate=10:duration={video_sec}"]  # fmt: skip
    for track in tracks:
        cmd += ["-f", "lavfi", "-i", track] if track.startswith("anullsrc") else ["-i", track]
    for i in range(len(tracks) + 1):
        cmd += ["-map", str(i)]
    cmd += ["-t", str(video_sec), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]
    for i in range(len(tracks)):
        cmd += [f"-disposition:a:{i}", "default" if i == default else "0"]
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
    assert speech_mod.is_vocalisation(word)


@pytest.mark.parametrize(
    "word", ["мама", "папа", "Мы", "ok", "rice", "Привет", "вау", "A", "ааа-то", "Mississippi"]
)
def test_words_are_words(word: str) -> None:
    assert not speech_mod.is_vocalisation(word)


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
    assert m.transcript is not None and m.transcript.text.lower().count("now") >= 8


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
