"""OCR of shot keyframes in worker threads, as shots close during decoding."""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from shared.core.measurements import Caption, Shot
from shared.measure import ocr as ocr_mod
from shared.measure.captionwatch import CaptionWatch

if TYPE_CHECKING:
    import numpy as np

MAX_OCR_SHOTS = 120  # the longest shots (and the first) are read when there are more
MAX_CAPTION_FRAMES_TOTAL = 120  # frames read where the text changed (captionwatch)
NO_TEXT = ocr_mod.OcrResult("", None)


def _done(result: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(result)
    return future


def _same(a: str, b: str) -> bool:
    """The same caption read twice: the same words, whatever their case and marks."""
    return _words(a) == _words(b)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.casefold().replace("ё", "е")).split()


def _shot_text(shot: Shot, captions: list[Caption], results: list[Any]) -> None:
    """The shot's text: its keyframe's, or all its captions' when they read more."""
    distinct = list(dict.fromkeys(c.text for c in captions))
    if distinct and distinct != [shot.text]:
        shot.text = " / ".join(distinct)
    if results and shot.ocr_confidence is None:
        confs = [r.confidence for r in results if r.confidence is not None]
        shot.ocr_confidence = round(sum(confs) / len(confs), 1) if confs else None


def rotate(image: np.ndarray, k: int) -> np.ndarray:
    """Rotate by k quarter turns (the stream's display rotation)."""
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, k)) if k else image


class KeyframeReader:
    """Runs OCR in worker threads as frames arrive (Tesseract releases the GIL).

    Every keyframe is read (a shot's text). Captions come from the frames the scanner
    hands over every `captionwatch.WATCH_STEP_SEC`: a frame is read only where the text
    changed (`captionwatch`, a few ms a look) and holds a likely line of text; the
    reading stands until the next change. Footage without text costs a look a frame.
    """

    def __init__(self, enabled: bool, rotation_k: int) -> None:
        from shared.measure.model import cpu_threads

        self.enabled = enabled and ocr_mod.available()
        self.rotation_k = rotation_k
        self.futures: dict[int, Future[Any]] = {}
        # Where the text changed: (no earlier than, estimated start, its reading).
        self.changes: list[tuple[float, float, Future[Any]]] = []
        self.watch = CaptionWatch()
        self.caption_reads = 0
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

    def caption_frame(self, time: float, gray: np.ndarray) -> None:
        """A frame to look at for a change of the text; read when it changed."""
        if not self.enabled:
            return
        image = rotate(gray, self.rotation_k)
        change = self.watch.feed(time, image)
        if change is None:
            return
        earliest, start, seen = change
        if not seen.has_text:
            future = _done(NO_TEXT)
        elif self.caption_reads < MAX_CAPTION_FRAMES_TOTAL:
            self.caption_reads += 1
            future = self._pool.submit(ocr_mod.read_text, image)
        else:  # past the cap: unread, so no caption is claimed there
            future = _done(NO_TEXT)
        self.changes.append((earliest, start, future))

    def _kept(self, shots: list[Shot]) -> list[tuple[int, Future[Any]]]:
        """The keyframes read of the shots kept (a shot past the end was dropped)."""
        return [(i, f) for i, f in self.futures.items() if i < len(shots)]

    def _stretches(self, shots: list[Shot]) -> list[tuple[float, float, Any]]:
        """(start, end, reading) between changes of the text. A change seen across a
        cut is put at the cut (footage and captions usually change together)."""
        cuts = [s.start for s in shots[1:]]
        end = shots[-1].end if shots else 0.0
        starts = []
        for earliest, start, _ in self.changes:
            at_cut = [c for c in cuts if earliest < c <= start + (start - earliest)]
            starts.append(at_cut[-1] if at_cut else start)
        ends = [*starts[1:], end]
        return [
            (a, b, future.result())
            for a, b, (_, _, future) in zip(starts, ends, self.changes, strict=True)
            if b > a
        ]

    def captions(self, shots: list[Shot]) -> list[Caption]:
        """Every caption read, with when it shows: each stretch of one text, ended at
        its change and cut at every shot's end. A shot the watch saw no text in keeps
        its keyframe's text for the whole shot. A shot whose captions read more than
        its keyframe gets them all as its text ("ONE / TWO")."""
        keyframe = {i: f.result() for i, f in self._kept(shots)}
        stretches = self._stretches(shots)
        captions: list[Caption] = []
        for shot in shots:
            own: list[Caption] = []
            results = []
            for a, b, result in stretches:
                lo, hi = max(a, shot.start), min(b, shot.end)
                if hi - lo < 1e-3 or not result.text:
                    continue
                results.append(result)
                if own and _same(own[-1].text, result.text) and abs(own[-1].end - lo) < 1e-3:
                    own[-1].end = round(hi, 3)
                else:
                    own.append(Caption(round(lo, 3), round(hi, 3), result.text))
            key = keyframe.get(shot.index)
            if not own and key is not None and key.text:
                own.append(Caption(shot.start, shot.end, key.text))
            captions.extend(own)
            _shot_text(shot, own, results)
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
