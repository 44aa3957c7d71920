"""Strengths: what the measurements show this video does well (candidates for the keys)."""

from __future__ import annotations

import re

from shared.analyzers.offline.hook import hook_verdict, verdict_at
from shared.analyzers.offline.rules import Finding, key_rule
from shared.analyzers.offline.rules.thresholds import (
    DENSE_SPEECH,
    FAST_AVG_SHOT,
    LOUDNESS_TOLERANCE,
    MAX_FIRST_CUT,
    MAX_TRUE_PEAK,
    QUICK_SPEECH_START,
    TARGET_LUFS,
    WIDE_CAPTIONS,
)
from shared.analyzers.offline.text import num, of_shots, pct, plural, quote, shots_word
from shared.core.measurements import Measurements
from shared.core.schema import HOOK_TYPES
from shared.core.words import join_words


@key_rule("quick_voice", about="speech_start")
def quick_voice(m: Measurements) -> Finding | None:
    words = m.transcript.words() if m.transcript else []
    if m.speech_start_sec is None or not words or m.speech_start_sec > QUICK_SPEECH_START:
        return None
    first = quote(join_words(w.text for w in words[:6]))
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
    found = hook_verdict(m)
    if found.type == "no_hook" or found.source == "text":
        return None  # no hook to credit the text with, or the "hook" key quotes it already
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
    if m.first_cut_sec is not None and m.first_cut_sec > MAX_FIRST_CUT:
        return None  # fast later, slow to start: late_first_cut says so, not a strength
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
    if m.loudness_lufs is None or abs(m.loudness_lufs - TARGET_LUFS) > LOUDNESS_TOLERANCE:
        return None
    if m.true_peak_dbtp is not None and m.true_peak_dbtp > MAX_TRUE_PEAK + 0.5:
        return None
    return Finding(
        "Громкость по стандарту",
        f"Интегральная громкость {num(m.loudness_lufs)} LUFS — рядом с ориентиром "
        f"соцсетей {num(TARGET_LUFS, 0)} LUFS, ролик не будет тише соседних.",
        score=0.5,
    )


# ----- what is said and shown (content-aware, Russian and English) ---------------

_CALL_TO_ACTION = re.compile(
    r"подпиш|подписывай|ставь лайк|лайк|сохрани|ссылк[аиу] в (?:профиле|шапке|описании)|"
    r"пиши в комментари|напиши в комментари|переходи|subscribe|follow|like and|save this|"
    r"link in (?:bio|description)|comment below|share this",
    re.IGNORECASE,
)
_DIRECT_ADDRESS = re.compile(r"\b(?:ты|тебе|тебя|твой|вы|вам|вас|ваш|you|your)\b", re.IGNORECASE)
END_WINDOW_SEC = 5.0


@key_rule("hook", about="hook")
def hook(m: Measurements) -> Finding | None:
    """The hook card's verdict as a key, quoting the channel that carries it."""
    found = hook_verdict(m)
    if found.type == "no_hook":
        return None
    start, end = verdict_at(m, found)
    label = re.sub(r"\s*\(.*\)$", "", HOOK_TYPES[found.type])
    where = {"words": "В первых словах", "text": "На экране"}.get(found.source or "")
    if where and found.quote:
        text = f"{where} {quote(found.quote)} ({num(start)}–{num(end)} с): {found.why}."
    else:
        text = f"{found.why[0].upper()}{found.why[1:]} (0–{num(end)} с)."
    return Finding(
        f"Хук: {label[0].lower()}{label[1:]}",
        text,
        score=0.75 if found.type == "pattern_interrupt" else 0.93,
        at=(start, end),
    )


def end_window(m: Measurements) -> float:
    """The ending's length: END_WINDOW_SEC, or a third of a short clip."""
    return min(END_WINDOW_SEC, m.duration_sec / 3)


def ending_call(m: Measurements) -> tuple[str, float, float] | None:
    """A call to action said or shown in the ending (`end_window`): (text, start, end)."""
    tail_start = max(0.0, m.duration_sec - end_window(m))
    words = m.transcript.words() if m.transcript else []
    said = [w for w in words if w.end >= tail_start]
    candidates = [(join_words(w.text for w in said), said[0].start, said[-1].end)] if said else []
    candidates += [(s.text, s.start, s.end) for s in m.shots if s.text and s.end > tail_start]
    return next((c for c in candidates if _CALL_TO_ACTION.search(c[0])), None)


@key_rule("call_to_action", about="ending")
def call_to_action(m: Measurements) -> Finding | None:
    found = ending_call(m)
    if found is None:
        return None
    text, start, end = found
    return Finding(
        "Призыв к действию в финале",
        f"В конце ролика {quote(text)} ({num(start)}–{num(end)} с): зритель знает, "
        "что сделать дальше — подписка и сохранения растут.",
        score=0.7,
        at=(start, end),
    )


@key_rule("direct_address", about="address")
def direct_address(m: Measurements) -> Finding | None:
    words = m.transcript.words() if m.transcript else []
    hits = [w for w in words if _DIRECT_ADDRESS.search(w.text)]
    if len(hits) < 2:
        return None
    return Finding(
        "Разговор со зрителем на «ты/вы»",
        f"Обращение к зрителю звучит {len(hits)} "
        f"{plural(len(hits), 'раз', 'раза', 'раз')} (впервые на {num(hits[0].start)} с): "
        "ролик звучит как личный совет, а не лекция.",
        score=0.65,
        at=(hits[0].start, hits[0].end),
    )
