"""OCR in-process (tesserocr) and which frames it reads: fast, on frames drawn here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from shared.core.measurements import Shot
from shared.measure import ocr
from shared.measure.keyframes import KeyframeReader


def _busy(seed: int = 3, size: tuple[int, int] = (960, 540)) -> np.ndarray:
    """Grey footage-like texture: blurred noise stretched over the whole range."""
    import cv2

    noise = np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8)
    return cv2.normalize(cv2.GaussianBlur(noise, (0, 0), 1.5), None, 0, 255, cv2.NORM_MINMAX)


def _outlined(text: str, background: np.ndarray, y: float = 0.62) -> np.ndarray:
    """White text with a 3 px black outline, as reels caption it (OpenCV's Latin font;
    the outline is the text grown, as putText's thickness is not)."""
    import cv2

    letters = np.zeros_like(background)
    font, scale = cv2.FONT_HERSHEY_DUPLEX, 1.6
    (w, _), _ = cv2.getTextSize(text, font, scale, 2)
    org = ((background.shape[1] - w) // 2, int(background.shape[0] * y))
    cv2.putText(letters, text, org, font, scale, 255, 2, cv2.LINE_AA)
    outline = cv2.dilate(letters, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    img = np.where(outline > 0, 0, background).astype(np.uint8)
    return np.maximum(img, letters)


@pytest.fixture(scope="module", autouse=True)
def _needs_ocr() -> None:
    assert ocr.available(), "tesserocr or the shipped traineddata missing: run `make deps`"


def test_versions_tell_what_runs() -> None:
    import tesserocr

    assert ocr.tesseract_version() == tesserocr.tesseract_version().split()[1].lstrip("v")
    assert ocr.tesseract_languages() == {"rus", "eng"}
    with ocr._engine() as api:
        assert api.GetDatapath().startswith(str(ocr.assets.ASSETS_DIR))
        assert set(api.GetInitLanguagesAsString().split("+")) == {"rus", "eng"}


@pytest.mark.parametrize("text", ["LINK IN BIO", "SALE -50%"])
def test_outlined_caption_on_busy_footage_is_read(text: str) -> None:
    """Before: 'BIO' and '' (texture in the mask, page layout, "-50%" not a word)."""
    result = ocr.read_text(_outlined(text, _busy()))
    assert result.text == text and result.panel == "light", result
    assert result.confidence is not None and result.confidence > 80


def test_busy_footage_alone_reads_nothing_and_looks_textless() -> None:
    for seed in range(3):
        frame = _busy(seed)
        assert not ocr.likely_text(frame)
        assert ocr.read_text(frame).text == ""


def test_the_ring_keeps_outlined_letters_and_drops_texture() -> None:
    frame = _outlined("SALE", _busy())
    mask = ocr._clean_mask(frame >= ocr.WHITE_LEVEL, frame, light=True)
    plain = ocr._clean_mask(frame >= ocr.WHITE_LEVEL)
    row = slice(int(960 * 0.62) - 40, int(960 * 0.62) + 10)
    letters = (mask[row] == 0).sum()
    assert letters > 300  # the caption stays
    assert (mask == 0).sum() - letters < 0.05 * ((plain == 0).sum() - (plain[row] == 0).sum())


def test_text_likelihood_gate() -> None:
    assert ocr.likely_text(_outlined("LINK IN BIO", _busy()))
    assert not ocr.likely_text(np.full((960, 540), 128, np.uint8))
    assert not ocr.likely_text(np.zeros((960, 540), np.uint8))


def test_numbers_are_words_and_lone_short_words_need_certainty() -> None:
    kept = ocr._keep_line(["SALE", "-50%"], [92, 90])
    assert kept is not None and kept[0] == ["SALE", "-50%"]
    assert ocr._keep_line(["ity"], [81]) is None  # texture read as a word
    assert ocr._keep_line(["ТОП"], [95]) is not None


def test_the_timeout_stops_between_and_inside_panels() -> None:
    frame = _outlined("LINK IN BIO", _busy())
    result = ocr.read_text(frame, timeout=0.0)
    assert result.timed_out and result.text == ""


def test_the_frame_size_is_bounded() -> None:
    assert ocr.scale_for_ocr(1080, 1920) == (540, 960)
    assert ocr.scale_for_ocr(200, 360) == (500, 900)  # at most 2.5x up
    w, h = ocr.scale_for_ocr(100, 4000)  # a strip: the long side is capped
    assert h <= ocr.OCR_MAX_LONG_SIDE and w >= 2


def test_engines_are_never_shared_between_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = [_outlined(t, _busy(i)) for i, t in enumerate(["ONE TIP", "TWO TIPS"] * 3)]
    busy: set[int] = set()
    shared: list[int] = []
    lock = threading.Lock()
    real = ocr._engine

    @contextmanager
    def watched() -> Iterator[Any]:
        with real() as api:
            with lock:
                if id(api) in busy:
                    shared.append(id(api))
                busy.add(id(api))
            try:
                yield api
            finally:
                with lock:
                    busy.discard(id(api))

    monkeypatch.setattr(ocr, "_engine", watched)
    with ThreadPoolExecutor(2) as pool:
        texts = [r.text for r in pool.map(ocr.read_text, frames)]
    assert texts == ["ONE TIP", "TWO TIPS"] * 3
    assert shared == []
    assert len(ocr._idle) <= 3  # made once per concurrent reader, then reused


# ----- which frames are read (KeyframeReader), with a scripted reader ---------------------


class _Script:
    """Stands in for ocr.read_text / read_if_text: the text per frame id (pixel [0, 0])."""

    def __init__(self, texts: dict[int, str], textless: set[int]) -> None:
        self.texts, self.textless = texts, textless
        self.full: list[int] = []
        self.gated: list[int] = []

    def read_text(self, gray: np.ndarray) -> ocr.OcrResult:
        self.full.append(int(gray[0, 0]))
        text = self.texts.get(int(gray[0, 0]), "")
        return ocr.OcrResult(text, 90.0 if text else None)

    def read_if_text(self, gray: np.ndarray) -> ocr.OcrResult | None:
        self.gated.append(int(gray[0, 0]))
        return None if int(gray[0, 0]) in self.textless else self.read_text(gray)


def _frame(i: int) -> np.ndarray:
    return np.full((4, 4), i, np.uint8)


def _run(
    monkeypatch: pytest.MonkeyPatch, script: _Script, keyframe: int, later: list[tuple[float, int]]
) -> tuple[Shot, list[Any]]:
    from shared.measure import keyframes

    monkeypatch.setattr(keyframes.ocr_mod, "available", lambda: True)
    monkeypatch.setattr(keyframes.ocr_mod, "read_text", script.read_text)
    monkeypatch.setattr(keyframes.ocr_mod, "read_if_text", script.read_if_text)
    shot = Shot(index=0, start=0.0, end=6.0, keyframe_time=3.0)
    reader = KeyframeReader(True, 0)
    reader(shot, _frame(keyframe))
    for time, i in later:
        reader.caption_frame(shot, time, _frame(i))
    reader.collect([shot])
    captions = reader.captions([shot])
    reader.finish()
    return shot, captions


def test_a_caption_is_read_though_the_keyframe_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    script = _Script({1: "", 2: "SALE -50%", 3: ""}, textless={3})
    shot, captions = _run(monkeypatch, script, 1, [(0.5, 2), (5.0, 3)])
    assert [(c.start, c.end, c.text) for c in captions] == [(0.0, 1.75, "SALE -50%")]
    assert shot.text == "SALE -50%" and shot.ocr_confidence == 90.0
    assert sorted(script.full) == [1, 2]  # frame 3 looked textless: never read in full


def test_a_captioned_shot_reads_every_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyframe has text: a frame the gate thought textless is read all the same."""
    script = _Script({1: "TWO", 2: "ONE", 3: "THREE"}, textless={3})
    shot, captions = _run(monkeypatch, script, 1, [(0.5, 2), (5.0, 3)])
    assert [c.text for c in captions] == ["ONE", "TWO", "THREE"]
    assert shot.text == "ONE / TWO / THREE"
    assert sorted(script.full) == [1, 2, 3]


def test_the_same_caption_on_consecutive_frames_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    script = _Script({1: "Step 2", 2: "Step 2", 3: "Step 2"}, textless=set())
    shot, captions = _run(monkeypatch, script, 1, [(1.7, 2), (4.3, 3)])
    assert [(c.start, c.end, c.text) for c in captions] == [(0.0, 6.0, "Step 2")]
    assert shot.text == "Step 2"
