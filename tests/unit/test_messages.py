"""Every error code and stage has its Russian text; codes are checked, never guessed."""

from __future__ import annotations

import pytest

from shared.core import messages
from shared.core.errors import PermanentError
from shared.core.messages import ERRORS, STAGE_PROGRESS, STAGES, ErrorCode, Stage


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_a_russian_message(code: ErrorCode) -> None:
    text = ERRORS[code]
    assert text.strip() and any("а" <= ch <= "я" for ch in text.lower())


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_has_a_status_line_and_progress(stage: Stage) -> None:
    assert STAGES[stage].strip()
    if stage is not Stage.FAILED:
        assert 0 <= STAGE_PROGRESS[stage] <= 100


def test_progress_only_moves_forward_through_the_stages() -> None:
    values = [STAGE_PROGRESS[s] for s in Stage if s is not Stage.FAILED]
    assert values == sorted(values)


def test_a_missing_message_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(messages.ERRORS, ErrorCode.AI_BLOCKED)
    with pytest.raises(RuntimeError, match="ai_blocked"):
        messages._check()


def test_a_mistyped_code_fails_loudly() -> None:
    with pytest.raises(ValueError):
        PermanentError("ai_blokced")


def test_parameters_are_filled_in() -> None:
    assert "100 МБ" in messages.error_message(ErrorCode.FILE_TOO_LARGE, max_mb=100)
    assert messages.error_message("no_such_code") == ERRORS[ErrorCode.INTERNAL]


@pytest.mark.parametrize("notice", list(messages.Notice))
def test_every_notice_has_a_russian_text(notice: messages.Notice) -> None:
    text = messages.NOTICES[notice]
    assert text.strip() and any("а" <= ch <= "я" for ch in text.lower())


def test_every_ai_fallback_notice_says_the_offline_analysis_follows() -> None:
    for code, notice in messages.FALLBACK_NOTICES.items():
        assert code.value.startswith("ai_")
        assert "автоматический разбор по измерениям" in messages.NOTICES[notice]
    # Our own mistake tells the user not to upload again (issue 17).
    assert "загружать заново не нужно" in messages.NOTICES[messages.Notice.AI_MISCONFIGURED]


def test_a_missing_notice_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(messages.NOTICES, messages.Notice.FROM_CACHE)
    with pytest.raises(RuntimeError, match="from_cache"):
        messages._check()
