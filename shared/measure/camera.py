"""How the camera moves in a shot: static, a pan or tilt, a zoom, or shaking hands.

About 5 times a second the grey detection frame is halved again (to ~72x128) and a
grid of points is followed from the previous such frame by pyramidal Lucas–Kanade
optical flow; a similarity transform fitted to them with RANSAC gives the picture's
shift and scale between the two. A person filling most of a still camera's frame wins
that vote, so the background is asked first (issue 19): when enough points stand still
that the fitted motion does not explain, the camera stood still. About 0.6 ms a step.
Per shot, the steps give the camera's mean velocity (frame widths or heights per
second), its zoom rate, and how much it jitters (the median change from step to step,
so a person's jerk now and then is not hands shaking), and these name the movement.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from shared.core.measurements import CAMERA_MOVES

if TYPE_CHECKING:
    import numpy as np

STEP_SEC = 0.2  # time between compared frames (5 a second)
GRID = (9, 15)  # points followed: columns x rows (of a vertical frame; swapped if wide)
MIN_POINTS = 8  # fewer trackable points (a flat frame): the step is unknown
MIN_INLIERS = 0.5  # share of the followed points that must agree on one motion
RANSAC_PX = 1.0
# A still background behind a moving subject (a tripod, a webcam, a camera fixed in a
# car): this share of the followed points not moving (under STILL_PX) is a still camera,
# whatever motion the rest (the person) agrees on.
STILL_SHARE = 0.12
STILL_PX = 0.5
# Naming the movement (shares of the frame, per second unless said otherwise).
PAN_SPEED = 0.04  # slower is no pan
PAN_STEADINESS = 0.6  # |mean velocity| / mean |velocity|: a pan keeps its direction
ZOOM_RATE = 0.05  # |log scale| per second; a zoom is also faster than any pan beside it
SHAKE = 0.0035  # rms jitter per step around the mean motion: hands holding the camera
STILL_MOTION = 0.005  # mean luma change below which a shot with no trackable steps is still

MOVES = CAMERA_MOVES


@dataclass(frozen=True)
class Step:
    """The picture's motion between two frames (in the decoded, unrotated frame)."""

    start: float
    end: float
    dx: float  # content shift, share of the frame width (+ = to the right)
    dy: float  # content shift, share of the frame height (+ = down)
    log_scale: float  # content growth (+ = bigger: zooming in)


@dataclass(frozen=True)
class CameraMotion:
    move: str  # one of MOVES
    pan_x: float  # camera velocity, frame widths per second (+ = to the right)
    pan_y: float  # camera velocity, frame heights per second (+ = down)
    zoom: float  # log scale per second (+ = in)
    shake: float  # rms jitter per step (~0.2 s), share of the frame


class MotionTracker:
    """Feed it the grey detection frames in order; it returns a `Step` every STEP_SEC."""

    def __init__(self) -> None:
        self._prev: np.ndarray | None = None
        self._prev_time = 0.0
        self._points: np.ndarray | None = None

    def feed(self, time: float, gray: np.ndarray) -> Step | None:
        import cv2

        if self._prev is not None and time - self._prev_time < STEP_SEC - 1e-6:
            return None
        half = cv2.pyrDown(gray)
        step = None
        if self._prev is not None:
            found = estimate(self._prev, half, self._grid(half))
            if found is not None:
                dx, dy, log_scale = found
                h, w = half.shape[:2]
                step = Step(self._prev_time, time, dx / w, dy / h, log_scale)
        self._prev, self._prev_time = half, time
        return step

    def _grid(self, image: np.ndarray) -> np.ndarray:
        import numpy as np

        if self._points is None:
            h, w = image.shape[:2]
            cols, rows = GRID if h >= w else GRID[::-1]
            xs = np.linspace(w * 0.08, w * 0.92, cols)
            ys = np.linspace(h * 0.08, h * 0.92, rows)
            grid = np.array([(x, y) for y in ys for x in xs], dtype=np.float32)
            self._points = grid.reshape(-1, 1, 2)
        return self._points


