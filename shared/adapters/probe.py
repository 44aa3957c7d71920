"""Probe an uploaded file with PyAV before any money is spent on analysis.

It checks that the file is a container with a real video stream, that the
stream decodes, that its packets run to the end (a truncated upload stops
short), and measures its duration. Every failure is a PermanentError with a
code from shared.core.messages.
"""

from __future__ import annotations

from pathlib import Path

from shared.core.errors import ErrorCode, PermanentError
from shared.core.video import VideoInfo


# A file whose packets stop short of the duration its header claims by more
# than this (seconds) was cut off during upload.
def truncation_tolerance(claimed_sec: float) -> float:
    return min(1.0, max(0.3, 0.05 * claimed_sec))


def probe(path: Path, *, content_type: str, max_duration_sec: float) -> VideoInfo:
    import av

    size = path.stat().st_size
    if size == 0:
        raise PermanentError(ErrorCode.EMPTY_FILE)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError as exc:
        # A video container's header that fails to open was cut off or damaged.
        code = (
            ErrorCode.CORRUPT_VIDEO if _looks_like_video_container(path) else ErrorCode.NOT_A_VIDEO
        )
        raise PermanentError(code, str(exc)) from exc
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise PermanentError(ErrorCode.CORRUPT_VIDEO, str(exc)) from exc
    with container:
        videos = [s for s in container.streams.video if s.codec_context is not None]
        audios = list(container.streams.audio)
        if not videos:
            raise PermanentError(ErrorCode.NO_VIDEO_STREAM if audios else ErrorCode.NOT_A_VIDEO)
        video = videos[0]
        if video.codec_context.name in {"png", "mjpeg", "bmp", "gif"} and (video.frames or 0) <= 1:
            raise PermanentError(ErrorCode.NOT_A_VIDEO, "a still image")
        claimed = _claimed_duration(container, video)
        if claimed is not None and claimed > max_duration_sec + 0.5:
            raise PermanentError(
                ErrorCode.VIDEO_TOO_LONG, duration=round(claimed), max_sec=max_duration_sec
            )
        last_end, decoded = _scan(container, video)
    if not decoded:
        raise PermanentError(ErrorCode.CORRUPT_VIDEO, "no decodable video frame")
    duration = claimed if claimed is not None else last_end
    if duration is None or duration <= 0:
        raise PermanentError(ErrorCode.DURATION_UNKNOWN)
    if (
        claimed is not None
        and last_end is not None
        and last_end + truncation_tolerance(claimed) < claimed
    ):
        raise PermanentError(
            ErrorCode.CORRUPT_VIDEO, f"packets end at {last_end:.1f}s of {claimed:.1f}s"
        )
    if duration > max_duration_sec + 0.5:
        raise PermanentError(
            ErrorCode.VIDEO_TOO_LONG, duration=round(duration), max_sec=max_duration_sec
        )
    ctx = video.codec_context
    fps = float(video.average_rate) if video.average_rate else None
    return VideoInfo(
        path=path,
        content_type=content_type,
        size=size,
        duration_sec=round(duration, 3),
        width=int(ctx.width or 0),
        height=int(ctx.height or 0),
        fps=round(fps, 3) if fps else None,
        video_codec=ctx.name,
        has_audio=bool(audios),
        audio_codec=audios[0].codec_context.name if audios else None,
    )


def _looks_like_video_container(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(12)
    return head[4:8] in {b"ftyp", b"moov", b"mdat", b"wide", b"free"} or head.startswith(
        b"\x1a\x45\xdf\xa3"  # EBML: Matroska / WebM
    )


def _claimed_duration(container: object, video: object) -> float | None:
    stream_duration = getattr(video, "duration", None)
    time_base = getattr(video, "time_base", None)
    if stream_duration and time_base:
        return float(stream_duration * time_base)
    container_duration = getattr(container, "duration", None)
    if container_duration:
        return float(container_duration) / 1_000_000
    return None


def _scan(container: object, video: object) -> tuple[float | None, bool]:
    """Demux every video packet (cheap: no decoding but the first frames).
    Returns the end time of the last packet and whether a frame decoded."""
    import av

    last_end: float | None = None
    decoded = False
    start = float(video.start_time * video.time_base) if video.start_time else 0.0  # type: ignore[attr-defined]
    try:
        for packet in container.demux(video):  # type: ignore[attr-defined]
            if packet.pts is not None and packet.time_base is not None:
                end = float((packet.pts + (packet.duration or 0)) * packet.time_base) - start
                last_end = end if last_end is None else max(last_end, end)
            if not decoded and packet.size:
                try:
                    decoded = bool(packet.decode())
                except av.error.FFmpegError:
                    pass
    except av.error.FFmpegError as exc:
        if not decoded:
            raise PermanentError(ErrorCode.CORRUPT_VIDEO, str(exc)) from exc
        # Damage after decodable frames: judged by where the packets stopped.
    return last_end, decoded
