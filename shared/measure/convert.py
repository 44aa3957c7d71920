"""Decoded frames to numpy arrays through one swscale context per output shape.

PyAV's `VideoFrame.to_ndarray(width=, height=, format=)` gives every frame a new
`VideoReformatter`: a new SwsContext is set up for the frame (filters for a 1080x1920
source) and, with swscale's automatic threads, a pool of slice threads is started and
joined, and all of it freed again, for each frame. For a 60 s 1080x1920 reel that was
about 1.5 CPU seconds of the job. A `Converter` keeps one reformatter per conversion
(size, format, interpolation), so a context is set up once a video; the pixels are
the same.

The decoder hands the shot scanner `converter.wrap(frame)`: the frame as it is, except
that its `to_ndarray()` goes through the converter. Code that holds a `Converter` may
call `converter.to_ndarray(frame, ...)` directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

SWS_THREADS = 1  # slices of a downscale to 144 px are too small to pay for a thread pool


class Converter:
    """`to_ndarray(frame, **reformat_args)` with one reformatter per distinct arguments."""

    def __init__(self, threads: int = SWS_THREADS) -> None:
        self.threads = threads
        self._reformatters: dict[tuple[tuple[str, Any], ...], Any] = {}

    def to_ndarray(self, frame: Any, **kwargs: Any) -> np.ndarray:
        """As `frame.to_ndarray(**kwargs)` (width, height, format, interpolation, ...)."""
        if not kwargs:
            return frame.to_ndarray()  # type: ignore[no-any-return]
        key = tuple(sorted(kwargs.items()))
        reformatter = self._reformatters.get(key)
        if reformatter is None:
            from av.video.reformatter import VideoReformatter

            reformatter = self._reformatters[key] = VideoReformatter()
        kwargs.setdefault("threads", self.threads)
        return reformatter.reformat(frame, **kwargs).to_ndarray()

    def wrap(self, frame: Any) -> ConvertedFrame:
        return ConvertedFrame(frame, self)


class ConvertedFrame:
    """A decoded `av.VideoFrame` whose `to_ndarray()` goes through a `Converter`;
    every other attribute is the frame's own."""

    __slots__ = ("_converter", "frame")

    def __init__(self, frame: Any, converter: Converter) -> None:
        self.frame = frame
        self._converter = converter

    def __getattr__(self, name: str) -> Any:
        return getattr(self.frame, name)

    def to_ndarray(self, **kwargs: Any) -> np.ndarray:
        return self._converter.to_ndarray(self.frame, **kwargs)
