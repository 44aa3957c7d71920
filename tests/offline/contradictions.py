"""What no two sections of one result may say at once (the hook card, the keys, the
recommendations and the closing line), checked on tables of measurements and on real
media. Each check is one line of `contradictions`: a pair that would confuse a reader.
"""

from __future__ import annotations

from shared.core.schema import HOOK_TYPES, AnalysisResult

HOOK_KEY_PREFIX = "Хук: "
TEXT_HOOK_KEY = "Текст-хук в первом кадре"
NO_HOOK_ADVICE = "Хука нет"
ALL_FINE = "Все измеренные показатели в пределах ориентиров"
SPEAK_EARLIER = "Начните говорить в первые"
FIRST_PHRASE = "варианта первой фразы"
LAST_SECONDS = "В последние 5 с"


def contradictions(result: AnalysisResult) -> list[str]:
    hook = result.hook
    assert hook is not None
    keys = [k.title for k in result.keys]
    recs = [r.text for r in result.recommendations]
    said = " ".join(recs)
    found = []
    if hook.type == "no_hook":
        found += [f"hook card «{HOOK_TYPES['no_hook']}» beside key «{k}»" for k in keys
                  if k.startswith(HOOK_KEY_PREFIX) or k == TEXT_HOOK_KEY]  # fmt: skip
        if NO_HOOK_ADVICE not in said:
            found.append("no hook, and no recommendation says so")
        if ALL_FINE in said:
            found.append("no hook, yet «all within targets»")
    else:
        if NO_HOOK_ADVICE in said:
            found.append(f"hook card «{hook.type_label}» beside advice «{NO_HOOK_ADVICE}»")
        for k in keys:
            if k.startswith(HOOK_KEY_PREFIX) and not _same_type(k, hook.type_label):
                found.append(f"hook card «{hook.type_label}» beside key «{k}»")
    visual = hook.type != "no_hook" and not hook.measured.words
    if visual and SPEAK_EARLIER in said:
        found.append("a hook with no words, yet «start speaking earlier»")
    if FIRST_PHRASE in said and not hook.measured.words:
        found.append("«takes of the first phrase» with no words in the hook")
    if (
        LAST_SECONDS in said
        and result.meta.duration_sec is not None
        and result.meta.duration_sec < 15
    ):
        found.append(f"«the last 5 s» of a {result.meta.duration_sec} s clip")
    return found


def _same_type(key_title: str, label: str) -> bool:
    key = key_title.removeprefix(HOOK_KEY_PREFIX).lower()
    return label.lower().startswith(key)
