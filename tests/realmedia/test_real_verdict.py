"""One verdict on the opening of real reels (issue 19): the hook card, the keys and the
advice of the offline result never contradict each other on real footage, speech and
captions, and a headline caption before any word is the hook («РОГА И КОПЫТА» on the
captions clip was «Хука нет» beside the key «Текст-хук в первом кадре»)."""

from __future__ import annotations

import pytest

from tests.offline.contradictions import contradictions

pytestmark = pytest.mark.slow


def _result(path, measured):
    from shared.analyzers.offline.report import build_result

    return build_result(measured(path))


@pytest.mark.parametrize("name", ["russian", "english", "no_speech", "captions"])
def test_no_two_sections_contradict_on_real_reels(name: str, real_clips, measured) -> None:
    result = _result(real_clips[name].path, measured)
    assert contradictions(result) == [], (result.hook, [k.title for k in result.keys])


def test_a_headline_before_any_word_is_the_hook(real_clips, measured) -> None:
    result = _result(real_clips["captions"].path, measured)
    assert result.hook is not None
    assert result.hook.type == "text_hook", result.hook
    assert "РОГА И КОПЫТА" in result.hook.measured.on_screen_text
    titles = [k.title for k in result.keys]
    assert "Хук: заголовок на экране" in titles, titles
