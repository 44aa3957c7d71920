"""Voice activity (Silero VAD, as bundled with faster-whisper) and transcription.

VAD runs once; Whisper then decodes only the voiced stretches (`clip_timestamps`),
with word timestamps. Words that overlap no voiced stretch are dropped, so nothing is
"heard" in silence (Whisper's classic failure on quiet tails); a word whose span
covers a short pause is kept. Vocalisations ("Mmmmm", "ааа", "hmm") are not words:
a clip of groans, music or noise has no transcript and no language.

Whisper fails two ways on a phrase said over and over: it loops (writes the phrase
to the end of its 30 s window, in no time) or it ends the window after the first
time. Either way voiced time is left with no word in it. Where that time replays a
stretch already heard (a sound bite looped, one take said again), the words are
copied (repeats.py); the rest is decoded again in clips of at most SHORT_CLIP_SEC,
too short to loop in. A word's edge that lies in silence is moved to the voice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Segment, Transcript, Word
from shared.measure import repeats
from shared.measure.vocalisation import spoken

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
# Greedy, as Whisper's own transcribe() decodes: on six ~50 s reels of studio voice
# (asterisk prompts) the same word error rate as beam search of 5 (Russian 0.139 vs
# 0.142, English 0.064 both) in 15-40 % less time, and beam search looped on a phrase
# said over and over where greedy did not.
BEAM_SIZE = 1
TEMPERATURES = (0.0,)
# A segment is no speech when Whisper both doubts there is any (no_speech_prob) and
# wrote a loop ("Woo, woo, woo …" over a groan, "ha ha ha …" over a sung vowel), or
# when it is very unsure of its words whatever it thinks.
NO_SPEECH_PROB = 0.6
LOOP_COMPRESSION_RATIO = 2.4  # Whisper's own threshold for repetitive output
COLLAPSED_WORD_SEC = 0.02  # a word shorter than one of Whisper's frames was not placed
LOOP_COLLAPSED_SHARE = 0.5  # a loop: this share of a repetitive segment's words collapsed
LOOP_MIN_WORDS = 8
SHORT_CLIP_SEC = 10.0  # unheard voiced time is decoded again in clips this long at most
UNHEARD_MIN_SEC = 0.5  # (15 s clips still looped); voiced time with no word this long
INTERIOR_GAP_SEC = 2.0  # or this long between two words of one voiced stretch
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


def _compression_ratio(text: str) -> float:
    """How well `text` compresses, as Whisper measures repetition (its own text's: a
    segment carries its whole window's ratio, high when a phrase is said again)."""
    data = text.strip().encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def is_loop(seg: Any) -> bool:
    """Whisper looping ("right now, right now, …" to the end of its window, "whoa, whoa,
    …" over a groan): repetitive text whose words the audio cannot hold, so most of
    their timestamps collapse to nothing. (A phrase truly said over and over is
    repetitive too, but its words keep their length.)"""
    words = seg.words or []
    collapsed = sum(1 for w in words if float(w.end) - float(w.start) < COLLAPSED_WORD_SEC)
    return (
        len(words) >= LOOP_MIN_WORDS
        and collapsed >= LOOP_COLLAPSED_SHARE * len(words)
        and _compression_ratio(seg.text) > LOOP_COMPRESSION_RATIO
    )


def is_speech(seg: Any) -> bool:
    """Whether a Whisper segment is speech, not a groan, a hum, music or noise."""
    logprob = float(seg.avg_logprob)
    if logprob < VERY_LOW_LOGPROB:
        return False
    if float(seg.no_speech_prob) <= NO_SPEECH_PROB:
        return True
    # Whisper doubts there is speech (it does on a phrase said over and over too, at
    # 0.8-0.98): believe it if its words are unsure or a loop.
    return logprob >= UNSURE_LOGPROB and not is_loop(seg)


def _snapped(t0: float, t1: float, regions: list[tuple[float, float]]) -> tuple[float, float]:
    """A word's span, an edge of it that lies in silence moved to the voice the word
    runs into: Whisper starts a clip's first word where the clip starts (CLIP_PAD_SEC
    before the voice), and may end its last word where the clip ends."""

    def voiced(t: float) -> bool:
        return any(s <= t <= e for s, e in regions)

    if not voiced(t0):
        t0 = next((s for s, _ in regions if t0 < s < t1), t0)
    if not voiced(t1):
        t1 = next((e for _, e in reversed(regions) if t0 < e < t1), t1)
    return t0, t1


def _heard(
    seg: Any, regions: list[tuple[float, float]], taken: list[tuple[float, float]] | None = None
) -> Segment | None:
    """The segment's real words heard in voiced stretches, less those whose middle
    falls in a word already `taken` (None if there are none)."""
    if not is_speech(seg):
        return None
    kept, words = [], []
    for w in spoken(seg.words or []):
        t0, t1 = float(w.start), float(w.end)
        if not _inside(t0, t1, regions):
            continue
        if taken and any(s <= (t0 + t1) / 2 <= e for s, e in taken):
            continue
        t0, t1 = _snapped(t0, t1, regions)
        kept.append(w)
        words.append(Word(round(t0, 3), round(t1, 3), w.word.strip()))
    if not kept:
        return None
    text = "".join(w.word for w in kept).strip()  # Whisper's words carry their spaces
    return Segment(words[0].start, words[-1].end, text, words)


def unheard(
    regions: list[tuple[float, float]], words: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Voiced time no word of Whisper's is in (each word widened by WORD_SLACK_SEC), in
    stretches of at least UNHEARD_MIN_SEC: what it skipped, or lost to a loop. A gap
    between two words of one stretch counts from INTERIOR_GAP_SEC only: shorter, it
    is Whisper's timing, not a skip (a skip runs to its window's end)."""
    spans = sorted((s - WORD_SLACK_SEC, e + WORD_SLACK_SEC) for s, e in words)
    gaps: list[tuple[float, float]] = []
    for start, end in regions:
        at, inner = start, False
        for s, e in spans:
            if e <= at or s >= end:
                continue
            if s > at and s - at >= (INTERIOR_GAP_SEC if inner else UNHEARD_MIN_SEC):
                gaps.append((at, s))
            at, inner = max(at, e), True
        if end - at >= UNHEARD_MIN_SEC:
            gaps.append((at, end))
    return gaps


def _decode(
    audio: np.ndarray, clips: list[float], language: str | None, stop: Callable[[], bool] | None
) -> tuple[list[Any], Any, float | None]:
    """Whisper's segments of the clips, its info, and where it began to loop (None: it
    did not); decoding stops at the loop."""
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
        if is_loop(seg):
            return segments, info, float(seg.start)
        segments.append(seg)
        if stop is not None and stop():
            break
    return segments, info, None


def _missed(
    regions: list[tuple[float, float]], raw: list[Any], loop_at: float | None
) -> list[tuple[float, float]]:
    """The voiced time to decode again: what is unheard after Whisper's first word or
    where it began to loop. (Heard nothing, and no loop: Whisper judged it no speech
    (music, a hum), and decoding it again would say the same.)"""
    words = [(float(w.start), float(w.end)) for seg in raw for w in seg.words or []]
    starts = [t for t in (loop_at, min((s for s, _ in words), default=None)) if t is not None]
    if not starts:
        return []
    return [(s, e) for s, e in unheard(regions, words) if e > min(starts)]


def _fill(
    audio: np.ndarray,
    regions: list[tuple[float, float]],
    duration: float,
    segments: list[Segment],
    missed: list[tuple[float, float]],
    language: str,
    stop: Callable[[], bool] | None,
) -> list[Segment]:
    """`segments` with the `missed` voiced time filled in. A stretch that replays a
    heard one (a recording played again) said the same words: they are copied
    (repeats.py). The rest is decoded again in clips of at most SHORT_CLIP_SEC: first
    only the first clip (what it hears may be played again later), then all the rest."""
    for limit in (2, None, 0):  # clip bounds: the first clip, all, none (copy only)
        copies = repeats.replayed(audio, regions, segments, missed)
        segments = sorted(segments + copies, key=lambda s: s.start)
        missed = unheard(missed, [(w.start, w.end) for s in copies for w in s.words])
        if not missed or limit == 0 or (stop is not None and stop()):
            break
        clips = _clips(missed, duration, SHORT_CLIP_SEC)[:limit]
        if not clips:  # what is left lies past the picture's end: it is dropped anyway
            break
        more, _, _ = _decode(audio, clips, language, stop)
        taken = [(w.start, w.end) for s in segments for w in s.words]
        segments += [kept for seg in more if (kept := _heard(seg, regions, taken)) is not None]
        segments.sort(key=lambda s: s.start)
        heard = [(float(w.start), float(w.end)) for seg in more for w in seg.words or []]
        # the first clip decoded: nothing more to hear in it up to its last word (in
        # none of it, if it had none); after all the clips only copies are left to find
        done = (clips[0], max((e for _, e in heard), default=clips[-1]))
        if limit is None:
            done = (clips[0], clips[0])
        missed = [
            piece
            for s, e in unheard(missed, heard)
            for piece in ((s, min(e, done[0])), (max(s, done[1]), e))
            if piece[1] - piece[0] >= UNHEARD_MIN_SEC
        ]
    return segments


def transcribe(
    audio: np.ndarray,
    regions: list[tuple[float, float]],
    duration: float,
    stop: Callable[[], bool] | None = None,
) -> Transcript | None:
    """The transcript of the voiced stretches (None when nothing was voiced). `stop()`
    is asked between segments: True ends the transcription early (measuring failed).

    Voiced stretches closer than CLIP_MERGE_GAP_SEC are decoded as one clip, in 30 s
    windows. Voiced time Whisper then left without a word (it looped, or ended a
    window early) is copied where it replays a heard stretch (repeats.py) and decoded
    again in clips of at most SHORT_CLIP_SEC otherwise, with the language known."""
    clips = _clips(regions, duration)
    if not clips:  # nothing voiced before the picture's end (faster-whisper would
        return None  # take no clips as the whole audio)
    raw, info, loop_at = _decode(audio, clips, None, stop)
    segments = [kept for seg in raw if (kept := _heard(seg, regions)) is not None]
    missed = _missed(regions, raw, loop_at)
    if missed:
        segments = _fill(audio, regions, duration, segments, missed, info.language, stop)
    text = " ".join(s.text for s in segments).strip()
    if not text:
        return None  # groans, music or noise: no transcript, no language
    return Transcript(
        language=info.language,
        language_probability=round(float(info.language_probability), 3),
        text=text,
        segments=segments,
    )
