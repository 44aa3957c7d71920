"""The hook of the first seconds, judged offline by transparent rules over every
channel: what was said, what was shown, the picture and the sound (Russian and
English). Never invented: a type is named only when its words, its caption or its
measured picture or sound are there, and every point of strength has its reason.

`verdict` is the one judgement of the opening: the hook card, the keys and the advice
all read it (`hook_verdict`), so they never disagree. The table `TYPE_RULES` is read
top to bottom, each rule over the words and then the on-screen text; the first type
whose pattern matches either wins (a «3 способа» caption beats a bold word said). A caption that is not just the subtitle of the words is a
`text_hook`; without words or text, a sharp start of the picture or the sound is a
`pattern_interrupt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from shared.analyzers.offline.text import num, quote
from shared.core.anatomy import captions, hook_measured
from shared.core.measurements import Measurements
from shared.core.schema import HOOK_TYPES, HOOK_WINDOW_SEC, Hook, HookMeasured

_NUM = r"(?:\d+|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|two|three|four|five|six|seven|eight|nine|ten)"
_ITEMS = (
    r"(?:способ|ошиб|совет|причин|шаг|лайфхак|правил|вещ|приём|прием|иде|приложени|"
    r"фильм|книг|упражнен|продукт|мест|фраз|привыч|трюк|фишк|сервис|"
    r"way|mistake|tip|reason|step|hack|rule|thing|trick|idea|app|book|movie|place|habit|"
    r"product|exercise)"
)
_FILLER = r"(?:(?:короче|итак|так вот|ну|слушайте|слушай|so|okay|ok|well)[,!.:]?\s+)?"

Source = Literal["words", "text", "picture", "sound"]


@dataclass(frozen=True)
class TypeRule:
    type: str
    pattern: re.Pattern[str]
    why: str  # why this kind of opening holds viewers


@dataclass(frozen=True)
class Verdict:
    """The opening's type, why it holds, and the channel that carries it."""

    type: str
    why: str
    source: Source | None = None  # None for "no_hook"
    quote: str = ""  # the words or the caption that carry it ("" for picture or sound)

    @property
    def visual(self) -> bool:
        """A hook carried by the screen or the sound, not by the first words."""
        return self.type != "no_hook" and self.source != "words"


def _rule(hook_type: str, pattern: str, why: str) -> TypeRule:
    return TypeRule(hook_type, re.compile(pattern, re.IGNORECASE), why)


