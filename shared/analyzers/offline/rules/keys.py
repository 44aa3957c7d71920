"""Strengths: what the measurements show this video does well (candidates for the keys)."""

from __future__ import annotations

from shared.analyzers.offline.rules import Finding, key_rule
from shared.analyzers.offline.rules.thresholds import (
    DENSE_SPEECH,
    FAST_AVG_SHOT,
    MAX_TRUE_PEAK,
    MIN_VERTICAL_WIDTH,
    QUICK_SPEECH_START,
    TARGET_LUFS,
    WIDE_CAPTIONS,
)
from shared.analyzers.offline.text import num, of_shots, pct, plural, quote, shots_word
from shared.core.measurements import Measurements


@key_rule("quick_voice", about="speech_start")
def quick_voice(m: Measurements) -> Finding | None:
    words = m.transcript.words() if m.transcript else []
    if m.speech_start_sec is None or not words or m.speech_start_sec > QUICK_SPEECH_START:
        return None
    first = quote(" ".join(w.text for w in words[:6]))
    return Finding(
        "Голос с первой секунды",
        f"Речь начинается на {num(m.speech_start_sec)} с — зритель сразу слышит, "
        f"о чём ролик (первые слова: {first}).",
        score=1.0 - m.speech_start_sec / 2,
        at=(m.speech_start_sec, words[min(5, len(words) - 1)].end),
    )


@key_rule("text_hook", about="first_shot_text")
def text_hook(m: Measurements) -> Finding | None:
    first = m.shots[0] if m.shots else None
    if first is None or not first.text:
        return None
    return Finding(
        "Текст-хук в первом кадре",
        f"Уже в первом плане (0–{num(first.end)} с) на экране {quote(first.text)} — "
        "тему видно даже без звука.",
        score=0.95,
        at=(first.start, first.end),
    )


@key_rule("fast_editing", about="pace")
def fast_editing(m: Measurements) -> Finding | None:
    avg = m.average_shot_sec
    if avg is None or len(m.shots) < 3 or avg > FAST_AVG_SHOT:
        return None
    return Finding(
        "Быстрый монтаж",
        f"{shots_word(len(m.shots))} за {num(m.duration_sec)} с — в среднем "
        f"{num(avg)} с на план, первая склейка на {num(m.first_cut_sec or 0)} с.",
        score=0.8 + (FAST_AVG_SHOT - avg) / 10,
    )


@key_rule("dense_speech", about="speech_share")
def dense_speech(m: Measurements) -> Finding | None:
    words = m.transcript.words() if m.transcript else []
    if not words or m.speech_share < DENSE_SPEECH:
        return None
    return Finding(
        "Плотная речь",
        f"Голос звучит {pct(m.speech_share)} времени ролика "
        f"({len(words)} {plural(len(words), 'слово', 'слова', 'слов')}).",
        score=0.6 + (m.speech_share - DENSE_SPEECH),
    )


@key_rule("captions", about="text_share")
def captions(m: Measurements) -> Finding | None:
    with_text = [s for s in m.shots if s.text]
    if not with_text or m.text_share < WIDE_CAPTIONS:
        return None
    return Finding(
        "Текст на экране",
        f"Текст найден в {len(with_text)} {of_shots(len(m.shots))}; "
        f"они занимают {pct(m.text_share)} длительности — ролик понятен без звука.",
        score=0.55 + (m.text_share - WIDE_CAPTIONS) / 2,
    )


@key_rule("standard_loudness", about="loudness")
def standard_loudness(m: Measurements) -> Finding | None:
    if m.loudness_lufs is None or abs(m.loudness_lufs - TARGET_LUFS) > 2.0:
        return None
    if m.true_peak_dbtp is not None and m.true_peak_dbtp > MAX_TRUE_PEAK + 0.5:
        return None
    return Finding(
        "Громкость по стандарту",
        f"Интегральная громкость {num(m.loudness_lufs)} LUFS — рядом с ориентиром "
        f"соцсетей {num(TARGET_LUFS, 0)} LUFS, ролик не будет тише соседних.",
        score=0.5,
    )


@key_rule("vertical_frame", about="format")
def vertical_frame(m: Measurements) -> Finding | None:
    if m.orientation != "vertical" or m.width < MIN_VERTICAL_WIDTH:
        return None
    return Finding(
        "Вертикальный формат",
        f"Кадр {m.width}×{m.height} — на весь экран телефона, без полос.",
        score=0.3,
    )
