"""Storyboard frames: one small JPEG per requested moment, from the video file.

Each frame is found by seeking to the keyframe before the moment and decoding up
to it, turned upright (the stream's display rotation), scaled to `FRAME_HEIGHT`
pixels tall and encoded as JPEG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FRAME_HEIGHT = 360
JPEG_QUALITY = 80


def extract_frames(
    path: Path, times: list[float], height: int = FRAME_HEIGHT
) -> list[bytes | None]:
    """JPEG bytes for each time (seconds from the start), None where none decodes."""
    import av

    from shared.measure.cpu import pin_ffmpeg

    pin_ffmpeg()
    out: list[bytes | None] = [None] * len(times)
    with av.open(str(path), metadata_errors="ignore") as container:
        if not container.streams.video:
            return out
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        base = stream.time_base
        start = float(stream.start_time * base) if stream.start_time and base else 0.0
        for index in sorted(range(len(times)), key=lambda i: times[i]):
            frame = _frame_at(container, stream, start + max(0.0, times[index]))
            if frame is not None:
                out[index] = _jpeg(frame, height)
    return out


def _frame_at(container: Any, stream: Any, target: float) -> Any:
    """The first frame at or after `target` (or the last one before the end)."""
    import av

    try:
        container.seek(int(target / stream.time_base), stream=stream, backward=True)
    except av.error.FFmpegError:
        return None
    last = None
    try:
        for frame in container.decode(stream):
            last = frame
            if frame.time is not None and frame.time >= target - 1e-3:
                return frame
    except av.error.FFmpegError:
        pass
    return last


def _jpeg(frame: Any, height: int) -> bytes | None:
    import cv2

    image = frame.to_ndarray(format="bgr24")
    turns = round((getattr(frame, "rotation", 0) or 0) / 90) % 4
    h, w = image.shape[:2]
    size = still_size(w, h, turns, height)
    if size != (w, h):
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return encode_still(image, turns)


def still_size(
    width: int, height: int, turns: int, frame_height: int = FRAME_HEIGHT
) -> tuple[int, int]:
    """The size to scale a stored frame to (before turning it upright by `turns`
    quarter turns) for a storyboard frame `frame_height` pixels tall, upright."""
    up_w, up_h = (height, width) if turns % 2 else (width, height)
    if up_h > frame_height:
        up_w, up_h = max(2, round(up_w * frame_height / up_h)), frame_height
    return (up_h, up_w) if turns % 2 else (up_w, up_h)


def encode_still(image: Any, turns: int) -> bytes | None:
    """A storyboard JPEG of a BGR image already at `still_size`, turned upright."""
    import cv2
    import numpy as np

    if turns:
        image = np.ascontiguousarray(np.rot90(image, turns))
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return bytes(encoded.tobytes()) if ok else None
