"""`measure()`: the video and the sound are measured side by side. Two worker threads
(listen.py) each decode the audio tracks: one to 16 kHz mono, then finds the voiced
stretches and runs Whisper on them; one to 48 kHz for loudness and the true peak.
Meanwhile the main thread decodes the video once, finds the shots and hands their
keyframes to OCR's worker threads; each shot's keyframe is also kept as the
storyboard's still (`Measurements.stills`), so the storyboard decodes nothing again.

    open streams -> [thread: audio 16 kHz -> voice -> Whisper]
                 -> [thread: audio 48 kHz -> loudness, true peak]
                 -> decode video (shots, keyframes to OCR) -> wait for the threads
                 -> collect the OCR -> Measurements

Each stage's own busy time goes into a `timings.Timings` (pass one to see it; it is
logged either way).

Memory stays bounded whatever the file: frames are scaled down as they are
decoded and dropped, a shot keeps at most a few OCR-size samples, loudness is
streamed, and only the 16 kHz mono speech track (64 KB a second, capped) is held.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from shared.adapters import logs
from shared.core.errors import ErrorCode, PermanentError
from shared.core.measurements import Caption, Measurements, Shot
from shared.core.messages import Stage
from shared.core.video import ProgressFn
from shared.measure import cpu, memory
from shared.measure import ocr as ocr_mod
from shared.measure.convert import Converter
from shared.measure.frames import FRAME_HEIGHT
from shared.measure.keyframes import KeyframeReader
from shared.measure.listen import Heard, Listener
from shared.measure.model import MODEL_NAME
from shared.measure.timings import Timings, timed
from shared.measure.tracks import audio_candidates

MAX_DECODE_ERRORS = 50


def _noop(stage: str) -> None:
    pass


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    from importlib import metadata

    versions: dict[str, str] = {}
    for dist in (
        "av",
        "scenedetect-headless",
        "opencv-python-headless",
        "faster-whisper",
        "ctranslate2",
        "pyloudnorm",
        "numpy",
        "scipy",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    if tess := ocr_mod.tesseract_version():
        versions["tesseract"] = tess
    from shared.measure.model import MODEL_SHA256

    versions["whisper-base"] = f"sha256:{MODEL_SHA256[:12]}"
    versions["cpu_isa"] = cpu.level()  # every library's kernels (shared/core/cpu.py)
    return tuple(versions.items())


def library_versions() -> dict[str, str]:
    """The libraries that measured (looked up once a process)."""
    return dict(_library_versions())


def warm_up() -> None:
    """What a worker loads once, before its first job: the Whisper and VAD models, an
    OCR engine, the media and signal libraries (a second or so of imports)."""
    import av  # noqa: F401
    import cv2  # noqa: F401
    import pyloudnorm  # noqa: F401
    import scenedetect  # noqa: F401
    import scipy.signal  # noqa: F401

    from shared.measure.model import get_model

    cpu.pin_ffmpeg()
    cpu.log_choice()
    memory.configure()
    get_model()
    ocr_mod.available()
    library_versions()


def _open(path: Path) -> Any:
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise PermanentError(ErrorCode.NOT_A_VIDEO, f"cannot open {path.name}: {exc}") from exc


def _seconds(value: Any, time_base: Any) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


@dataclass
class _Streams:
    """The streams measured and what their headers say."""

    video: Any  # av.VideoStream
    audio: Any | None  # av.AudioStream: the track heard (chosen after decoding)
    width: int
    height: int
    fps: float | None
    duration: float | None  # as stated; the decoded length may be shorter
    audio_tracks: list[Any] = field(default_factory=list)  # candidates (tracks.py)
    warnings: list[str] = field(default_factory=list)


def _streams(container: Any, path: Path) -> _Streams:
    if not container.streams.video:
        raise PermanentError(ErrorCode.NO_VIDEO_STREAM, f"{path.name} has no video stream")
    vstream = container.streams.video[0]
    vstream.thread_type = "AUTO"
    candidates = audio_candidates(container.streams.audio)
    ctx = vstream.codec_context
    rate = vstream.average_rate or vstream.guessed_rate or vstream.base_rate
    fps = float(rate) if rate else None
    if fps is not None and not (0 < fps < 1000):
        fps = None
    duration = _seconds(vstream.duration, vstream.time_base)
    if not duration and container.duration:
        duration = container.duration / 1_000_000
    if duration is not None and (not math.isfinite(duration) or duration <= 0):
        duration = None
    return _Streams(
        video=vstream,
        audio=candidates[0] if candidates else None,
        width=int(ctx.width or 0),
        height=int(ctx.height or 0),
        fps=fps,
        duration=duration,
        audio_tracks=candidates,
    )


class _Decoder:
    """The video's demux pass: frames to the shot scanner (which hands closed shots'
    keyframes to OCR)."""

    def __init__(self, streams: _Streams, with_ocr: bool, path: Path) -> None:
        self.streams = streams
        self.with_ocr = with_ocr
        self.path = path
        self.scanner: Any = None  # ShotScanner, made at the first frame
        self.reader: KeyframeReader | None = None
        self.converter = Converter()  # one swscale context per conversion, not per frame

    def run(self, container: Any) -> None:
        import av

        s = self.streams
        decode_errors = 0
        decoding, scanning = timed("decode"), timed("shots")
        try:
            for packet in container.demux(s.video):
                try:
                    with decoding:
                        frames = packet.decode()
                except av.error.FFmpegError as exc:
                    decode_errors += 1
                    if decode_errors > MAX_DECODE_ERRORS:
                        s.warnings.append("decode_errors")
                        logs.warning(f"too many decode errors in {self.path.name}: {exc}")
                        break
                    continue
                for frame in frames:
                    with scanning:
                        self._video(frame)
        except av.error.FFmpegError as exc:
            s.warnings.append("read_error")
            logs.warning(f"stopped reading {self.path.name}: {exc}", stage="measure")

    def _video(self, frame: Any) -> None:
        if self.scanner is None:
            self._start(frame)
        self.scanner.feed(self.converter.wrap(frame))

    def _start(self, frame: Any) -> None:
        from shared.measure.video import ShotScanner

        s = self.streams
        rotation_k = round((getattr(frame, "rotation", 0) or 0) / 90) % 4
        if rotation_k % 2:
            s.width, s.height = s.height, s.width
        self.reader = KeyframeReader(self.with_ocr, rotation_k)
        width, height = int(frame.width), int(frame.height)
        self.scanner = ShotScanner(
            width=width,
            height=height,
            fps=s.fps,
            time_base=s.video.time_base or Fraction(1, 90000),
            start_pts=s.video.start_time or 0,
            ocr_size=ocr_mod.scale_for_ocr(width, height) if self.reader.enabled else None,
            rotation_k=rotation_k,
            on_keyframe=self.reader,
            on_caption_frame=self.reader.caption_frame,
            board_height=FRAME_HEIGHT,
        )

    def shots(self) -> tuple[list[Shot], float]:
        """The shots and the duration actually decoded."""
        s, scanner = self.streams, self.scanner
        if scanner is None or scanner.frames == 0:
            raise PermanentError(
                ErrorCode.CORRUPT_VIDEO, f"no video frame could be decoded in {self.path.name}"
            )
        decoded = scanner.decoded_until
        duration = s.duration
        if duration is None:
            duration = decoded
        elif decoded < duration - max(0.5, 3.0 / (s.fps or 25.0)):
            s.warnings.append("truncated")
            duration = decoded
        if s.fps is None and decoded > 0:
            s.fps = scanner.frames / decoded
        return scanner.finish(duration), duration


def _read_text(
    reader: KeyframeReader | None, shots: list[Shot], with_ocr: bool, warnings: list[str]
) -> list[Caption]:
    """Fill the shots' on-screen text from the OCR under way; the captions read."""
    captions: list[Caption] = []
    if reader is None:
        return captions
    with timed("ocr_wait"):
        read = reader.collect(shots)
        if reader.enabled:
            captions = reader.captions(shots)
            reader.finish()
    if reader.enabled and read < len(shots):
        warnings.append("ocr_capped")
    if with_ocr and not reader.enabled:
        warnings.append("ocr_unavailable")
    return captions