TYPE_RULES: tuple[TypeRule, ...] = (
    _rule(
        "list_promise",
        rf"\b(?:топ|top)[\s-]*{_NUM}\b|\b{_NUM}(?:\s+\w+){{0,2}}?\s+{_ITEMS}",
        "обещает конкретное число пунктов — зритель досматривает, чтобы получить все",
    ),
    _rule(
        "tutorial_promise",
        r"\b(?:как\s+\w+(?:ть|ти|чь)\b|как сделать|как приготовить|покажу как|покажу,? как|научу|научитесь|пошагово|рецепт|инструкци|how to|i'?ll show you|i will show you|i'?m going to show you|let me show you|step by step|tutorial)\b",
        "обещает научить — польза понятна с первых слов",
    ),
    _rule(
        "urgency",
        r"\bосталось\b|\bуспе(?:й|йте|ть)\b|\bпоследн(?:ий|ие|яя|ее)\s+(?:шанс|день|дни|час|мест)|только сегодня|пока не удалил|скоро удал|\bсрочно\b|до конца акции|\bhurry\b|last chance|only today|ends (?:today|tonight)|limited time|before it'?s gone|\b\d+\s+(?:minutes|hours|days)\s+left",
        "срочность: время или места кончаются — смотрят сейчас, а не потом",
    ),
    _rule(
        "story_opening",
        rf"^{_FILLER}(?:однажды|когда я|вчера|в прошлом (?:году|месяце)|история|это случилось|это было|one day|when i was|yesterday|last (?:year|month)|so i|this happened|story)\b|расскажу (?:вам |тебе )?историю|story ?time|let me tell you",
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
        r"\b(?:секрет|никто не (?:говорит|знает|расскажет)|вы не поверите|ты не поверишь|не поверишь|оказывается|вот почему|а дальше|что будет,? если|(?:смотри|смотрите|досмотри|досмотрите) до конца|secret|nobody tells you|no one tells you|you won'?t believe|turns out|here'?s why|here'?s what|the reason|what happens|watch (?:till|until|to) the end|wait for the end)",
        "недосказанность: ответ обещан позже, поэтому досматривают",
    ),
    _rule(
        "bold_claim",
        r"\b(?:никогда|всегда|лучш|худш|самый|самая|самое|единственн|100 ?%|все ошибаются|never|always|best|worst|the only|(?:everyone|everybody) is wrong)",
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


SUBTITLE_SHARE = 0.6  # a caption this much made of the words said is their subtitle


def verdict(measured: HookMeasured) -> Verdict:
    """The opening's type from every channel: words, on-screen text, picture, sound."""
    channels: tuple[tuple[Source, str], ...] = (
        ("words", measured.words),
        ("text", measured.on_screen_text),
    )
    for rule in TYPE_RULES:  # the most specific type first, whichever channel has it
        for source, said in channels:
            text = " ".join(said.split())
            if text and rule.pattern.search(text):
                return Verdict(rule.type, rule.why, source, text)
    text = " ".join(measured.on_screen_text.split())
    if text and not _subtitle(text, measured.words):
        return Verdict(
            "text_hook",
            "крупный текст в первые секунды сразу называет тему — его читают и без звука",
            "text",
            text,
        )
    if interrupt := _interrupt(measured):
        return interrupt
    if measured.words or measured.on_screen_text:
        return Verdict(
            "no_hook", "в первые секунды есть слова, но в них нет ни вопроса, ни обещания"
        )
    return Verdict("no_hook", "в первые секунды нет ни слов, ни текста, ни резкой смены кадра")


def hook_type(measured: HookMeasured) -> tuple[str, str]:
    """(type, why) of `verdict`."""
    found = verdict(measured)
    return found.type, found.why


def hook_verdict(m: Measurements) -> Verdict:
    """The verdict on these measurements: what the hook card, keys and advice share."""
    return verdict(hook_measured(m))


def verdict_at(m: Measurements, found: Verdict) -> tuple[float, float]:
    """The moment that carries the verdict: its words, its caption or the window."""
    end = min(HOOK_WINDOW_SEC, m.duration_sec) if m.duration_sec else HOOK_WINDOW_SEC
    if found.source == "words" and m.transcript:
        said = [w for w in m.transcript.words() if w.start < HOOK_WINDOW_SEC]
        if said:
            return said[0].start, said[-1].end
    if found.source == "text":
        shown = [c for c in captions(m) if c.start < HOOK_WINDOW_SEC and c.text.strip()]
        if shown:
            return max(0.0, shown[0].start), shown[0].end
    return 0.0, end


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _subtitle(text: str, words: str) -> bool:
    """Whether the caption only writes out the words said (a subtitle, not a headline)."""
    said = set(_tokens(words))
    shown = _tokens(text)
    if not said or not shown:
        return False
    return sum(t in said for t in shown) / len(shown) >= SUBTITLE_SHARE


def _interrupt(m: HookMeasured) -> Verdict | None:
    """A sharp start of the picture or the sound (a pattern interrupt), if measured."""
    if m.first_cut_sec is not None and m.first_cut_sec <= FAST_CUT_SEC:
        why = f"склейка уже на {num(m.first_cut_sec)} с — резкое начало ломает ожидание"
        return Verdict("pattern_interrupt", why, "picture")
    if m.camera_first == "zoom_in":
        why = "наезд камеры в первом плане притягивает взгляд с первой секунды"
        return Verdict("pattern_interrupt", why, "picture")
    if m.motion_first_sec is not None and m.motion_first_sec >= BUSY_START_MOTION:
        why = "кадр заметно меняется в первую секунду — это ломает ожидание"
        return Verdict("pattern_interrupt", why, "picture")
    if _loud_start(m):
        why = "начало громче остального ролика — звук останавливает пролистывание"
        return Verdict("pattern_interrupt", why, "sound")
    return None


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

    if kind not in ("no_hook", "pattern_interrupt", "text_hook"):
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
    if measured.camera_first == "zoom_in":
        add(1, "наезд камеры в первом плане")
    if measured.motion_first_sec is not None and measured.motion_first_sec >= BUSY_START_MOTION:
        add(1, "в первую секунду кадр заметно меняется")
    if _loud_start(measured):
        add(1, "начало громче остального ролика")
    if not reasons:
        reasons.append("в первые секунды нечего оценить: ни слов, ни текста, ни смены кадра")
    return max(1, min(10, score)), reasons


def judge(measured: HookMeasured) -> Hook:
    found = verdict(measured)
    kind, why = found.type, found.why
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