def estimate(
    prev: np.ndarray, cur: np.ndarray, points: np.ndarray
) -> tuple[float, float, float] | None:
    """(dx, dy, log scale) of the picture from `prev` to `cur`: the shift of the frame's
    centre in pixels and its growth; None when too few points agree."""
    import cv2
    import numpy as np

    moved, status, _ = cv2.calcOpticalFlowPyrLK(
        prev,
        cur,
        points,
        None,
        winSize=(9, 9),
        maxLevel=2,  # type: ignore[call-overload]
    )
    if moved is None:
        return None
    ok = status.ravel() == 1
    if ok.sum() < MIN_POINTS:
        return None
    matrix, inliers = cv2.estimateAffinePartial2D(
        points[ok], moved[ok], method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX
    )
    fitted = np.zeros(int(ok.sum()), bool) if inliers is None else inliers.ravel() == 1
    start, end = points[ok].reshape(-1, 2), moved[ok].reshape(-1, 2)
    explained = np.zeros(len(start), bool)
    if matrix is not None:
        predicted = start @ matrix[:, :2].T + matrix[:, 2]
        explained = np.hypot(*(predicted - end).T) < STILL_PX
    # Points standing still that the fitted motion does not explain as well: the
    # background behind whatever moved (a zoom's centre stands still too, but the zoom
    # explains it).
    still = (np.hypot(*(end - start).T) < STILL_PX) & ~explained
    if int(still.sum()) >= max(MIN_POINTS, STILL_SHARE * int(ok.sum())):
        return 0.0, 0.0, 0.0
    if matrix is None or int(fitted.sum()) < max(MIN_POINTS, MIN_INLIERS * int(ok.sum())):
        return None
    h, w = prev.shape[:2]
    centre = np.array([w / 2, h / 2, 1.0])
    shift = matrix @ centre - centre[:2]
    scale = math.hypot(float(matrix[0, 0]), float(matrix[1, 0]))
    return float(shift[0]), float(shift[1]), math.log(max(scale, 1e-6))


def upright(step: Step, rotation_k: int) -> Step:
    """The step as seen in the upright picture (the stream's display rotation applied
    to the frame by `np.rot90(frame, k)`: counter-clockwise quarter turns)."""
    dx, dy = step.dx, step.dy
    for _ in range(rotation_k % 4):
        dx, dy = dy, -dx
    return Step(step.start, step.end, dx, dy, step.log_scale)


def summarize(steps: list[Step], motion: float | None) -> CameraMotion | None:
    """Name the camera's movement over a shot's steps (already upright); None when
    nothing could be followed in a shot that changes."""
    if not steps:
        if motion is not None and motion < STILL_MOTION:
            return CameraMotion("static", 0.0, 0.0, 0.0, 0.0)
        return None
    total = sum(s.end - s.start for s in steps) or 1e-6
    # The camera moves against the picture: the picture sliding left is a pan right.
    pan_x = -sum(s.dx for s in steps) / total
    pan_y = -sum(s.dy for s in steps) / total
    zoom = sum(s.log_scale for s in steps) / total
    shake = _jitter(steps)
    speed = math.hypot(pan_x, pan_y)
    travelled = sum(math.hypot(s.dx, s.dy) for s in steps) / total
    steady = travelled > 0 and speed / travelled >= PAN_STEADINESS
    move = "static"
    if abs(zoom) >= ZOOM_RATE and abs(zoom) >= speed:
        move = "zoom_in" if zoom > 0 else "zoom_out"
    elif speed >= PAN_SPEED and steady:
        if abs(pan_x) >= abs(pan_y):
            move = "pan_right" if pan_x > 0 else "pan_left"
        else:
            move = "tilt_down" if pan_y > 0 else "tilt_up"
    elif shake >= SHAKE:
        move = "handheld"
    return CameraMotion(move, round(pan_x, 4), round(pan_y, 4), round(zoom, 4), round(shake, 5))


def _jitter(steps: list[Step]) -> float:
    """How much the camera shakes, share of the frame per step: hands jitter the picture
    back and forth at every step, so it is the median change from one step's motion to
    the next (a smooth drift changes little; a person's jerk now and then is not the
    median) — the rms of the steps' motions for a steady one, sqrt(2) times smaller."""
    if len(steps) < 2:
        return 0.0
    median = statistics.median((b.dx - a.dx) ** 2 + (b.dy - a.dy) ** 2 for a, b in pairwise(steps))
    return math.sqrt(median / 2)
