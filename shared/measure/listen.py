"""Listening beside the video: the sound is measured in threads of its own.

Two worker threads each demux the file again for its audio tracks only (video
packets are read past, not decoded: milliseconds a minute) while the main thread
decodes the video:

- speech: decodes the audio to 16 kHz mono (0.1 s a minute), finds the voiced
  stretches and runs Whisper; it starts transcribing at once;
- loudness: decodes it again to 48 kHz for integrated loudness, the momentary curve
  and the true peak (0.8 s a minute, most of it the 4x oversampling), off Whisper's
  path.

libavcodec, numpy and CTranslate2 release the GIL, so on two cores transcription no
longer waits for the last frame. When several audio tracks are candidates, the speech
heard is the loudest track's, so that thread waits for the loudness first.

Whisper needs the video's duration (the clips it decodes end there); it is given the
stated one, and `Listener.result(duration)` drops what was heard past the decoded end
of a truncated file.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from shared.core.errors import is_programming_error
from shared.core.measurements import LOUDNESS_STEP_SEC, Transcript
from shared.measure import timings

if TYPE_CHECKING:
    import numpy as np

    from shared.measure.music import Rhythm
    from shared.measure.tracks import AudioTracks

log = logging.getLogger(__name__)

MAX_DECODE_ERRORS = 50
STEP = LOUDNESS_STEP_SEC
T = TypeVar("T")


@dataclass
class Heard:
    transcript: Transcript | None = None
    regions: list[tuple[float, float]] = field(default_factory=list)
    lufs: float | None = None
    true_peak: float | None = None
    has_audio: bool = False
    curve: list[float | None] = field(default_factory=list)
    stream_index: int | None = None  # the audio track heard
    transcribed: bool = False  # Whisper ran to the end
    warnings: list[str] = field(default_factory=list)
    rhythm: Rhythm | None = None  # the music's pulse, tempo and beats (music.py)
    sound: list[str] = field(default_factory=list)  # per step, shared.core.music.labels


@dataclass
class Loudness:
    stream_index: int  # the loudest candidate track (the first on a tie)
    lufs: float | None
    true_peak: float | None
    curve: list[float | None]


def decode_audio(
    path: Path,
    stop: threading.Event | None = None,
    *,
    speech: bool = True,
    loudness: bool = True,
) -> AudioTracks | None:
    """Every candidate audio track of the file decoded and collected (None: no audio)."""
    import av

    from shared.measure.tracks import AudioTracks, audio_candidates

    with av.open(str(path), metadata_errors="ignore") as container:
        candidates = audio_candidates(container.streams.audio)
        if not candidates or not container.streams.video:
            return None
        tracks = AudioTracks(
            candidates, container.streams.video[0], speech=speech, loudness=loudness
        )
        errors = 0
        try:
            for packet in container.demux(*candidates):
                if stop is not None and stop.is_set():
                    break
                try:
                    frames = packet.decode()
                except av.error.FFmpegError:
                    errors += 1
                    if errors > MAX_DECODE_ERRORS:
                        break  # the video pass says what went wrong
                    continue
                for frame in frames:
                    tracks.feed(packet.stream.index, frame)
        except av.error.FFmpegError:
            pass  # a read error: the video pass reports it
    return tracks


def measure_loudness(path: Path, stop: threading.Event) -> Loudness | None:
    """Loudness of the loudest candidate track (None: no audio track)."""
    with timings.timed("loudness"):
        tracks = decode_audio(path, stop, speech=False)
        if tracks is None:
            return None
        index, collector, (_, lufs, true_peak) = tracks.choose()
        return Loudness(index, lufs, true_peak, collector.curve(LOUDNESS_STEP_SEC))


class _Worker(Generic[T]):
    """`fn()` in a daemon thread started at once, with the caller's bound timings."""

    def __init__(self, name: str, fn: Callable[[], T]) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        run = timings.in_thread(fn)

        def target() -> None:
            try:
                self._value = run()
            except BaseException as exc:  # handed to the caller of result()
                self._error = exc

        self._thread = threading.Thread(target=target, name=name, daemon=True)
        self._thread.start()

    def result(self) -> T | None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value

    def join(self) -> None:
        self._thread.join()


def _transcribe(audio16k: np.ndarray, heard: Heard, duration: float, stop: threading.Event) -> None:
    from shared.measure import speech as speech_mod

    with timings.timed("speech"):
        try:
            heard.transcript = speech_mod.transcribe(
                audio16k, heard.regions, duration, stop=stop.is_set
            )
        except Exception as exc:
            if not is_programming_error(exc):
                raise
            # A bug in transcription costs the transcript, not the analysis: the rest
            # of the measurements stand, and the result says what is missing.
            log.exception("transcription failed: %r", exc)
            heard.warnings.append("speech_failed")
            return
    heard.transcribed = not stop.is_set()


