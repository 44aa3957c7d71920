"""Voice activity (Silero VAD, as bundled with faster-whisper) and transcription.

VAD runs once; Whisper then decodes only the voiced stretches (`clip_timestamps`),
with word timestamps. Words that overlap no voiced stretch are dropped, so nothing is
"heard" in silence (Whisper's classic failure on quiet tails); a word whose span
covers a short pause is kept. Vocalisations ("Mmmmm", "ааа", "hmm") are not words:
a clip of groans, music or noise has no transcript and no language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.core.measurements import Segment, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

RATE = 16000
# VAD for measuring: tight edges, short pauses split regions.
VAD_THRESHOLD = 0.5
VAD_MIN_SPEECH_MS = 150
VAD_MIN_SILENCE_MS = 300
VAD_PAD_MS = 30
# Whisper decodes each voiced stretch widened by this, and merges stretches closer than that.
CLIP_PAD_SEC = 0.3
CLIP_MERGE_GAP_SEC = 1.0
WORD_SLACK_SEC = 0.35  # a word may stick out of its voiced stretch by this much
BEAM_SIZE = 5
TEMPERATURES = (0.0,)


@dataclass
class SpeechStats:
    regions: list[tuple[float, float]]
    speech_start_sec: float | None
    speech_share: float
    silent_tail_sec: float | None


def voice_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Voiced stretches in seconds."""
    if audio.shape[0] < RATE // 10:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=VAD_THRESHOLD,
        min_speech_duration_ms=VAD_MIN_SPEECH_MS,
        min_silence_duration_ms=VAD_MIN_SILENCE_MS,
        speech_pad_ms=VAD_PAD_MS,
    )
    chunks = get_speech_timestamps(audio, options, sampling_rate=RATE)
    return [(c["start"] / RATE, c["end"] / RATE) for c in chunks]


def stats(regions: list[tuple[float, float]], duration: float) -> SpeechStats:
    if not regions or duration <= 0:
        return SpeechStats([], None, 0.0, None)
    voiced = sum(max(0.0, min(e, duration) - max(s, 0.0)) for s, e in regions)
    end = min(regions[-1][1], duration)
    return SpeechStats(
        regions=regions,
        speech_start_sec=round(max(0.0, regions[0][0]), 3),
        speech_share=round(min(1.0, voiced / duration), 4),
        silent_tail_sec=round(max(0.0, duration - end), 3),
    )


def _clips(regions: list[tuple[float, float]], duration: float) -> list[float]:
    merged: list[list[float]] = []
    for s, e in regions:
        s, e = max(0.0, s - CLIP_PAD_SEC), min(duration, e + CLIP_PAD_SEC)
        if merged and s - merged[-1][1] < CLIP_MERGE_GAP_SEC:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [round(t, 3) for pair in merged for t in pair]


def overlaps(t0: float, t1: float, region: tuple[float, float]) -> bool:
    """A word's span overlaps a voiced stretch (widened by the slack)."""
    return t0 <= region[1] + WORD_SLACK_SEC and t1 >= region[0] - WORD_SLACK_SEC


def _inside(t0: float, t1: float, regions: list[tuple[float, float]]) -> bool:
    return any(overlaps(t0, t1, r) for r in regions)


_FILLERS = {
    "hmm",
    "hm",
    "mm",
    "mhm",
    "uh",
    "um",
    "ah",
    "oh",
    "eh",
    "хм",
    "мм",
    "эм",
    "ээ",
    "ах",
    "ох",
    "ух",
    "угу",
    "ага",
}


def is_vocalisation(word: str) -> bool:
    """A groan, a hum or a filler, not a word: "Mmmmmm", "ааааа", "hmm", "Ммм-м"."""
    letters = "".join(ch for ch in word.lower() if ch.isalpha())
    if not letters:
        return True
    if letters in _FILLERS:
        return True
    # A held sound: one letter three times running ("mmm", "ааа") in a word of at most
    # two different letters ("Hmmm", "Ммм-м"); "мама" has no such run.
    held = any(letters[i] == letters[i + 1] == letters[i + 2] for i in range(len(letters) - 2))
    # Or a loop of two letters, as Whisper writes a hum it cannot place: "MAMAMAMAMA".
    looped = len(letters) >= 6
    return (held or looped) and len(set(letters)) <= 2


def transcribe(
    audio: np.ndarray, regions: list[tuple[float, float]], duration: float
) -> Transcript | None:
    """The transcript of the voiced stretches (None when nothing was voiced)."""
    if not regions:
        return None
    from shared.measure.model import get_model

    model = get_model()
    segments_iter, info = model.transcribe(
        audio,
        beam_size=BEAM_SIZE,
        # One temperature: the fallback ladder (0.2 … 1.0) re-decodes every segment
        # whose compression ratio looks repetitive, and a reel's repeated phrases
        # made analysis 3x slower for no better text.
        temperature=TEMPERATURES,
        word_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
        clip_timestamps=_clips(regions, duration),
        hallucination_silence_threshold=2.0,
        no_speech_threshold=0.6,
    )
    segments: list[Segment] = []
    for seg in segments_iter:
        if seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0:
            continue
        kept = [
            w
            for w in (seg.words or [])
            if w.word.strip()
            and not is_vocalisation(w.word)
            and _inside(float(w.start), float(w.end), regions)
        ]
        if not kept:
            continue
        words = [
            Word(round(float(w.start), 3), round(float(w.end), 3), w.word.strip()) for w in kept
        ]
        text = "".join(w.word for w in kept).strip()  # Whisper's words carry their spaces
        segments.append(Segment(words[0].start, words[-1].end, text, words))
    text = " ".join(s.text for s in segments).strip()
    if not text:
        return None  # groans, music or noise: no transcript, no language
    return Transcript(
        language=info.language,
        language_probability=round(float(info.language_probability), 3),
        text=text,
        segments=segments,
    )
