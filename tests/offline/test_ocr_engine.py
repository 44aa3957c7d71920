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


# ----- which frames are read (KeyframeReader): the real watch, a scripted reader ---------

TEXTS = {1: "", 2: "ONE MORE TIME", 3: "ONE MORE", 4: "SALE -50%"}


class _Script:
    """Stands in for ocr.read_text: the text per frame id (pixel [0, 0])."""

    def __init__(self) -> None:
        self.read: list[tuple[int, int]] = []  # (frame id, which look) of each read

    def read_text(self, gray: np.ndarray) -> ocr.OcrResult:
        self.read.append((int(gray[0, 0]), int(gray[0, 1])))
        text = TEXTS[int(gray[0, 0])]
        return ocr.OcrResult(text, 90.0 if text else None)


def _frame(i: int, look: int = 0) -> np.ndarray:
    """Frame `i` of TEXTS: busy footage (a new texture each look) with its caption."""
    image = _busy(seed=look) if not TEXTS[i] else _outlined(TEXTS[i], _busy(seed=look))
    image[0, 0], image[0, 1] = i, look
    return image


def _run(
    monkeypatch: pytest.MonkeyPatch,
    shots: list[Shot],
    keyframes: list[int],
    looks: list[int],
    step: float = 0.2,
) -> tuple[_Script, list[tuple[float, float, str]]]:
    """Keyframe ids per shot and the frame id at each look (`step` s apart)."""
    from shared.measure import keyframes as keyframes_mod

    script = _Script()
    monkeypatch.setattr(keyframes_mod.ocr_mod, "available", lambda: True)
    monkeypatch.setattr(keyframes_mod.ocr_mod, "read_text", script.read_text)
    reader = KeyframeReader(True, 0)
    for n, i in enumerate(looks):
        reader.caption_frame(round(n * step, 3), _frame(i, n))
    for shot, i in zip(shots, keyframes, strict=True):
        reader(shot, _frame(i, 100 + shot.index))
    reader.collect(shots)
    captions = reader.captions(shots)
    reader.finish()
    return script, [(c.start, c.end, c.text) for c in captions]


def _shot(index: int, start: float, end: float) -> Shot:
    return Shot(index=index, start=start, end=end, keyframe_time=(start + end) / 2)


def test_a_caption_is_read_once_and_stands_until_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Looks every 0.2 s: the caption read once where it appears, its span from halfway
    between the looks around its start to halfway around its end; textless looks and
    looks at the same caption are not read."""
    shot = _shot(0, 0.0, 2.0)
    script, captions = _run(monkeypatch, [shot], [1], [1, 1, 4, 4, 4, 1, 1, 1, 1, 1])
    assert captions == [(0.3, 0.9, "SALE -50%")]
    assert sorted(script.read) == [(1, 100), (4, 2)]  # the keyframe, the caption's first look
    assert shot.text == "SALE -50%" and shot.ocr_confidence == 90.0


def test_consecutive_captions_one_word_apart_are_two(monkeypatch: pytest.MonkeyPatch) -> None:
    shot = _shot(0, 0.0, 1.2)
    _, captions = _run(monkeypatch, [shot], [2], [2, 2, 3, 3, 3, 1])
    assert captions == [(0.0, 0.3, "ONE MORE TIME"), (0.3, 0.9, "ONE MORE")]
    assert shot.text == "ONE MORE TIME / ONE MORE"


def test_a_caption_ends_at_a_cut_and_a_change_across_it_is_put_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caption shown over a cut is two spans, one each side; a caption that changes
    between two looks with a cut between them changes at the cut."""
    shots = [_shot(0, 0.0, 0.5), _shot(1, 0.5, 1.0), _shot(2, 1.0, 1.4)]
    _, captions = _run(monkeypatch, shots, [4, 4, 2], [4, 4, 4, 4, 4, 2, 2])
    assert captions == [
        (0.0, 0.5, "SALE -50%"),
        (0.5, 1.0, "SALE -50%"),
        (1.0, 1.4, "ONE MORE TIME"),
    ]


def test_a_shot_with_no_watched_text_keeps_its_keyframes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text the watch does not take for captions (a sign) is still the shot's text."""
    shot = _shot(0, 0.0, 1.0)
    script, captions = _run(monkeypatch, [shot], [4], [1, 1, 1, 1, 1])
    assert captions == [(0.0, 1.0, "SALE -50%")]
    assert [i for i, _ in script.read] == [4]
