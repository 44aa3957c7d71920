"""The reel's anatomy in the terminal: the hook card and a one-line pacing summary."""

from __future__ import annotations

import textwrap
from typing import Any


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def render_hook(result: dict[str, Any], width: int = 100) -> list[str]:
    hook = result.get("hook")
    if not hook:
        return []
    measured = hook.get("measured") or {}
    window = _num(hook.get("window_sec", 3.0))

    def wrap(text: str, indent: str = "  ") -> str:
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)

    out = [
        f"ХУК (первые {window} с): {hook.get('type_label') or hook.get('type')} — "
        f"сила {hook.get('strength')}/10",
        wrap(hook.get("why", "")),
    ]
    facts = [
        f"первое слово: {_num(measured.get('first_word_sec'))} с",
        f"первая склейка: {_num(measured.get('first_cut_sec'))} с",
    ]
    if measured.get("words"):
        facts.append(f"слова: «{measured['words']}»")
    if measured.get("on_screen_text"):
        facts.append(f"текст: «{measured['on_screen_text']}»")
    out.append(wrap("; ".join(facts)))
    out += [wrap(f"• {reason}", "  ") for reason in hook.get("reasons", [])]
    if hook.get("alternatives"):
        out.append("  Другие варианты начала:")
        out += [wrap(f"— {line}", "    ") for line in hook["alternatives"]]
    return [*out, ""]


def pacing_line(result: dict[str, Any]) -> str | None:
    """'Темп: 5 планов за 12 с (2,4 с на план), речь 60% времени, текст 80%.'"""
    timeline = result.get("timeline")
    if not timeline:
        return None
    duration = timeline.get("duration_sec") or 0
    shots = timeline.get("shots") or []
    if not duration or not shots:
        return None

    def share(spans: list[dict[str, Any]]) -> int:
        covered = sum(max(0.0, float(s["end_sec"]) - float(s["start_sec"])) for s in spans)
        return round(100 * min(1.0, covered / duration))

    return (
        f"Темп: {len(shots)} пл. за {_num(duration)} с ({_num(duration / len(shots))} с на план), "
        f"речь {share(timeline.get('speech') or [])}% времени, "
        f"текст на экране {share(timeline.get('text') or [])}%."
    )