def measure(
    path: Path,
    progress: ProgressFn | None = None,
    *,
    with_ocr: bool = True,
    with_speech: bool = True,
    timings: Timings | None = None,
) -> Measurements:
    """Measure a video file: streams, shots, speech, loudness, on-screen text.

    Each stage's busy time goes into `timings` (a new one if None), logged at the end."""
    cpu.pin_ffmpeg()  # before anything is decoded
    memory.configure()  # before the measurement's threads exist
    timings = timings or Timings()
    try:
        with timings.bound():
            return _measure(Path(path), progress or _noop, with_ocr, with_speech)
    finally:
        timings.stop()
        logs.debug("measure timings", stage="measure", timings=timings.summary())


def _measure(path: Path, report: ProgressFn, with_ocr: bool, with_speech: bool) -> Measurements:
    from shared.measure import speech as speech_mod

    report(Stage.MEASURING)
    container = _open(path)
    decoder: _Decoder | None = None
    listener: Listener | None = None
    try:
        streams = _streams(container, path)
        if streams.audio_tracks:
            listener = Listener(path, streams.duration, with_speech)
        decoder = _Decoder(streams, with_ocr, path)
        decoder.run(container)
        shots, duration = decoder.shots()

        report(Stage.TRANSCRIBING)
        heard = listener.result(duration) if listener is not None else Heard()
        streams.warnings.extend(heard.warnings)
        chosen = [t for t in streams.audio_tracks if t.index == heard.stream_index]
        streams.audio = chosen[0] if chosen else streams.audio
        speech_stats = speech_mod.stats(heard.regions, duration)

        if with_ocr:
            report(Stage.READING_TEXT)
        captions = _read_text(decoder.reader, shots, with_ocr, streams.warnings)

        ctx, actx = streams.video.codec_context, streams.audio
        with timed("versions"):
            versions = library_versions()
        return Measurements(
            duration_sec=round(duration, 3),
            width=streams.width,
            height=streams.height,
            fps=round(streams.fps, 3) if streams.fps else None,
            video_codec=ctx.name,
            audio_codec=actx.codec_context.name if actx is not None else None,
            has_audio=heard.has_audio,
            shots=shots,
            transcript=heard.transcript,
            speech_start_sec=speech_stats.speech_start_sec,
            speech_share=speech_stats.speech_share,
            silent_tail_sec=speech_stats.silent_tail_sec,
            loudness_lufs=round(heard.lufs, 2) if heard.lufs is not None else None,
            true_peak_dbtp=round(heard.true_peak, 2) if heard.true_peak is not None else None,
            versions=versions,
            speech_model=MODEL_NAME,
            loudness_curve=heard.curve,
            motion_first_sec=decoder.scanner.motion_first_sec,
            captions=captions,
            sound=heard.sound,
            tempo_bpm=heard.rhythm.tempo_bpm if heard.rhythm else None,
            beats=list(heard.rhythm.beats) if heard.rhythm else [],
            warnings=streams.warnings,
            stills=decoder.scanner.stills,
        )
    finally:
        if listener is not None:
            listener.cancel()
        if decoder is not None and decoder.reader is not None:
            decoder.reader.close()
        container.close()
