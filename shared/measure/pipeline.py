"""`measure()`: one demux pass decodes the video and the audio once each, then
Whisper listens to the voiced stretches while tesseract reads the keyframes.

    open streams -> decode (shots, keyframes to OCR, audio) -> listen (speech,
    loudness) -> collect the OCR -> Measurements

Memory stays bounded whatever the file: frames are scaled down as they are
decoded and dropped, a shot keeps at most a few OCR-size samples, loudness is
streamed, and only the 16 kHz mono speech track (64 KB a second, capped) is held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from shared.adapters import logs
from shared.core.errors import ErrorCode, PermanentError
from shared.core.measurements import (
    LOUDNESS_STEP_SEC,
    Caption,
    Measurements,
    Shot,
    Transcript,
)
from shared.core.messages import Stage
from shared.core.video import ProgressFn
from shared.measure import ocr as ocr_mod
from shared.measure.keyframes import KeyframeReader
from shared.measure.model import MODEL_NAME
from shared.measure.tracks import AudioTracks, audio_candidates

MAX_DECODE_ERRORS = 50


def _noop(stage: str) -> None:
    pass


def library_versions() -> dict[str, str]:
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
    return versions


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


def _audio_collector(streams: _Streams) -> AudioTracks | None:
    if not streams.audio_tracks:
        return None
    return AudioTracks(streams.audio_tracks, streams.video)


class _Decoder:
    """One demux pass: video frames to the shot scanner (which hands closed shots'
    keyframes to OCR), audio frames to the collector."""

    def __init__(
        self, streams: _Streams, collector: AudioTracks | None, with_ocr: bool, path: Path
    ) -> None:
        self.streams = streams
        self.collector = collector
        self.with_ocr = with_ocr
        self.path = path
        self.scanner: Any = None  # ShotScanner, made at the first frame
        self.reader: KeyframeReader | None = None

    def run(self, container: Any) -> None:
        import av

        s = self.streams
        decode_errors = 0
        try:
            for packet in container.demux(s.video, *s.audio_tracks):
                try:
                    frames = packet.decode()
                except av.error.FFmpegError as exc:
                    decode_errors += 1
                    if decode_errors > MAX_DECODE_ERRORS:
                        s.warnings.append("decode_errors")
                        logs.warning(f"too many decode errors in {self.path.name}: {exc}")
                        break
                    continue
                for frame in frames:
                    if packet.stream.type == "video":
                        self._video(frame)
                    elif self.collector is not None:
                        self.collector.feed(packet.stream.index, frame)
        except av.error.FFmpegError as exc:
            s.warnings.append("read_error")
            logs.warning(f"stopped reading {self.path.name}: {exc}", stage="measure")

    def _video(self, frame: Any) -> None:
        if self.scanner is None:
            self._start(frame)
        self.scanner.feed(frame)

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


@dataclass
class _Heard:
    transcript: Transcript | None = None
    regions: list[tuple[float, float]] = field(default_factory=list)
    lufs: float | None = None
    true_peak: float | None = None
    has_audio: bool = False
    curve: list[float | None] = field(default_factory=list)
    stream: Any = None  # the audio track heard


def _listen(
    tracks: AudioTracks | None, duration: float, with_speech: bool, warnings: list[str]
) -> _Heard:
    """Loudness, voiced stretches and (if asked) the transcript of the collected audio."""
    from shared.measure import speech as speech_mod

    heard = _Heard()
    if tracks is None:
        return heard
    heard.stream, collector, (audio16k, heard.lufs, heard.true_peak) = tracks.choose()
    heard.has_audio = collector.frames > 0
    heard.curve = collector.loudness.curve(LOUDNESS_STEP_SEC)
    if collector.capped:
        warnings.append("speech_capped")
    if heard.has_audio:
        heard.regions = speech_mod.voice_regions(audio16k)
        if with_speech and heard.regions:
            heard.transcript = speech_mod.transcribe(audio16k, heard.regions, duration)
            words = heard.transcript.words() if heard.transcript else []
            # Voiced stretches in which no word was heard (a cough, a hum) are not speech.
            heard.regions = [
                r
                for r in heard.regions
                if any(speech_mod.overlaps(w.start, w.end, r) for w in words)
            ]
    return heard


def measure(
    path: Path,
    progress: ProgressFn | None = None,
    *,
    with_ocr: bool = True,
    with_speech: bool = True,
) -> Measurements:
    """Measure a video file: streams, shots, speech, loudness, on-screen text."""
    from shared.measure import speech as speech_mod

    report = progress or _noop
    report(Stage.MEASURING)
    path = Path(path)
    container = _open(path)
    decoder: _Decoder | None = None
    try:
        streams = _streams(container, path)
        collector = _audio_collector(streams)
        decoder = _Decoder(streams, collector, with_ocr, path)
        decoder.run(container)
        shots, duration = decoder.shots()

        report(Stage.TRANSCRIBING)
        heard = _listen(collector, duration, with_speech, streams.warnings)
        streams.audio = heard.stream or streams.audio
        speech_stats = speech_mod.stats(heard.regions, duration)

        if with_ocr:
            report(Stage.READING_TEXT)
        reader = decoder.reader
        captions: list[Caption] = []
        if reader is not None:
            read = reader.collect(shots)
            if reader.enabled:
                captions = reader.captions(shots)
                reader.finish()
            if reader.enabled and read < len(shots):
                streams.warnings.append("ocr_capped")
            if with_ocr and not reader.enabled:
                streams.warnings.append("ocr_unavailable")

        ctx, actx = streams.video.codec_context, streams.audio
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
            versions=library_versions(),
            speech_model=MODEL_NAME,
            loudness_curve=heard.curve,
            motion_first_sec=decoder.scanner.motion_first_sec,
            captions=captions,
            warnings=streams.warnings,
        )
    finally:
        if decoder is not None and decoder.reader is not None:
            decoder.reader.close()
        container.close()
