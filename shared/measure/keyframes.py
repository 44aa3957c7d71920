"""OCR of shot keyframes in worker threads, as shots close during decoding."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Shot
from shared.measure import ocr as ocr_mod

if TYPE_CHECKING:
    import numpy as np

MAX_OCR_SHOTS = 120  # the longest shots (and the first) are read when there are more


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
        self._pool.shutdown(wait=False, cancel_futures=True)
