"""The reel's anatomy from its measurements: the hook's numbers and the pacing
timeline. Pure, and the same for both analyzers (Gemini adds its judgement of the
hook; the offline rules add theirs)."""

from __future__ import annotations

import math

from shared.core import music
from shared.core.measurements import LOUDNESS_STEP_SEC, Caption, Measurements, Word
from shared.core.schema import HOOK_WINDOW_SEC, HookMeasured, Span, TextSpan, Timeline
from shared.core.words import join_words

# Speech stretches closer than this merge into one on the timeline.
SPEECH_GAP_SEC = 0.35


def captions(m: Measurements) -> list[Caption]:
    """On-screen text with its times: read finely where measured so, else per shot."""
    if m.captions:
        return list(m.captions)
    return [Caption(s.start, s.end, s.text) for s in m.shots if s.text]


def _window_text(m: Measurements, window: float) -> str:
    seen: list[str] = []
    for caption in captions(m):
        if caption.start < window and caption.text not in seen:
            seen.append(caption.text)
    return " / ".join(seen)


def _first_text_sec(m: Measurements, window: float) -> float | None:
    starts = [c.start for c in captions(m) if c.start < window and c.text.strip()]
    return round(max(0.0, min(starts)), 2) if starts else None


def _mean_lufs(values: list[float | None]) -> float | None:
    """Energy mean of LUFS values (silent steps count as silence)."""
    heard = [v for v in values if v is not None]
    if not heard:
        return None
    energy = sum(10 ** (v / 10) for v in heard) / len(values)
    return round(10 * math.log10(energy), 1)


def hook_measured(m: Measurements, window: float = HOOK_WINDOW_SEC) -> HookMeasured:
    words = m.transcript.words() if m.transcript else []
    said = [w for w in words if w.start < window]
    steps = round(window / LOUDNESS_STEP_SEC)
    curve = m.loudness_curve
    return HookMeasured(
        first_word_sec=_first_word(m, words),
        words=join_words(w.text for w in said),
        on_screen_text=_window_text(m, window),
        first_text_sec=_first_text_sec(m, window),
        first_cut_sec=round(m.first_cut_sec, 2) if m.first_cut_sec is not None else None,
        motion_first_sec=m.motion_first_sec,
        camera_first=m.shots[0].camera if m.shots else None,
        loudness_start_lufs=_mean_lufs(curve[:steps]) if curve else None,
        loudness_rest_lufs=_mean_lufs(curve[steps:]) if len(curve) > steps else None,
    )


def _first_word(m: Measurements, words: list[Word]) -> float | None:
    """When the first word is heard: the voice detector's onset (measured on the
    signal) when it agrees with the transcript, which times words less exactly."""
    if not words:
        return None
    onset = m.speech_start_sec
    first = words[0].start
    if onset is not None and abs(onset - first) < 1.0:
        return round(onset, 3)  # as measured (speech_start_sec), so both read alike
    return round(first, 2)


def _speech_spans(m: Measurements) -> list[Span]:
    words = m.transcript.words() if m.transcript else []
    spans: list[Span] = []
    for w in words:
        if spans and w.start - spans[-1].end_sec <= SPEECH_GAP_SEC:
            spans[-1] = Span(
                start_sec=spans[-1].start_sec, end_sec=round(max(w.end, spans[-1].end_sec), 2)
            )
        else:
            spans.append(Span(start_sec=round(w.start, 2), end_sec=round(w.end, 2)))
    return spans


def timeline(m: Measurements, window: float = HOOK_WINDOW_SEC) -> Timeline:
    on_beat, in_music = m.cuts_on_beat()
    return Timeline(
        duration_sec=round(m.duration_sec, 2),
        shots=[Span(start_sec=round(s.start, 2), end_sec=round(s.end, 2)) for s in m.shots],
        speech=_speech_spans(m),
        text=[
            TextSpan(start_sec=round(c.start, 2), end_sec=round(c.end, 2), text=c.text)
            for c in captions(m)
        ],
        loudness_step_sec=LOUDNESS_STEP_SEC,
        loudness=[None if v is None else round(v, 1) for v in m.loudness_curve],
        hook=Span(start_sec=0.0, end_sec=min(window, round(m.duration_sec, 2))),
        music=[
            Span(start_sec=s, end_sec=min(e, round(m.duration_sec, 2)))
            for s, e in music.spans(m.sound, "music", LOUDNESS_STEP_SEC)
        ],
        beats=list(m.beats),
        tempo_bpm=m.tempo_bpm,
        cuts_on_beat=on_beat,
        cuts_in_music=in_music,
    )
