"""The hook of the first seconds, judged offline by transparent rules over what was
said and shown (Russian and English) and what was measured. Never invented: a type
is named only when its words are there, and every point of strength has its reason.

The table `TYPE_RULES` is read top to bottom; the first type whose pattern matches
the words or the on-screen text of the window wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.analyzers.offline.text import num, quote
from shared.core.schema import HOOK_TYPES, HOOK_WINDOW_SEC, Hook, HookMeasured

_NUM = r"(?:\d+|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|two|three|four|five|six|seven|eight|nine|ten)"


@dataclass(frozen=True)
class TypeRule:
    type: str
    pattern: re.Pattern[str]
    why: str  # why this kind of opening holds viewers


def _rule(hook_type: str, pattern: str, why: str) -> TypeRule:
    return TypeRule(hook_type, re.compile(pattern, re.IGNORECASE), why)


TYPE_RULES: tuple[TypeRule, ...] = (
    _rule(
        "list_promise",
        rf"\b(?:топ|top)[\s-]*{_NUM}\b|\b{_NUM}\s+(?:способ|ошиб|совет|причин|шаг|лайфхак|правил|вещ|приём|прием|way|mistake|tip|reason|step|hack|rule|thing|trick)",
        "обещает конкретное число пунктов — зритель досматривает, чтобы получить все",
    ),
    _rule(
        "tutorial_promise",
        r"\b(?:как\s+\w+(?:ть|ти|чь)\b|как сделать|как приготовить|покажу как|покажу,? как|научу|научитесь|пошагово|рецепт|инструкци|how to|i'?ll show you|let me show you|step by step|tutorial)\b",
        "обещает научить — польза понятна с первых слов",
    ),
    _rule(
        "story_opening",
        r"^(?:однажды|когда я|вчера|в прошлом году|история|это случилось|one day|when i was|yesterday|last year|so i|this happened|story)\b",
        "начало истории: хочется узнать, чем она кончится",
    ),
    _rule(
        "result_first",
        r"\b(?:вот что получилось|результат|до и после|итог|смотрите,? что|here'?s the result|the result|before and after|i made|i built|i lost)",
        "сначала показан результат — зритель хочет узнать, как к нему прийти",
    ),
    _rule(
        "question",
        r"\?|^(?:а )?(?:как|почему|зачем|что|сколько|какой|какая|какие|кто|где|когда|знаете ли|хотите|how|why|what|who|where|when|do you|did you|have you|are you|can you|is it|would you)\b",
        "вопрос включает зрителя: он ждёт ответа",
    ),
    _rule(
        "curiosity_gap",
        r"\b(?:секрет|никто не (?:говорит|знает|расскажет)|вы не поверите|оказывается|вот почему|а дальше|secret|nobody tells you|no one tells you|you won'?t believe|turns out|here'?s why|here'?s what|the reason)",
        "недосказанность: ответ обещан позже, поэтому досматривают",
    ),
    _rule(
        "bold_claim",
        r"\b(?:никогда|всегда|лучш|худш|самый|самая|самое|единственн|100 ?%|все ошибаются|never|always|best|worst|the only|nobody|everyone|everybody is wrong)",
        "смелое утверждение вызывает желание проверить или поспорить",
    ),
    _rule(
        "direct_address",
        r"\b(?:стоп|остановись|подожди|не листай|не пролистывай|если ты|если вы|смотри|слушай|ты|вы|stop scrolling|stop|wait|if you|you need|you)\b",
        "прямое обращение к зрителю останавливает пролистывание",
    ),
)
FAST_CUT_SEC = 1.5
QUICK_WORDS_SEC = 1.0
BUSY_START_MOTION = 0.03
LOUD_START_LU = 3.0  # the window louder than the rest by this much


def hook_type(measured: HookMeasured) -> tuple[str, str]:
    """(type, why) from the words and the on-screen text of the window, else from
    the picture and the sound; "no_hook" when the window has nothing."""
    for source in (measured.words, measured.on_screen_text):
        text = " ".join(source.split())
        for rule in TYPE_RULES:
            if text and rule.pattern.search(text):
                return rule.type, rule.why
    if _interrupts(measured):
        return "pattern_interrupt", "резкое начало — склейка, движение или звук — ломает ожидание"
    if measured.words or measured.on_screen_text:
        return "no_hook", "в первые секунды есть слова, но в них нет ни вопроса, ни обещания"
    return "no_hook", "в первые секунды нет ни слов, ни текста, ни резкой смены кадра"


def _interrupts(m: HookMeasured) -> bool:
    fast_cut = m.first_cut_sec is not None and m.first_cut_sec <= FAST_CUT_SEC
    busy = m.motion_first_sec is not None and m.motion_first_sec >= BUSY_START_MOTION
    return fast_cut or busy or _loud_start(m)


def _loud_start(m: HookMeasured) -> bool:
    start, rest = m.loudness_start_lufs, m.loudness_rest_lufs
    return start is not None and rest is not None and start - rest >= LOUD_START_LU


def strength(measured: HookMeasured, kind: str) -> tuple[int, list[str]]:
    """1..10 with a reason for every point given or missing."""
    score, reasons = 1, []

    def add(points: int, reason: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{'+' if points > 0 else '−'}{abs(points)}: {reason}")

    if kind not in ("no_hook", "pattern_interrupt"):
        add(3, f"понятный тип хука — {HOOK_TYPES[kind].lower()}")
    first = measured.first_word_sec
    if first is not None and first <= QUICK_WORDS_SEC:
        add(2, f"первое слово на {num(first)} с")
    elif first is not None and first < HOOK_WINDOW_SEC:
        add(1, f"речь начинается на {num(first)} с — можно раньше")
    if measured.on_screen_text:
        add(2, f"текст в первые секунды: {quote(measured.on_screen_text, 40)}")
    if measured.first_cut_sec is not None and measured.first_cut_sec <= FAST_CUT_SEC:
        add(1, f"первая склейка уже на {num(measured.first_cut_sec)} с")
    if measured.motion_first_sec is not None and measured.motion_first_sec >= BUSY_START_MOTION:
        add(1, "в первую секунду кадр заметно меняется")
    if _loud_start(measured):
        add(1, "начало громче остального ролика")
    if not reasons:
        reasons.append("в первые секунды нечего оценить: ни слов, ни текста, ни смены кадра")
    return max(1, min(10, score)), reasons


def judge(measured: HookMeasured) -> Hook:
    kind, why = hook_type(measured)
    score, reasons = strength(measured, kind)
    return Hook(
        type=kind,  # one of HOOK_TYPES, by construction
        type_label=HOOK_TYPES[kind],
        why=why[0].upper() + why[1:] + ".",
        strength=score,
        reasons=reasons,
        alternatives=[],
        window_sec=HOOK_WINDOW_SEC,
        measured=measured,
    )
