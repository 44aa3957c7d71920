"""The analyze worker gives its memory back whenever a claimed job ends (success,
failure, a transient error), and not for deliveries it does not work on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from shared.core.errors import PermanentError, TransientError
from shared.orchestration.analyze import Outcome
from shared.orchestration.wiring import after_job
from tests.unit.test_pipeline import ScriptedAnalyzer, setup, video  # noqa: F401  (fixture)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [(None, Outcome.SUCCESS), (PermanentError("ai_blocked"), Outcome.FAILURE)],
)
def test_memory_is_released_when_a_job_ends(
    video: Path,  # noqa: F811
    outcome: Exception | None,
    expected: Outcome,
) -> None:
    pipeline, *_, event = setup(video, ScriptedAnalyzer(outcome))
    released = Counter()
    pipeline = replace(pipeline, after_job=released)
    assert pipeline.handle(event) is expected
    assert released.calls == 1


def test_memory_is_released_when_a_job_is_to_be_retried(video: Path) -> None:  # noqa: F811
    pipeline, *_, event = setup(video, ScriptedAnalyzer(TransientError("ai_unavailable")))
    released = Counter()
    pipeline = replace(pipeline, after_job=released)
    with pytest.raises(TransientError):
        pipeline.handle(event)
    assert released.calls == 1


def test_a_busy_delivery_does_no_work_and_releases_nothing(video: Path) -> None:  # noqa: F811
    pipeline, store, _, job_id, event = setup(video, ScriptedAnalyzer())
    released = Counter()
    pipeline = replace(pipeline, after_job=released)
    store.claim(job_id, generation=event.generation, token="another worker")
    assert pipeline.handle(event) is Outcome.BUSY
    assert released.calls == 0


def test_the_real_release_runs() -> None:
    after_job()