def listen(
    path: Path,
    duration: float | None,
    with_speech: bool,
    stop: threading.Event,
    loudness: _Worker[Loudness | None],
) -> Heard:
    """The voiced stretches and (if asked) the transcript of the heard track."""
    from shared.measure import speech as speech_mod

    heard = Heard()
    with timings.timed("audio"):
        tracks = decode_audio(path, stop, loudness=False)
    if tracks is None:
        return heard
    index = next(iter(tracks.collectors))
    if len(tracks.collectors) > 1:  # the loudest is heard: wait to know which
        with timings.timed("loudness_wait"):
            loud = loudness.result()
        index = loud.stream_index if loud is not None else index
    collector = tracks.collectors[index]
    audio16k = collector.finish()[0]
    heard.stream_index = index
    heard.has_audio = collector.frames > 0
    if collector.capped:
        heard.warnings.append("speech_capped")
    if not heard.has_audio:
        return heard
    with timings.timed("vad"):
        heard.regions = speech_mod.voice_regions(audio16k)
    _measure_music(audio16k, heard)
    if with_speech and heard.regions and not stop.is_set():
        length = audio16k.shape[0] / speech_mod.RATE
        _transcribe(audio16k, heard, duration or length, stop)
    return heard


def _measure_music(audio16k: np.ndarray, heard: Heard) -> None:
    from shared.measure import music

    with timings.timed("music"):
        try:
            heard.rhythm = music.listen(audio16k, heard.regions)
        except Exception as exc:
            if not is_programming_error(exc):
                raise
            log.exception("music measurement failed: %r", exc)  # costs the music only
            heard.warnings.append("music_failed")


class Listener:
    """The speech and loudness threads, started at once."""

    def __init__(self, path: Path, duration: float | None, with_speech: bool) -> None:
        self._stop = threading.Event()
        stop = self._stop
        self._loudness = _Worker("measure-loudness", lambda: measure_loudness(path, stop))
        loudness = self._loudness
        self._speech = _Worker(
            "measure-listen", lambda: listen(path, duration, with_speech, stop, loudness)
        )

    def result(self, duration: float) -> Heard:
        """What was heard (waiting for it), cut at the decoded `duration`."""
        with timings.timed("listen_wait"):
            heard = self._speech.result()
            loud = self._loudness.result()
        assert heard is not None
        if loud is not None and loud.stream_index == heard.stream_index:
            heard.lufs, heard.true_peak, heard.curve = loud.lufs, loud.true_peak, loud.curve
        if heard.transcript is not None:
            heard.transcript = _until(heard.transcript, duration)
        if heard.transcribed:
            from shared.measure.speech import overlaps

            # Voiced stretches in which no word was heard (a cough, a hum) are not speech.
            words = heard.transcript.words() if heard.transcript else []
            heard.regions = [
                r for r in heard.regions if any(overlaps(w.start, w.end, r) for w in words)
            ]
        if heard.rhythm is not None:
            from shared.core.music import labels

            r = heard.rhythm
            heard.sound = labels(r.steps_rms_dbfs, r.steps_pulse, heard.regions, STEP)
            steps = math.ceil(duration / STEP - 1e-9)
            heard.sound = heard.sound[:steps]
            r.beats = [b for b in r.beats if b < duration]
        return heard

    def cancel(self) -> None:
        """Stop listening (measuring failed): the threads end after their current step."""
        self._stop.set()
        self._speech.join()
        self._loudness.join()


def _until(transcript: Transcript, duration: float) -> Transcript | None:
    """The transcript without words starting at or past `duration` (a truncated file:
    Whisper was given the stated duration, longer than what decoded)."""
    from shared.core.measurements import Segment

    if all(w.start < duration for w in transcript.words()):
        return transcript
    segments = []
    for seg in transcript.segments:
        words = [w for w in seg.words if w.start < duration]
        if len(words) == len(seg.words):
            segments.append(seg)
        elif words:
            text = " ".join(w.text for w in words)
            segments.append(Segment(words[0].start, words[-1].end, text, words))
    if not segments:
        return None
    return Transcript(
        language=transcript.language,
        language_probability=transcript.language_probability,
        text=" ".join(s.text for s in segments).strip(),
        segments=segments,
    )
