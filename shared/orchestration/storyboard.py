"""The storyboard: one frame per script row, from the analysed video, written to the
bucket under `results/<frames token>/` (a token of the job's own, kept in its private
document: a frame's name and URL say nothing about the job; the result holds only
the object names, `status` answers short-lived signed URLs).

A row's frame is the middle of the measured shot that covers most of the row (a
representative frame, not the first one after a cut), or the row's middle. The
measurement kept a still of each shot's middle as it decoded (`shared.core.stills`):
a row whose moment one shows takes it; only the others are decoded again (`frames`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shared.adapters import logs
from shared.core.ports import Storage
from shared.core.schema import AnalysisResult, Frame, ScriptRow, Span
from shared.core.stills import Still, still_for

FramesFn = Callable[[Path, list[float]], list[bytes | None]]


def frame_times(result: AnalysisResult) -> list[float]:
    shots = result.timeline.shots if result.timeline else []
    duration = result.meta.duration_sec or 0.0
    return [_row_time(row, shots, duration) for row in result.script]


def _row_time(row: ScriptRow, shots: list[Span], duration: float) -> float:
    start = row.start_sec if row.start_sec is not None else 0.0
    end = row.end_sec if row.end_sec is not None and row.end_sec > start else start
    overlaps = [(min(end, s.end_sec) - max(start, s.start_sec), s) for s in shots]
    best = max(overlaps, key=lambda o: o[0], default=None)
    if best is not None and best[0] > 0:
        middle = (max(start, best[1].start_sec) + min(end, best[1].end_sec)) / 2
    else:
        middle = (start + end) / 2
    return round(min(middle, max(0.0, duration - 0.05)) if duration else middle, 2)


def frame_name(prefix: str, row: int) -> str:
    """A row's frame under a storyboard's prefix (`shared.core.jobs.frames_prefix`)."""
    return f"{prefix}{row:03d}.jpg"


def write_storyboard(
    result: AnalysisResult,
    *,
    video: Path,
    prefix: str,
    storage: Storage,
    frames: FramesFn,
    stills: list[Still] | None = None,
) -> list[Frame]:
    """Extract, upload and name each row's frame; a frame that fails is left out."""
    times = frame_times(result)
    if not times:
        return []
    images = [still_for(stills or [], t) for t in times]
    missing = [i for i, image in enumerate(images) if image is None]
    with logs.timed("storyboard", frames=len(times), decoded=len(missing)):
        if missing:
            for i, image in zip(missing, frames(video, [times[i] for i in missing]), strict=True):
                images[i] = image
        board = []
        for row, (time_sec, image) in enumerate(zip(times, images, strict=True)):
            if image is None:
                continue
            name = frame_name(prefix, row)
            storage.put(name, image, "image/jpeg")
            board.append(Frame(row=row, time_sec=time_sec, object=name))
    return board
