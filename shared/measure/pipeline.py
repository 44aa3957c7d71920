"""`measure()`: one demux pass decodes the video and the audio once each, then
Whisper listens to the voiced stretches while tesseract reads the keyframes.

Memory stays bounded whatever the file: frames are scaled down as they are
decoded and dropped, a shot keeps at most a few OCR-size samples, loudness is
streamed, and only the 16 kHz mono speech track (64 KB a second, capped) is held.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from shared.adapters import logs
from shared.core.errors import ErrorCode, PermanentError
from shared.core.measurements import Measurements, Shot, Transcript
from shared.core.messages import Stage
from shared.measure import ocr as ocr_mod

MAX_DECODE_ERRORS = 50
MAX_OCR_SHOTS = 120  # the longest shots (and the first) are read when there are more


def _noop(stage: str) -> None:
    pass


def _rotate(image, k: int):
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, k)) if k else image


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


def _open(path: Path):
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise PermanentError(ErrorCode.NOT_A_VIDEO, f"cannot open {path.name}: {exc}") from exc


def _seconds(value, time_base) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


class _KeyframeReader:
    """Runs OCR in worker threads as keyframes arrive (tesseract is a subprocess)."""

    def __init__(self, enabled: bool, rotation_k: int) -> None:
        from shared.measure.model import cpu_threads

        self.enabled = enabled and ocr_mod.available()
        self.rotation_k = rotation_k
        self.futures: dict[int, Future] = {}
        # Beyond the first MAX_OCR_SHOTS // 2 shots, the longest ones wait here (bounded).
        self.pending: dict[int, tuple[float, object]] = {}
        self._pool = ThreadPoolExecutor(max_workers=cpu_threads()) if self.enabled else None

    def __call__(self, shot: Shot, gray) -> None:
        if not self.enabled:
            return
        image = _rotate(gray, self.rotation_k)
        if len(self.futures) < MAX_OCR_SHOTS // 2:
            self.futures[shot.index] = self._pool.submit(ocr_mod.read_text, image)
            return
        self.pending[shot.index] = (shot.duration, image)
        room = MAX_OCR_SHOTS - len(self.futures)
        if len(self.pending) > room:
            shortest = min(self.pending, key=lambda i: self.pending[i][0])
            del self.pending[shortest]

    def collect(self, shots: list[Shot]) -> int:
        """Fill shot texts; returns how many keyframes were read."""
        if not self.enabled:
            return 0
        for index, (_, image) in self.pending.items():
            self.futures[index] = self._pool.submit(ocr_mod.read_text, image)
        self.pending.clear()
        for index, future in self.futures.items():
            result = future.result()
            shots[index].text = result.text
            shots[index].ocr_confidence = result.confidence
        self._pool.shutdown(wait=True)
        return len(self.futures)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def measure(
    path: Path,
    progress: Callable[[str], None] | None = None,
    *,
    with_ocr: bool = True,
    with_speech: bool = True,
) -> Measurements:
    """Measure a video file: streams, shots, speech, loudness, on-screen text."""
    import av

    from shared.measure import speech as speech_mod
    from shared.measure.audio import AudioCollector
    from shared.measure.video import ShotScanner

    report = progress or _noop
    report(Stage.MEASURING)
    path = Path(path)
    container = _open(path)
    reader: _KeyframeReader | None = None
    try:
        if not container.streams.video:
            raise PermanentError(ErrorCode.NO_VIDEO_STREAM, f"{path.name} has no video stream")
        vstream = container.streams.video[0]
        vstream.thread_type = "AUTO"
        astream = container.streams.audio[0] if container.streams.audio else None
        vctx = vstream.codec_context
        width, height = int(vctx.width or 0), int(vctx.height or 0)
        rate = vstream.average_rate or vstream.guessed_rate or vstream.base_rate
        fps = float(rate) if rate else None
        if fps is not None and not (0 < fps < 1000):
            fps = None
        time_base = vstream.time_base or Fraction(1, 90000)
        start_pts = vstream.start_time or 0
        duration = _seconds(vstream.duration, vstream.time_base)
        if not duration and container.duration:
            duration = container.duration / 1_000_000
        if duration is not None and (not math.isfinite(duration) or duration <= 0):
            duration = None

        warnings: list[str] = []
        scanner: ShotScanner | None = None
        collector: AudioCollector | None = None
        rotation_k = 0
        if astream is not None:
            channels = astream.codec_context.channels or 2
            offset = 0.0
            a0 = _seconds(astream.start_time, astream.time_base)
            v0 = _seconds(vstream.start_time, vstream.time_base)
            if a0 is not None and v0 is not None:
                offset = a0 - v0
            collector = AudioCollector(channels, offset=offset)

        decode_errors = 0
        streams = [vstream] + ([astream] if astream is not None else [])
        try:
            for packet in container.demux(*streams):
                try:
                    frames = packet.decode()
                except av.error.FFmpegError as exc:
                    decode_errors += 1
                    if decode_errors > MAX_DECODE_ERRORS:
                        warnings.append("decode_errors")
                        logs.warning(
                            f"too many decode errors in {path.name}: {exc}", stage="measure"
                        )
                        break
                    continue
                for frame in frames:
                    if packet.stream.type == "video":
                        if scanner is None:
                            rotation_k = round((getattr(frame, "rotation", 0) or 0) / 90) % 4
                            if rotation_k % 2:
                                width, height = height, width
                            reader = _KeyframeReader(with_ocr, rotation_k)
                            scanner = ShotScanner(
                                width=int(frame.width),
                                height=int(frame.height),
                                fps=fps,
                                time_base=time_base,
                                start_pts=start_pts,
                                ocr_size=ocr_mod.scale_for_ocr(int(frame.width), int(frame.height))
                                if reader.enabled
                                else None,
                                on_keyframe=reader,
                            )
                        scanner.feed(frame)
                    elif collector is not None:
                        collector.feed(frame)
        except av.error.FFmpegError as exc:
            warnings.append("read_error")
            logs.warning(f"stopped reading {path.name}: {exc}", stage="measure")

        if scanner is None or scanner.frames == 0:
            raise PermanentError(
                ErrorCode.CORRUPT_VIDEO, f"no video frame could be decoded in {path.name}"
            )
        decoded = scanner.decoded_until
        if duration is None:
            duration = decoded
        elif decoded < duration - max(0.5, 3.0 / (fps or 25.0)):
            warnings.append("truncated")
            duration = decoded
        if fps is None and decoded > 0:
            fps = scanner.frames / decoded
        shots = scanner.finish(duration)

        report(Stage.TRANSCRIBING)
        transcript: Transcript | None = None
        regions: list[tuple[float, float]] = []
        lufs = true_peak = None
        has_audio = collector is not None and collector.frames > 0
        if collector is not None:
            audio16k, lufs, true_peak = collector.finish()
            if collector.capped:
                warnings.append("speech_capped")
            if has_audio:
                regions = speech_mod.voice_regions(audio16k)
                if with_speech and regions:
                    transcript = speech_mod.transcribe(audio16k, regions, duration)
                    words = transcript.words() if transcript else []
                    regions = [
                        r
                        for r in regions
                        if any(
                            r[0] - speech_mod.WORD_SLACK_SEC
                            <= (w.start + w.end) / 2
                            <= r[1] + speech_mod.WORD_SLACK_SEC
                            for w in words
                        )
                    ]
            del audio16k
        speech_stats = speech_mod.stats(regions, duration)

        if with_ocr:
            report(Stage.READING_TEXT)
        if reader is not None:
            read = reader.collect(shots)
            if reader.enabled and read < len(shots):
                warnings.append("ocr_capped")
            if with_ocr and not reader.enabled:
                warnings.append("ocr_unavailable")

        return Measurements(
            duration_sec=round(duration, 3),
            width=width,
            height=height,
            fps=round(fps, 3) if fps else None,
            video_codec=vctx.name,
            audio_codec=astream.codec_context.name if astream is not None else None,
            has_audio=has_audio,
            shots=shots,
            transcript=transcript,
            speech_start_sec=speech_stats.speech_start_sec,
            speech_share=speech_stats.speech_share,
            silent_tail_sec=speech_stats.silent_tail_sec,
            loudness_lufs=round(lufs, 2) if lufs is not None else None,
            true_peak_dbtp=round(true_peak, 2) if true_peak is not None else None,
            versions=library_versions(),
            warnings=warnings,
        )
    finally:
        if reader is not None:
            reader.close()
        container.close()
