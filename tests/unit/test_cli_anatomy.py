"""The CLI shows the hook and the pacing of a result (offline analyzer's shape)."""

from __future__ import annotations

from reels_cli.__main__ import render
from shared.analyzers.offline.report import build_result
from tests.offline.rule_cases import reel


def test_the_hook_card_and_pacing_line_come_first() -> None:
    result = build_result(reel()).model_dump(mode="json")
    text = render(result)
    assert text.startswith("ХУК (первые 3 с): Обещание списка")
    assert "сила" in text and "/10" in text
    assert "слова: «Три ошибки новичков смотрите»" in text
    assert "Темп: 5 пл. за 12 с (2,4 с на план)" in text
    assert text.index("ХУК") < text.index("ТРАНСКРИБАЦИЯ")


def test_an_old_result_without_anatomy_still_renders() -> None:
    result = build_result(reel()).model_dump(mode="json")
    for field in ("hook", "timeline", "storyboard", "adapted_script", "adapted_note"):
        result.pop(field)
    text = render(result)
    assert text.startswith("ТРАНСКРИБАЦИЯ") and "ХУК" not in text


def test_a_results_notices_come_before_everything() -> None:
    from shared.core.messages import NOTICES, Notice

    result = build_result(reel()).model_dump(mode="json")
    result["meta"]["notices"] = [{"code": "ai_misconfigured", "message": "old"}]
    text = render(result)
    assert text.startswith("! Разбор ИИ сейчас недоступен")
    assert NOTICES[Notice.AI_MISCONFIGURED][:60] in " ".join(text.split())
    assert text.index("загружать") < text.index("ХУК")
