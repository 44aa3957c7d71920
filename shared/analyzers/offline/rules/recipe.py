"""Recommendations of the first kind: how to film a similar video.

The seed's "practical advice for making content": what to keep when you shoot your
own version, each built from what this video measurably does (its opening, its
blocks, its voice, its captions, its ending). They come before the fixes in
`advice.py` (`_load` imports this module first) and stay silent when the video
gives nothing to copy.
"""

from __future__ import annotations

from shared.analyzers.offline.hook import hook_verdict
from shared.analyzers.offline.rules import Finding, advice_rule
from shared.analyzers.offline.rules.keys import END_WINDOW_SEC, end_window, ending_call
from shared.analyzers.offline.text import num, plural, quote
from shared.core.measurements import Measurements
from shared.core.schema import HOOK_TYPES, HOOK_WINDOW_SEC

CATEGORY = "Как снять похожее"
MIN_BLOCK_SHOTS = 3  # fewer shots: no block structure to copy
MIN_RATE_WORDS = 12  # fewer words: no pace to measure
MIN_CAPTIONS = 3  # fewer captions: no rhythm to copy
CALM_WPM = 110  # words per minute: below, calm; above FAST_WPM, fast
FAST_WPM = 160

_OPENING_HOW = {
    "question": "задайте вопрос, на который ответит ролик",
    "list_promise": "пообещайте конкретное число пунктов",
    "urgency": "скажите, что время или места кончаются",
    "text_hook": "покажите крупный заголовок с темой ролика",
    "pattern_interrupt": "начните с резкой смены кадра, движения или звука",
}
# What to try a few takes of, by the channel that carries the hook.
_VARIANTS = {
    "words": "Снимите 2–3 варианта первой фразы и оставьте самый короткий.",
    "text": "Сделайте 2–3 варианта заголовка и оставьте самый короткий и крупный.",
    "picture": "Снимите 2–3 варианта первого кадра и оставьте самый резкий.",
    "sound": "Попробуйте 2–3 варианта первого звука и оставьте самый заметный.",
}


def _has_content(m: Measurements) -> bool:
    return bool(m.transcript and m.transcript.words()) or any(s.text for s in m.shots)


@advice_rule("recipe_opening", about="recipe_opening")
def recipe_opening(m: Measurements) -> Finding | None:
    """The opening to copy: its type and its words or caption."""
    found = hook_verdict(m)
    if found.type == "no_hook" or found.source is None:
        return None
    kind = found.type
    how = _OPENING_HOW.get(kind, f"используйте тот же приём — {HOOK_TYPES[kind].lower()}")
    where = " на экране" if found.source == "text" else ""
    example = f" Здесь это {quote(found.quote, 60)}{where}." if found.quote else ""
    return Finding(
        CATEGORY,
        f"Откройте так же: в первые {num(HOOK_WINDOW_SEC, 0)} с {how}.{example} "
        f"{_VARIANTS[found.source]}",
        at=(0.0, min(HOOK_WINDOW_SEC, m.duration_sec)),
    )


@advice_rule("recipe_blocks", about="recipe_blocks")
def recipe_blocks(m: Measurements) -> Finding | None:
    """The body to copy: as many blocks, each as long, one idea per shot."""
    body = [s for s in m.shots if s.start >= min(HOOK_WINDOW_SEC, m.duration_sec / 4)]
    if len(m.shots) < MIN_BLOCK_SHOTS or not body or not _has_content(m):
        return None
    avg = sum(s.duration for s in body) / len(body)
    ending = ending_call(m)
    tail = (
        f" Финал — призыв, как здесь: {quote(ending[0], 40)}."
        if ending is not None
        else f" {_ending(m)} скажите, что сделать дальше "
        "(подписаться, сохранить, написать в комментариях)."
    )
    return Finding(
        CATEGORY,
        f"Постройте ролик из {len(body)} {plural(len(body), 'блока', 'блоков', 'блоков')} "
        f"после хука, по {num(avg)} с каждый: одна мысль — один план, "
        f"смена крупности или ракурса на каждой мысли.{tail}",
        at=(body[0].start, m.duration_sec),
    )


def _ending(m: Measurements) -> str:
    window = end_window(m)
    if window < END_WINDOW_SEC:
        return "В конце ролика"  # "the last 5 s" would be half of a short clip
    return f"В последние {num(window, 0)} с"


@advice_rule("recipe_voice", about="recipe_voice")
def recipe_voice(m: Measurements) -> Finding | None:
    """The voice to copy: its pace in words per minute."""
    words = m.transcript.words() if m.transcript else []
    if len(words) < MIN_RATE_WORDS:
        return None
    spoken = sum(s.end - s.start for s in m.transcript.segments) if m.transcript else 0.0
    if spoken <= 0:
        return None
    wpm = len(words) / spoken * 60
    if wpm < CALM_WPM:
        pace = "спокойный темп: паузы дают словам прозвучать"
    elif wpm > FAST_WPM:
        pace = "быстрый темп: без пауз и вступлений, сразу к делу"
    else:
        pace = "разговорный темп, как в беседе с другом"
    return Finding(
        CATEGORY,
        f"Говорите в том же темпе — около {num(wpm, 0)} слов в минуту ({pace}). "
        "Запишите текст заранее и прочитайте вслух с таймером.",
        at=(words[0].start, words[-1].end),
    )


@advice_rule("recipe_captions", about="recipe_captions")
def recipe_captions(m: Measurements) -> Finding | None:
    """The captions to copy: how often they change and how short they are."""
    captions = [c for c in m.captions if c.text.strip()]
    if len(captions) < MIN_CAPTIONS:
        return None
    every = (captions[-1].start - captions[0].start) / (len(captions) - 1)
    words = sum(len(c.text.split()) for c in captions) / len(captions)
    return Finding(
        CATEGORY,
        f"Ведите зрителя надписями: здесь их {len(captions)}, новая каждые {num(every)} с, "
        f"в среднем {num(words, 0)} {plural(round(words), 'слово', 'слова', 'слов')}. "
        "Пишите крупно, коротко, ключевую мысль каждого блока.",
        at=(captions[0].start, captions[-1].end),
    )
