"""Strengths of what the video says and shows, not of its metrics: a countdown, a
promise and whether the video keeps it on screen, a story with a turn. Each is found
in the timed words and captions (Russian and English) and cites where it sits; a
promise that is not kept is a fix, not a strength (never both: `about="promise"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.analyzers.offline.hook import TYPE_RULES, hook_verdict, verdict_at
from shared.analyzers.offline.rules import Finding, advice_rule, key_rule
from shared.analyzers.offline.text import num, plural, quote
from shared.core.anatomy import captions
from shared.core.measurements import Measurements
from shared.core.schema import HOOK_WINDOW_SEC

NUMBER_WORDS = {
    "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
_NUMBER = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_UNITS = r"(минут|секунд|час|дн|дня|дней|мест|minute|second|hour|day|spot)"
URGENCY = re.compile(
    rf"(?:осталось|остался|осталась|остаётся|остается)\s+(?:всего\s+|только\s+|ещё\s+|еще\s+)?"
    rf"{_NUMBER}\s+{_UNITS}\w*|\b{_NUMBER}\s+{_UNITS}\w*\s+left",
    re.IGNORECASE,
)
_COUNT = re.compile(rf"\b{_NUMBER}\s+{_UNITS}\w*", re.IGNORECASE)
ITEM = re.compile(
    r"(?:^|(?:способ|шаг|ошибк\w*|совет|причин\w*|лайфхак|пункт|правило|идея|way|step|tip|"
    r"mistake|reason|hack|rule|idea|#|№)\s*)(\d{1,2})(?=$|[\s.):—-])",
    re.IGNORECASE,
)
# "Step one", «шаг два»: an item noun and a number word.
ITEM_WORD = re.compile(
    r"\b(?:способ|шаг|ошибк\w*|совет|причин\w*|лайфхак|пункт|правило|идея|way|step|tip|"
    r"mistake|reason|hack|rule|idea)\s+(" + "|".join(NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)
ORDINALS = {
    "во-первых": 1, "первый": 1, "первое": 1, "первая": 1, "во-вторых": 2, "второй": 2,
    "второе": 2, "вторая": 2, "в-третьих": 3, "третий": 3, "третье": 3, "третья": 3,
    "четвёртый": 4, "четвертый": 4, "пятый": 5, "first": 1, "second": 2, "third": 3,
    "fourth": 4, "fifth": 5,
}  # fmt: skip
_ORDINAL = re.compile(r"(?<![\w-])(" + "|".join(ORDINALS) + r")(?![\w-])", re.IGNORECASE)
LIST = next(r.pattern for r in TYPE_RULES if r.type == "list_promise")
TURN = re.compile(
    r"\b(?:и тут|но тут|вдруг|внезапно|оказалось|а потом|но потом|в итоге|и вот тогда|"
    r"but then|suddenly|it turned out|turns out|and then|in the end)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Said:
    """A phrase heard or shown, and when."""

    text: str
    start: float
    end: float
    match: re.Match[str]
    caption: str = ""  # the whole caption it was read in ("" when heard)


def found(m: Measurements, pattern: re.Pattern[str]) -> list[Said]:
    """Every match in the timed words (with the times of the words it spans) and in the
    captions (with the caption's times), earliest first."""
    out: list[Said] = []
    words = m.transcript.words() if m.transcript else []
    text, offsets = "", []
    for w in words:
        text += " " if text else ""
        offsets.append((len(text), len(text) + len(w.text.strip()), w))
        text += w.text.strip()
    for hit in pattern.finditer(text):
        inside = [w for a, b, w in offsets if a < hit.end() and b > hit.start()]
        if inside:
            out.append(Said(hit.group(0), inside[0].start, inside[-1].end, hit))
    for caption in captions(m):
        for hit in pattern.finditer(caption.text):
            out.append(Said(hit.group(0), caption.start, caption.end, hit, caption.text))
    return sorted(out, key=lambda s: (s.start, s.end))


def number(token: str) -> int | None:
    token = token.lower()
    return int(token) if token.isdigit() else NUMBER_WORDS.get(token)


def countdown(m: Measurements) -> list[Said]:
    """An urgency line and the smaller counts of the same unit after it."""
    first = next(iter(found(m, URGENCY)), None)
    if first is None:
        return []
    groups = [g for g in first.match.groups() if g]
    value, unit = number(groups[0]), groups[1].lower()[:3]
    steps = [first]
    for later in found(m, _COUNT):
        n, u = number(later.match.group(1)), later.match.group(2).lower()[:3]
        if later.start > steps[-1].start and u == unit and n is not None and value is not None:
            if n < value:
                steps.append(later)
                value = n
    return steps


@key_rule("countdown", about="urgency")
def countdown_key(m: Measurements) -> Finding | None:
    steps = countdown(m)
    if len(steps) < 2 and (not steps or steps[0].start < HOOK_WINDOW_SEC):
        return None  # one urgency line in the opening: the hook key says it
    said = " → ".join(f"{quote(s.text, 40)} на {num(s.start)} с" for s in steps[:4])
    title = "Обратный отсчёт" if len(steps) > 1 else "Срочность"
    return Finding(
        title,
        f"{said}: время уходит на глазах — зритель остаётся узнать, чем кончится.",
        score=0.88,
        at=(steps[0].start, steps[-1].end),
    )


def promise(m: Measurements) -> tuple[int, str, dict[int, float]] | None:
    """A list promised in the opening: (how many, its words, item number -> when first
    shown or said after it), or None without one."""
    verdict = hook_verdict(m)
    if verdict.type != "list_promise":
        return None
    count = next((number(t) for t in re.findall(r"\w+", verdict.quote) if number(t)), None)
    if count is None or not 2 <= count <= 10:
        return None
    _, promised_end = verdict_at(m, verdict)
    items: dict[int, float] = {}
    marks = found(m, ITEM) + found(m, ITEM_WORD) + found(m, _ORDINAL)
    for said in sorted(marks, key=lambda s: s.start):
        if LIST.search(said.caption) or (not said.caption and said.start < promised_end):
            continue  # the promise itself («3 ошибки…»), not one of its items
        token = said.match.group(1).lower()
        n = number(token) if token not in ORDINALS else ORDINALS[token]
        if n is not None and 1 <= n <= count and n not in items:
            items[n] = said.start
    return count, verdict.quote, items


@key_rule("promise_kept", about="promise")
def promise_kept(m: Measurements) -> Finding | None:
    found_promise = promise(m)
    if found_promise is None:
        return None
    count, words, items = found_promise
    if len(items) < count:
        return None
    times = ", ".join(f"{num(items[n])} с" for n in sorted(items))
    return Finding(
        "Обещание выполнено",
        f"{quote(words, 50)} в начале — и все {count} "
        f"{plural(count, 'пункт', 'пункта', 'пунктов')} потом пронумерованы ({times}): "
        "зритель видит, что получает обещанное, и досматривает до последнего.",
        score=0.9,
        at=(items[1], max(items.values())),
    )


@advice_rule("promise_unkept", about="promise")
def promise_unkept(m: Measurements) -> Finding | None:
    found_promise = promise(m)
    if found_promise is None or "ocr_unavailable" in m.warnings:
        return None
    count, words, items = found_promise
    if len(items) >= count:
        return None
    noun = plural(count, "пункт", "пункта", "пунктов")
    if items:
        seen = ", ".join(str(n) for n in sorted(items))
        state = f"а пронумерованы только {len(items)} ({seen})"
    else:
        state = "а номеров пунктов дальше нет ни на экране, ни в речи"
    return Finding(
        "Текст",
        f"Обещано {count} {noun} ({quote(words, 50)}), {state}. Подпишите номер каждого "
        "пункта крупно («1», «2», …): зритель должен видеть, что обещание выполняется.",
        at=(0.0, min(HOOK_WINDOW_SEC, m.duration_sec)),
    )


@key_rule("story_turn", about="story")
def story_turn(m: Measurements) -> Finding | None:
    verdict = hook_verdict(m)
    if verdict.type != "story_opening":
        return None
    turn = next((s for s in found(m, TURN) if s.start >= HOOK_WINDOW_SEC), None)
    if turn is None:
        return None
    return Finding(
        "История с поворотом",
        f"Завязка {quote(verdict.quote, 50)} в начале, поворот {quote(turn.text)} на "
        f"{num(turn.start)} с — зритель ждёт развязки и досматривает.",
        score=0.87,
        at=(turn.start, turn.end),
    )
