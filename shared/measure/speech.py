"""Voice activity (Silero VAD, as bundled with faster-whisper) and transcription.

VAD runs once; Whisper then decodes only the voiced stretches (`clip_timestamps`),
with word timestamps. Words that overlap no voiced stretch are dropped, so nothing is
"heard" in silence (Whisper's classic failure on quiet tails); a word whose span
covers a short pause is kept. Vocalisations ("Mmmmm", "ааа", "hmm") are not words:
a clip of groans, music or noise has no transcript and no language.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Segment, Transcript, Word

if TYPE_CHECKING:
    from collections.abc import Callable

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
# A segment is no speech when Whisper both doubts there is any (no_speech_prob) and
# wrote a loop ("Woo, woo, woo …" over a groan, "ha ha ha …" over a sung vowel), or
# when it is very unsure of its words whatever it thinks.
NO_SPEECH_PROB = 0.6
LOOP_COMPRESSION_RATIO = 2.4  # Whisper's own threshold for repetitive output
COLLAPSED_WORD_SEC = 0.02  # a word shorter than one of Whisper's frames was not placed
LOOP_COLLAPSED_SHARE = 0.5  # a loop: this share of a repetitive segment's words collapsed
LOOP_MIN_WORDS = 8
SHORT_CLIP_SEC = 10.0  # after a loop, clips this long at most (15 s still looped)
VERY_LOW_LOGPROB = -1.5
UNSURE_LOGPROB = -1.0  # Whisper's log_prob_threshold


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


def _clips(
    regions: list[tuple[float, float]], duration: float, max_sec: float | None = None
) -> list[float]:
    """Whisper's clips: the voiced stretches widened by CLIP_PAD_SEC, merged across
    pauses under CLIP_MERGE_GAP_SEC, and (with `max_sec`) not merged past that length;
    clips that would overlap meet halfway."""
    merged: list[list[float]] = []
    for s, e in regions:
        s, e = max(0.0, s - CLIP_PAD_SEC), min(duration, e + CLIP_PAD_SEC)
        if s >= e:
            continue
        if merged and s - merged[-1][1] < CLIP_MERGE_GAP_SEC:
            if max_sec is None or e - merged[-1][0] <= max_sec:
                merged[-1][1] = max(merged[-1][1], e)
                continue
            if s < merged[-1][1]:
                s = merged[-1][1] = (s + merged[-1][1]) / 2
        merged.append([s, e])
    return [round(t, 3) for pair in merged for t in pair]


def overlaps(t0: float, t1: float, region: tuple[float, float]) -> bool:
    """A word's span overlaps a voiced stretch (widened by the slack)."""
    return t0 <= region[1] + WORD_SLACK_SEC and t1 >= region[0] - WORD_SLACK_SEC


def _inside(t0: float, t1: float, regions: list[tuple[float, float]]) -> bool:
    """A word is heard if it overlaps a voiced stretch, or lies in a pause between two
    stretches close enough to be decoded as one (a soft word VAD did not mark)."""
    if any(overlaps(t0, t1, r) for r in regions):
        return True
    return any(
        a[1] <= t0 and t1 <= b[0] and b[0] - a[1] < CLIP_MERGE_GAP_SEC for a, b in pairwise(regions)
    )


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
    "ooh",
    "aah",
    "woo",
    "ha",
    "hah",
    "heh",
    "huh",
    "ugh",
    "хм",
    "мм",
    "эм",
    "ээ",
    "ах",
    "ох",
    "ух",
    "угу",
    "ага",
    "ха",
    "ой",
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


def is_speech(seg: Any) -> bool:
    """Whether a Whisper segment is speech, not a groan, a hum, music or noise."""
    logprob, ratio = float(seg.avg_logprob), float(seg.compression_ratio)
    if logprob < VERY_LOW_LOGPROB:
        return False
    if float(seg.no_speech_prob) <= NO_SPEECH_PROB:
        return True
    # Whisper doubts there is speech: believe it if the words are unsure or a loop.
    return logprob >= UNSURE_LOGPROB and ratio <= LOOP_COMPRESSION_RATIO


