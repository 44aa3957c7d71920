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


def _done(result: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(result)
    return future


def rotate(image: np.ndarray, k: int) -> np.ndarray:
    """Rotate by k quarter turns (the stream's display rotation)."""
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, k)) if k else image


class KeyframeReader:
    """Runs OCR in worker threads as frames arrive (Tesseract releases the GIL).

    Every keyframe is read. The later frames of long shots (`caption_frame`) are read
    at once when they look like they have text (`ocr.likely_text`, a few ms), and at the
    end also when their shot's keyframe read text (captioned reels caption throughout):
    a caption the keyframe misses is still found, and footage without text costs little.
    """

    def __init__(self, enabled: bool, rotation_k: int) -> None:
        from shared.measure.model import cpu_threads

        self.enabled = enabled and ocr_mod.available()
        self.rotation_k = rotation_k
        self.futures: dict[int, Future[Any]] = {}
        # More frames of long shots, read for captions that change inside a shot: each
        # with its gated read (None: no text likely), re-read if its keyframe has text.
        self.caption_futures: list[tuple[int, float, Future[Any]]] = []
        self.caption_frames: list[tuple[int, float, np.ndarray, Future[Any]]] = []
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
        """A later frame of a long shot: read now if it looks like it has text."""
        if not self.enabled or len(self.caption_frames) >= MAX_CAPTION_FRAMES_TOTAL:
            return
        image = rotate(gray, self.rotation_k)
        gated = self._pool.submit(ocr_mod.read_if_text, image)
        self.caption_frames.append((shot.index, time, image, gated))

    def _read_caption_frames(self, shots: list[Shot]) -> None:
        """Each caption frame's reading: the gated one, or a full read when the gate saw
        no text but the shot's keyframe has some; nothing for a shot past the end."""
        for index, time, image, gated in self.caption_frames:
            if index >= len(shots):
                continue
            future = gated
            if gated.result() is None:
                if not shots[index].text:
                    self.caption_futures.append((index, time, _done(ocr_mod.OcrResult("", None))))
                    continue
                future = self._pool.submit(ocr_mod.read_text, image)
            self.caption_futures.append((index, time, future))
        self.caption_frames.clear()

    def _kept(self, shots: list[Shot]) -> list[tuple[int, Future[Any]]]:
        """The keyframes read of the shots kept (a shot past the end was dropped)."""
        return [(i, f) for i, f in self.futures.items() if i < len(shots)]

    def captions(self, shots: list[Shot]) -> list[Caption]:
        """Every caption read, with when it shows: keyframes and caption frames in time
        order, the same text on consecutive frames merged. A shot whose frames read more
        than its keyframe gets them all as its text ("ONE / TWO")."""
        self._read_caption_frames(shots)
        read: dict[int, list[tuple[float, Any]]] = {}
        for index, future in self._kept(shots):
            read.setdefault(index, []).append((shots[index].keyframe_time, future.result()))
        for index, time, future in self.caption_futures:
            read.setdefault(index, []).append((time, future.result()))
        captions: list[Caption] = []
        for index in sorted(read):
            shot = shots[index]
            frames = sorted(read[index], key=lambda f: f[0])
            for i, (time, result) in enumerate(frames):
                start = shot.start if i == 0 else (frames[i - 1][0] + time) / 2
                end = shot.end if i == len(frames) - 1 else (time + frames[i + 1][0]) / 2
                if not result.text:
                    continue
                last = captions[-1] if captions else None
                if last and last.text == result.text and abs(last.end - start) < 1e-3:
                    last.end = round(end, 3)
                else:
                    captions.append(Caption(round(start, 3), round(end, 3), result.text))
            with_text = [r for _, r in frames if r.text]
            distinct = list(dict.fromkeys(r.text for r in with_text))
            if distinct and distinct != [shot.text]:
                shot.text = " / ".join(distinct)
            if with_text and shot.ocr_confidence is None:
                confs = [r.confidence for r in with_text if r.confidence is not None]
                shot.ocr_confidence = round(sum(confs) / len(confs), 1) if confs else None
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
