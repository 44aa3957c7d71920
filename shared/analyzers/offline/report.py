"""Turns `Measurements` into an `AnalysisResult` (Russian text for users).

Every sentence is built from a measured number; nothing here is canned advice
that would be written whatever the video. Keys and recommendations come from the
rules table (`rules/`); this module assembles the result around them.
"""

from __future__ import annotations

from shared.analyzers.offline.hook import judge
from shared.analyzers.offline.looks import describe_shot
from shared.analyzers.offline.rules import Finding, fired
from shared.analyzers.offline.rules.recipe import CATEGORY as RECIPE
from shared.analyzers.offline.text import language_name, num, of_shots, pct, quote, shots_word
from shared.core.anatomy import hook_measured, timeline
from shared.core.measurements import Measurements, Shot
from shared.core.schema import (
    KEYS_COUNT,
    AnalysisResult,
    Key,
    Meta,
    Moment,
    Original,
    Recommendation,
    ScriptRow,
    format_range,
)
from shared.core.words import join_words

ADAPTED_NEEDS_GEMINI = (
    "Сценарий под вашу тему пишет анализ через Gemini: офлайн-анализ измеряет видео, "
    "но не сочиняет текст."
)

# ----- the parts of the result ---------------------------------------------------------


def _words_in(m: Measurements, shot: Shot) -> str:
    if m.transcript is None:
        return ""
    words = m.transcript.words_between(shot.start, shot.end)
    return join_words(w.text for w in words)


def script_rows(m: Measurements) -> list[ScriptRow]:
    rows = []
    for shot in m.shots:
        visual = describe_shot(shot, m.width, m.height)
        rows.append(
            ScriptRow(
                time=format_range(shot.start, shot.end),
                start_sec=round(shot.start, 2),
                end_sec=round(shot.end, 2),
                visual=visual,
                text=shot.text,
                note=_words_in(m, shot),
            )
        )
    return rows


def _neutral_facts(m: Measurements) -> list[Finding]:
    """Plain measured facts that fill the keys up to five when fewer strengths stand out."""
    facts = []
    if m.shots:
        facts.append(
            Finding(
                "Монтаж",
                f"{shots_word(len(m.shots))} за {num(m.duration_sec)} с, "
                f"в среднем {num(m.average_shot_sec or m.duration_sec)} с на план.",
            )
        )
    if m.transcript and m.transcript.words():
        facts.append(
            Finding(
                "Речь",
                f"Язык речи: {language_name(m.transcript.language)}; голос звучит "
                f"{pct(m.speech_share)} времени, начинается на {num(m.speech_start_sec or 0)} с.",
            )
        )
    with_text = [s for s in m.shots if s.text]
    if with_text:
        first = with_text[0]
        facts.append(
            Finding(
                "Текст в кадре",
                f"Надписи в {len(with_text)} {of_shots(len(m.shots))}, первая — "
                f"{quote(first.text, 50)} на {num(first.start)} с.",
                at=(first.start, first.end),
            )
        )
    facts.append(
        Finding(
            "Длительность",
            f"Ролик длится {num(m.duration_sec)} с — "
            + ("коротко: его легко досмотреть и пересмотреть." if m.duration_sec <= 30
               else "длинный для ленты: держать внимание должны смены плана и текст."),
        )
    )  # fmt: skip
    return facts


def keys(m: Measurements) -> list[Key]:
    """The strongest measured strengths; with speech or on-screen text, filled up to
    five with plain measured facts (never invented praise)."""
    found = sorted((f for _, f in fired(m, "key")), key=lambda f: f.score, reverse=True)
    has_content = bool(m.transcript and m.transcript.words()) or any(s.text for s in m.shots)
    if len(found) < KEYS_COUNT and (has_content or not found):
        titles = {f.title for f in found}
        found += [f for f in _neutral_facts(m) if f.title not in titles]
    return [Key(title=f.title, description=f.text, at=_moment(f)) for f in found[:KEYS_COUNT]]


def recommendations(m: Measurements) -> list[Recommendation]:
    """How to film a similar video (rules/recipe.py), then what to fix; when nothing
    needs fixing, a line that says so with the figures."""
    found = [f for _, f in fired(m, "advice")]
    if all(f.title == RECIPE for f in found):
        found.append(_all_within_targets(m))
    return [Recommendation(category=f.title, text=f.text, at=_moment(f)) for f in found]


def _moment(finding: Finding) -> Moment | None:
    if finding.at is None:
        return None
    start, end = finding.at
    return Moment(start_sec=round(start, 2), end_sec=round(end, 2))


def _all_within_targets(m: Measurements) -> Finding:
    loudness = num(m.loudness_lufs) if m.loudness_lufs is not None else "—"
    return Finding(
        "Итог",
        "Все измеренные показатели в пределах ориентиров: "
        f"речь с {num(m.speech_start_sec or 0)} с, план в среднем "
        f"{num(m.average_shot_sec or 0)} с, громкость {loudness} LUFS, "
        f"текст на экране {pct(m.text_share)} времени.",
    )


def original(m: Measurements, language: str) -> tuple[Original, str | None]:
    transcript = m.transcript
    text = transcript.text if transcript else ""
    if not m.has_audio:
        return Original(transcription="", translation=None), (
            "В файле нет звуковой дорожки — расшифровывать и переводить нечего."
        )
    if not text:
        return Original(transcription="", translation=None), (
            "Речь не обнаружена — расшифровывать и переводить нечего."
        )
    spoken = transcript.language if transcript else None
    if spoken == language:
        return Original(transcription=text, translation=text), (
            f"Речь на языке результата ({language_name(language)}) — перевод совпадает "
            "с расшифровкой."
        )
    return Original(transcription=text, translation=None), (
        f"Перевод не выполнен: язык речи — {language_name(spoken)}, а в офлайн-режиме нет "
        f"модели перевода на {language_name(language)}. Перевод делает анализ через Gemini."
    )


def build_result(
    m: Measurements, *, language: str = "ru", topic: str | None = None
) -> AnalysisResult:
    orig, note = original(m, language)
    return AnalysisResult(
        hook=judge(hook_measured(m)),
        timeline=timeline(m),
        adapted_note=ADAPTED_NEEDS_GEMINI if topic else None,
        original=orig,
        keys=keys(m),
        script=script_rows(m),
        recommendations=recommendations(m),
        meta=Meta(
            engine="offline",
            model=m.speech_model,
            versions=dict(m.versions),
            duration_sec=round(m.duration_sec, 2),
            language=m.transcript.language if m.transcript and m.transcript.text else None,
            output_language=language,
            translation_note=note,
            aligned_to_cuts=True,
            measurements=m.summary(),
        ),
    )