def _spoken(words: list[Any]) -> list[Any]:
    """Whisper's words less vocalisations, judged on whole written words: a hum sung as
    "La-la-la" comes as " La", "-la", "-la" (only a word's first piece has a space)."""
    groups: list[list[Any]] = []
    for w in words:
        if not w.word.strip():
            continue
        if groups and not w.word[:1].isspace():
            groups[-1].append(w)
        else:
            groups.append([w])
    return [w for g in groups if not is_vocalisation("".join(x.word for x in g)) for w in g]


def _heard(seg: Any, regions: list[tuple[float, float]]) -> Segment | None:
    """The segment's real words heard in voiced stretches (None if there are none)."""
    if not is_speech(seg):
        return None
    kept = [w for w in _spoken(seg.words or []) if _inside(float(w.start), float(w.end), regions)]
    if not kept:
        return None
    words = [Word(round(float(w.start), 3), round(float(w.end), 3), w.word.strip()) for w in kept]
    text = "".join(w.word for w in kept).strip()  # Whisper's words carry their spaces
    return Segment(words[0].start, words[-1].end, text, words)


def _runaway(seg: Any) -> bool:
    """Whisper looping ("right now, right now, …" to the end of its window, on a phrase
    said over and over): repetitive text whose words the audio cannot hold, so most of
    their timestamps collapse to nothing. (A phrase truly said over and over is
    repetitive too, but its words keep their length.)"""
    words = seg.words or []
    collapsed = sum(1 for w in words if float(w.end) - float(w.start) < COLLAPSED_WORD_SEC)
    return (
        float(seg.compression_ratio) > LOOP_COMPRESSION_RATIO
        and len(words) >= LOOP_MIN_WORDS
        and collapsed >= LOOP_COLLAPSED_SHARE * len(words)
    )


def _decode(
    audio: np.ndarray, clips: list[float], language: str | None, stop: Callable[[], bool] | None
) -> tuple[list[Any], Any, float | None]:
    """Whisper's segments of the clips, its info, and where it started looping (None:
    it did not); decoding stops at the window that looped."""
    from shared.measure.model import get_model

    segments_iter, info = get_model().transcribe(
        audio,
        language=language,
        beam_size=BEAM_SIZE,
        # One temperature: the fallback ladder (0.2 … 1.0) re-decodes every segment
        # whose compression ratio looks repetitive, and a reel's repeated phrases
        # made analysis 3x slower for no better text.
        temperature=TEMPERATURES,
        word_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
        clip_timestamps=clips,
        hallucination_silence_threshold=2.0,
        no_speech_threshold=NO_SPEECH_PROB,
    )
    segments: list[Any] = []
    for seg in segments_iter:  # decoded lazily, a 30 s window at a time
        if _runaway(seg):
            return segments, info, float(seg.start)
        segments.append(seg)
        if stop is not None and stop():
            break
    return segments, info, None


def transcribe(
    audio: np.ndarray,
    regions: list[tuple[float, float]],
    duration: float,
    stop: Callable[[], bool] | None = None,
) -> Transcript | None:
    """The transcript of the voiced stretches (None when nothing was voiced). `stop()`
    is asked between segments: True ends the transcription early (measuring failed).

    Voiced stretches closer than CLIP_MERGE_GAP_SEC are decoded as one clip, in 30 s
    windows. When Whisper loops in a window, the rest (from where the loop began) is
    decoded again in clips of at most SHORT_CLIP_SEC, too short to loop in."""
    if not regions:
        return None
    raw, info, loop_at = _decode(audio, _clips(regions, duration), None, stop)
    if loop_at is not None and not (stop is not None and stop()):
        rest = [(max(s, loop_at), e) for s, e in regions if e > loop_at]
        clips = _clips(rest, duration, SHORT_CLIP_SEC)
        if clips:
            more, _, _ = _decode(audio, clips, info.language, stop)
            raw += more
    segments = [kept for seg in raw if (kept := _heard(seg, regions)) is not None]
    text = " ".join(s.text for s in segments).strip()
    if not text:
        return None  # groans, music or noise: no transcript, no language
    return Transcript(
        language=info.language,
        language_probability=round(float(info.language_probability), 3),
        text=text,
        segments=segments,
    )
