"""Storyboard stills the measurement kept while it decoded: one small JPEG per shot,
of the sample nearest the shot's middle (its keyframe), so the storyboard needs no
second decode. Handed to the orchestration beside `Measurements`, never in a result.
"""

from __future__ import annotations

from dataclasses import dataclass

# A still stands in for the frame at a time when it was taken this close to it (half
# the measurement's sampling interval, `shared.measure.video.SAMPLE_INTERVAL_SEC`).
STILL_TOLERANCE_SEC = 0.13


@dataclass(frozen=True)
class Still:
    start: float  # the shot it shows, seconds
    end: float
    time: float  # when the frame was shown
    jpeg: bytes


def still_for(stills: list[Still], time: float) -> bytes | None:
    """The JPEG of a still in the shot at `time`, taken within STILL_TOLERANCE_SEC of it."""
    near = [
        s
        for s in stills
        if s.start <= time < s.end + 1e-3 and abs(s.time - time) <= STILL_TOLERANCE_SEC
    ]
    return min(near, key=lambda s: abs(s.time - time)).jpeg if near else None
