"""The storyboard takes the stills the measurement kept and decodes only the rest
(issue 19: the second decode was 30 % of a job)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import media
from shared.core.measurements import Measurements
from shared.core.stills import STILL_TOLERANCE_SEC, Still, still_for
from shared.core.video import MeasureRequest, ProgressFn
from shared.orchestration.analyze import Outcome
from tests.unit.test_pipeline import TwoRows, setup

DECODED = b"\xff\xd8decoded"


class CountingFrames:
    """A frames function that records what it was asked to decode."""

    def __init__(self) -> None:
        self.calls: list[list[float]] = []

    def __call__(self, path: Path, times: list[float]) -> list[bytes | None]:
        self.calls.append(list(times))
        return [DECODED for _ in times]


def measured_with(*stills: Still):
    def measure(path: Path, progress: ProgressFn, request: MeasureRequest) -> Measurements:
        return Measurements(3.0, 72, 128, 25.0, "h264", None, False, stills=list(stills))

    return measure


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media.no_audio(tmp_path_factory.mktemp("stills")).path


def _run(video: Path, *stills: Still) -> tuple[CountingFrames, list[bytes]]:
    pipeline, store, storage, job_id, event = setup(video, TwoRows(needs=MeasureRequest()))
    pipeline.measure = measured_with(*stills)
    pipeline.frames = frames = CountingFrames()
    assert pipeline.handle(event) is Outcome.SUCCESS
    board = store.docs[job_id]["result"]["storyboard"]
    assert [f["time_sec"] for f in board] == [0.75, 2.25]  # the rows' moments, as before
    return frames, [storage.blobs[f["object"]][0] for f in board]


def test_no_second_decode_when_the_measurement_kept_every_frame(video: Path) -> None:
    first = Still(start=0.0, end=1.5, time=0.72, jpeg=b"\xff\xd8one")
    second = Still(start=1.5, end=3.0, time=2.28, jpeg=b"\xff\xd8two")
    frames, images = _run(video, first, second)
    assert frames.calls == []
    assert images == [first.jpeg, second.jpeg]


def test_only_the_moments_without_a_still_are_decoded(video: Path) -> None:
    kept = Still(start=0.0, end=1.5, time=0.75, jpeg=b"\xff\xd8one")
    far = Still(start=1.5, end=3.0, time=2.25 + 2 * STILL_TOLERANCE_SEC, jpeg=b"\xff\xd8far")
    frames, images = _run(video, kept, far)
    assert frames.calls == [[2.25]]  # the far still is another moment: decoded instead
    assert images == [kept.jpeg, DECODED]


def test_a_still_of_another_shot_is_not_taken() -> None:
    """A moment just past a cut is not shown by the shot before it, however near."""
    before = Still(start=0.0, end=1.0, time=0.95, jpeg=b"a")
    assert still_for([before], 1.02) is None
    assert still_for([before], 0.9) == b"a"
    assert still_for([], 0.9) is None
