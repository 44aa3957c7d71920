"""Each decoded frame's time, from timestamps that may lie.

Decoders hand frames over in display order, but their timestamps are not always in
that order: MPEG-4 Part 2 in AVI with "packed" B-frames (DivX 5, Xvid, old cameras
and editors) comes out with pairs of presentation timestamps swapped (1, 2, 4, 3, 5,
7, 6 …) while the decoding timestamps run straight. Pushing every late frame one
frame past the last made such a file's timeline run twice as fast (cuts at twice
their time, shots past the end).

As libavcodec's `best_effort_timestamp`: the faults (a timestamp not after the one
before) of pts and of dts are counted and the less faulty one is used; a frame with
neither follows the last by one nominal frame; a time a little behind the last is put
a hair past it, so that one bad timestamp costs nothing afterwards. Timestamps that
jump back further (joined files, a wrapped counter) are a discontinuity: the timeline
goes on one frame after the last, and later frames keep their spacing from there.
"""

from __future__ import annotations

from fractions import Fraction

NUDGE_SEC = 1e-4  # how far past the last frame a frame with a stale timestamp goes
JUMP_BACK_SEC = 0.25  # further back than this (and 4 frames) is a discontinuity


class FrameClock:
    """Call it with each frame's (pts, dts) in stream time-base units, in decode
    output order; it returns seconds from `start` (the stream's start), increasing."""

    def __init__(self, fps: float, time_base: Fraction, start: int) -> None:
        self.frame_sec = 1.0 / fps
        self.time_base = time_base
        self.start = start
        self.frames = 0
        self.last = 0.0
        self.step = self.frame_sec  # the last real gap between frames
        self.shift = 0.0  # added to timestamps after a discontinuity
        self._last_pts: int | None = None
        self._last_dts: int | None = None
        self._faulty_pts = 0
        self._faulty_dts = 0

    def _count_faults(self, pts: int | None, dts: int | None) -> None:
        if pts is not None:
            if self._last_pts is not None and pts <= self._last_pts:
                self._faulty_pts += 1
            self._last_pts = pts
        if dts is not None:
            if self._last_dts is not None and dts <= self._last_dts:
                self._faulty_dts += 1
            self._last_dts = dts

    def _chosen(self, pts: int | None, dts: int | None) -> int | None:
        if pts is not None and (dts is None or self._faulty_pts <= self._faulty_dts):
            return pts
        return dts

    def __call__(self, pts: int | None, dts: int | None = None) -> float:
        self._count_faults(pts, dts)
        value = self._chosen(pts, dts)
        first = self.frames == 0
        self.frames += 1
        if value is None:  # no timestamp at all: one nominal frame after the last
            t = 0.0 if first else self.last + self.frame_sec
        else:
            t = max(0.0, float((value - self.start) * self.time_base)) + self.shift
        if not first:
            if t <= self.last - max(JUMP_BACK_SEC, 4 * self.frame_sec):
                self.shift += self.last + self.frame_sec - t
                t = self.last + self.frame_sec
            elif t <= self.last:
                t = self.last + NUDGE_SEC
            else:
                self.step = min(1.0, t - self.last)
        self.last = t
        return t

    @property
    def end(self) -> float:
        """End of the last frame (0 before any)."""
        return self.last + max(self.step, NUDGE_SEC) if self.frames else 0.0
