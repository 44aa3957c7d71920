"""OCR of shot keyframes in worker threads, as shots close during decoding."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Caption, Shot
from shared.measure import ocr as ocr_mod

if TYPE_CHECKING:
    import numpy as np

MAX_OCR_SHOTS = 120  # the longest shots (and the first) are read when there are more
MAX_CAPTION_FRAMES_TOTAL = 120  # more frames of long shots, read for changing captions


def rotate(image: np.ndarray, k: int) -> np.ndarray:
    """Rotate by k quarter turns (the stream's display rotation)."""
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, k)) if k else image


class KeyframeReader:
    """Runs OCR in worker threads as keyframes arrive (tesseract is a subprocess)."""

    def __init__(self, enabled: bool, rotation_k: int) -> None:
        from shared.measure.model import cpu_threads

        self.enabled = enabled and ocr_mod.available()
        self.rotation_k = rotation_k
        self.futures: dict[int, Future[Any]] = {}
        # More frames of long shots, read for captions that change inside a shot.
        self.caption_futures: list[tuple[int, float, Future[Any]]] = []
        self.caption_frames: list[tuple[int, float, np.ndarray]] = []
        # Beyond the first MAX_OCR_SHOTS // 2 shots, the longest ones wait here (bounded).
        self.pending: dict[int, tuple[float, np.ndarray]] = {}
        self._pool = ThreadPoolExecutor(max_workers=cpu_threads())

    def __call__(self, shot: Shot, gray: np.ndarray) -> None:
        if not self.enabled:
            return
        image = rotate(gray, self.rotation_k)
        if len(self.futures) < MAX_OCR_SHOTS // 2:
            self.futures[shot.index] = self._pool.submit(ocr_mod.read_text, image)
            return
        self.pending[shot.index] = (shot.duration, image)
        room = MAX_OCR_SHOTS - len(self.futures)
        if len(self.pending) > room:
            shortest = min(self.pending, key=lambda i: self.pending[i][0])
            del self.pending[shortest]

    def caption_frame(self, shot: Shot, time: float, gray: np.ndarray) -> None:
        """Keep a later frame of a long shot; it is read only if the shot's keyframe
        has text (captioned reels caption throughout; the others cost nothing)."""
        if not self.enabled or len(self.caption_frames) >= MAX_CAPTION_FRAMES_TOTAL:
            return
        self.caption_frames.append((shot.index, time, rotate(gray, self.rotation_k)))

    def _read_caption_frames(self, shots: list[Shot]) -> None:
        for index, time, image in self.caption_frames:
            if index < len(shots) and shots[index].text:
                future = self._pool.submit(ocr_mod.read_text, image)
                self.caption_futures.append((index, time, future))
        self.caption_frames.clear()

    def _kept(self, shots: list[Shot]) -> list[tuple[int, Future[Any]]]:
        """The keyframes read of the shots kept (a shot past the end was dropped)."""
        return [(i, f) for i, f in self.futures.items() if i < len(shots)]

    def captions(self, shots: list[Shot]) -> list[Caption]:
        """Every caption read, with when it shows: keyframes and caption frames in time
        order, the same text on consecutive frames merged. A shot whose captions
        changed gets them all as its text ("ONE / TWO")."""
        self._read_caption_frames(shots)
        read: dict[int, list[tuple[float, str]]] = {}
        for index, future in self._kept(shots):
            read.setdefault(index, []).append((shots[index].keyframe_time, future.result().text))
        for index, time, future in self.caption_futures:
            read.setdefault(index, []).append((time, future.result().text))
        captions: list[Caption] = []
        for index in sorted(read):
            shot = shots[index]
            frames = sorted(read[index])
            texts = [text for _, text in frames]
            for i, (time, text) in enumerate(frames):
                start = shot.start if i == 0 else (frames[i - 1][0] + time) / 2
                end = shot.end if i == len(frames) - 1 else (time + frames[i + 1][0]) / 2
                if not text:
                    continue
                if captions and captions[-1].text == text and abs(captions[-1].end - start) < 1e-6:
                    captions[-1].end = round(end, 3)
                else:
                    captions.append(Caption(round(start, 3), round(end, 3), text))
            distinct = list(dict.fromkeys(t for t in texts if t))
            if len(distinct) > 1:
                shot.text = " / ".join(distinct)
        return captions

    def collect(self, shots: list[Shot]) -> int:
        """Fill shot texts; returns how many keyframes were read."""
        if not self.enabled:
            return 0
        for index, (_, image) in self.pending.items():
            self.futures[index] = self._pool.submit(ocr_mod.read_text, image)
        self.pending.clear()
        for index, future in self._kept(shots):
            result = future.result()
            shots[index].text = result.text
            shots[index].ocr_confidence = result.confidence
        return len(self.futures)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def finish(self) -> None:
        self._pool.shutdown(wait=True)
