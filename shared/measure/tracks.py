"""Which audio track is heard when a file has several.

A player plays the track marked default. Files from screen recorders and editors
may carry a silent or secondary track first, and may mark several tracks default or
none: then every candidate is decoded in the same pass and the loudest one is kept
(a silent first track beside a voiced one must not read as "no speech").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from shared.measure.audio import AudioCollector

MAX_AUDIO_TRACKS = 4  # candidates decoded side by side


def audio_candidates(streams: Any) -> list[Any]:
    """The tracks marked default, else all of them (at most MAX_AUDIO_TRACKS)."""
    import av

    tracks = list(streams)
    marked = [t for t in tracks if t.disposition & av.stream.Disposition.default]
    return (marked or tracks)[:MAX_AUDIO_TRACKS]


def _seconds(value: Any, time_base: Any) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


Finished = tuple["np.ndarray", float | None, float | None]  # speech, LUFS, dBTP


class AudioTracks:
    """One `AudioCollector` per candidate track, keyed by stream index; `choose()` keeps
    the loudest. It keeps no stream object: it outlives the container it was fed from."""

    def __init__(
        self, tracks: list[Any], video: Any, *, speech: bool = True, loudness: bool = True
    ) -> None:
        from shared.measure.audio import AudioCollector

        v0 = _seconds(video.start_time, video.time_base)
        self.collectors: dict[int, AudioCollector] = {}
        for track in tracks:
            a0 = _seconds(track.start_time, track.time_base)
            offset = a0 - v0 if a0 is not None and v0 is not None else 0.0
            channels = track.codec_context.channels or 2
            self.collectors[track.index] = AudioCollector(
                channels, offset=offset, speech=speech, loudness=loudness
            )

    @property
    def frames(self) -> int:
        return max((c.frames for c in self.collectors.values()), default=0)

    def feed(self, stream_index: int, frame: Any) -> None:
        collector = self.collectors.get(stream_index)
        if collector is not None:
            collector.feed(frame)

    def choose(self) -> tuple[int, AudioCollector, Finished]:
        """The track heard (the loudest candidate; the first on a tie): its stream
        index, its collector and what it collected."""
        best: tuple[int, AudioCollector, Finished] | None = None
        best_key: tuple[bool, float] | None = None
        for index, collector in self.collectors.items():
            finished = collector.finish()
            lufs = finished[1]
            key = (collector.frames > 0, lufs if lufs is not None else -1e9)
            if best_key is None or key > best_key:
                best, best_key = (index, collector, finished), key
        assert best is not None
        return best
