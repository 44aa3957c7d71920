"""On-screen text: Tesseract in-process (tesserocr) on shot keyframes and caption frames.

The traineddata (`rus`, `eng`) ship with the package in `shared/measure/assets`; no
system tesseract, no TESSDATA_PREFIX. Engines are kept and reused (`_engine`): one
engine is used by one thread at a time, and Tesseract releases the GIL while it reads.

Captions sit on anything (busy footage, boxes, outlines), so each frame is read as
three panels: the grey frame as is (page layout analysis), and two masks read as sparse
text: near-white blobs ringed by darker pixels (white captions, outlined or on a dark
box; drawn dark on white, the inversion light-on-dark text needs) and near-black blobs
ringed by lighter ones (dark captions on a light box). The ring is what keeps footage
out: a letter of an outlined caption is surrounded by its outline, a bright tuft of fur
by more fur; texture left in a mask made the page layout call the caption region a
picture (nothing read) or glued speckles onto words. The panel whose confident words
carry the most letters wins. Words are kept only with a tesseract confidence and a share
of letters (or as numbers: "-50%"), lines only with a real word. Each word is then
made Cyrillic or Latin (scripts.py): a line of the winning panel with a word of
look-alikes ("HE" read «НЕ», "MEGA" «МЕСА») is read again, its box only, by a
Russian-only and an English-only engine, whose readings and the line's other words
decide.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.measure import assets, reread
from shared.measure.ocrtext import _LETTER, _keep_line, _kept_word
from shared.measure.reread import SINGLE_LANGUAGES, Box, Words
from shared.measure.scripts import Reading, needs_readings, normalize_line

if TYPE_CHECKING:
    import numpy as np

LANGUAGES = "rus+eng"
TRAINEDDATA = ("rus.traineddata", "eng.traineddata")  # shipped in shared/measure/assets
TIMEOUT_SEC = 8.0  # per frame, all panels (Tesseract's own deadline: Recognize(timeout))
OCR_SHORT_SIDE = 540  # frames are scaled so their short side is this (at most 2.5x up)
OCR_MAX_LONG_SIDE = 1920  # ... and their long side at most this (bounds the work per frame)
WHITE_LEVEL = 200  # luma at or above: "white" caption pixels
BLACK_LEVEL = 50  # luma at or below: "black" caption pixels
RING_CONTRAST = 100  # a ring pixel this much darker than WHITE_LEVEL (lighter than BLACK_LEVEL)
RING_SHARE = 0.6  # ... for at least this share of a blob's ring: a letter
# Connected blobs of a mask bigger than this (share of the frame) are not letters.
MAX_GLYPH_HEIGHT = 0.12
MAX_GLYPH_WIDTH = 0.5
MAX_GLYPH_AREA = 0.01
MIN_GLYPH_PX = 7  # shorter blobs are too small to read (the likely-text gate)
MIN_ROW_GLYPHS = 3  # letter-sized blobs side by side that make a likely line of text
MAX_GATE_GLYPHS = 600

TSV_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


@dataclass
class OcrResult:
    text: str
    confidence: float | None  # mean confidence of the kept words, 0..100
    panel: str | None = None  # which panel was read: "frame", "light", "dark"
    timed_out: bool = False


# ----- the engine -----------------------------------------------------------------------

_idle: list[Any] = []  # initialised rus+eng engines no thread is using
_idle_single: dict[str, list[Any]] = {lang: [] for lang in SINGLE_LANGUAGES}  # and one-language
_idle_lock = threading.Lock()


def tessdata_dir() -> str:
    """The traineddata folder the engine reads (the package's own assets)."""
    return str(assets.ASSETS_DIR) + "/"


@functools.cache
def tesseract_version() -> str | None:
    """The version of the Tesseract library tesserocr runs (None if it does not load)."""
    try:
        import tesserocr
    except ImportError:
        return None
    match = re.search(r"tesseract\s+v?([\d.]+)", tesserocr.tesseract_version())
    return match.group(1) if match else None


def tesseract_languages() -> frozenset[str]:
    """Languages whose traineddata the package ships."""
    shipped = [name for name in TRAINEDDATA if (assets.ASSETS_DIR / name).is_file()]
    return frozenset(name.removesuffix(".traineddata") for name in shipped)


def _new_engine(lang: str = LANGUAGES) -> Any:
    import tesserocr

    return tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=lang)


@contextmanager
def _engine(lang: str = LANGUAGES) -> Iterator[Any]:
    """An engine of `lang` for this thread alone while the block runs (made once, then
    reused)."""
    pool = _idle if lang == LANGUAGES else _idle_single[lang]
    with _idle_lock:
        api = pool.pop() if pool else None
    if api is None:
        api = _new_engine(lang)
    try:
        yield api
    finally:
        with _idle_lock:
            pool.append(api)


@functools.cache
def available() -> bool:
    """True when tesserocr loads and an engine starts on the shipped rus+eng data."""
    if tesseract_version() is None or {"rus", "eng"} - tesseract_languages():
        return False
    try:
        with _engine():
            return True
    except RuntimeError:  # tesserocr: "Failed to init API"
        return False


# ----- panels ---------------------------------------------------------------------------


def scale_for_ocr(width: int, height: int) -> tuple[int, int]:
    """Size to read a frame at: short side OCR_SHORT_SIDE, never more than 2.5x up, long
    side at most OCR_MAX_LONG_SIDE."""
    short, long = min(width, height), max(width, height)
    factor = min(2.5, OCR_SHORT_SIDE / short) if short else 1.0
    if long * factor > OCR_MAX_LONG_SIDE:
        factor = OCR_MAX_LONG_SIDE / long
    return max(2, round(width * factor / 2) * 2), max(2, round(height * factor / 2) * 2)


def _glyphs(selected: np.ndarray, gray: np.ndarray | None, light: bool) -> tuple[Any, Any, Any]:
    """Connected blobs of `selected`: (labels, stats, keep per label). Blobs too big to be
    letters are dropped (solid areas and boxes make the page layout call the region a
    picture) and, given the frame, blobs whose ring (2 px out) is mostly not of the
    opposite tone (RING_CONTRAST, RING_SHARE)."""
    import cv2
    import numpy as np

    h, w = selected.shape
    fg = selected.astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    keep = ~(
        (stats[:, cv2.CC_STAT_HEIGHT] > MAX_GLYPH_HEIGHT * h)
        | (stats[:, cv2.CC_STAT_WIDTH] > MAX_GLYPH_WIDTH * w)
        | (stats[:, cv2.CC_STAT_AREA] > MAX_GLYPH_AREA * h * w)
    )
    keep[0] = False  # background
    if gray is not None and count > 1:
        # Each pixel 2 px out of a blob (not touching it) votes for the blob next to it.
        near = cv2.dilate(
            labels.astype(np.float32), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
        )
        ring = (cv2.dilate(fg, np.ones((3, 3), np.uint8)) == 0) & (near > 0)
        owner = near[ring].astype(np.int64)
        tone = gray[ring].astype(np.int16) * (-1 if light else 1)  # "other" tone is high
        other = tone >= (RING_CONTRAST - WHITE_LEVEL if light else BLACK_LEVEL + RING_CONTRAST)
        votes = np.bincount(owner, minlength=count)
        agree = np.bincount(owner, weights=other.astype(np.float64), minlength=count)
        keep &= agree >= RING_SHARE * np.maximum(votes, 1)
    return labels, stats, keep


def _clean_mask(
    selected: np.ndarray, gray: np.ndarray | None = None, light: bool = True
) -> np.ndarray:
    """Selected pixels drawn black on white, letter-like blobs only (see `_glyphs`)."""
    import numpy as np

    labels, _, keep = _glyphs(selected, gray, light)
    return np.where(keep[labels], 0, 255).astype(np.uint8)


def panels(gray: np.ndarray) -> list[tuple[str, np.ndarray, int]]:
    """(name, image, page segmentation mode) of the panels a frame is read as: the masks
    first (cheap and the usual winners), then the frame."""
    from tesserocr import PSM

    return [
        ("light", _clean_mask(gray >= WHITE_LEVEL, gray, light=True), PSM.SPARSE_TEXT),
        ("dark", _clean_mask(gray <= BLACK_LEVEL, gray, light=False), PSM.SPARSE_TEXT),
        ("frame", gray, PSM.AUTO),
    ]


def likely_text(gray: np.ndarray) -> bool:
    """A cheap look before reading a frame that may well have no text: a row of at least
    MIN_ROW_GLYPHS ringed, letter-sized blobs of about one height, close side by side."""
    for light in (True, False):
        selected = gray >= WHITE_LEVEL if light else gray <= BLACK_LEVEL
        _, stats, keep = _glyphs(selected, gray, light)
        boxes = stats[keep][:, :4]  # x, y, w, h
        boxes = boxes[boxes[:, 3] >= MIN_GLYPH_PX]
        if _has_row(boxes.tolist()):
            return True
    return False


def _has_row(boxes: list[list[int]]) -> bool:
    if len(boxes) > MAX_GATE_GLYPHS:  # that many ringed blobs: just read the frame
        return True
    boxes.sort(key=lambda b: b[0])
    for _, y, _, h in boxes:
        middle = y + h / 2
        row = [
            b
            for b in boxes
            if abs(b[1] + b[3] / 2 - middle) <= 0.4 * h and 0.5 * h <= b[3] <= 2 * h
        ]
        run, end = 1, row[0][0] + row[0][2]
        for bx, _, bw, _ in row[1:]:
            run = run + 1 if bx - end <= 1.5 * h else 1
            end = max(end, bx + bw)
            if run >= MIN_ROW_GLYPHS:
                return True
    return False


# ----- reading --------------------------------------------------------------------------


def _parse_tsv(tsv: str, pitch: int, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Lines per panel of panels stacked `pitch` pixels apart (one panel: any pitch
    taller than it): {"frame": [{"words": [...], "confs": [...], "top": y}], ...}."""
    lines: dict[tuple[int, str, str, str], dict[str, Any]] = {}
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
            left = int(row["left"])
            top = int(row["top"])
            box = (left, top, int(row["width"]), int(row["height"]))
        except (KeyError, ValueError):
            continue
        if not text or conf < 0:
            continue
        panel = min(len(names) - 1, top // pitch)
        key = (panel, row["block_num"], row["par_num"], row["line_num"])
        line = lines.setdefault(
            key, {"words": [], "confs": [], "boxes": [], "top": top, "left": left}
        )
        line["words"].append(text)
        line["confs"].append(conf)
        line["boxes"].append(box)
        line["top"] = min(line["top"], top)
        line["left"] = min(line["left"], left)
    out: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for (panel, *_), line in lines.items():
        out[names[panel]].append(line)
    return out


def _tsv_words(api: Any, height: int) -> Words:
    """The words an engine read in an image `height` pixels tall, with their boxes."""
    lines = _parse_tsv(f"{TSV_HEADER}\n{api.GetTSVText(0)}", height + 1, ["line"])["line"]
    return [
        (w, c, b)
        for ln in lines
        for w, c, b in zip(ln["words"], ln["confs"], ln["boxes"], strict=True)
    ]


def _best_of(
    name: str,
    lines: list[dict[str, Any]],
    readings: Callable[[list[Box]], list[Reading | None]] | None = None,
) -> tuple[OcrResult, float] | None:
    """The panel's kept lines in reading order, and their score (letters x confidence).
    With `readings`, a line that needs them (scripts.py) has its words' boxes read by the
    one-language engines."""
    texts: list[str] = []
    confs: list[float] = []
    for line in sorted(lines, key=lambda ln: (ln["top"], ln["left"])):
        kept = _keep_line(line["words"], line["confs"])
        if kept is None:
            continue
        words, word_confs = kept
        read = None
        if readings is not None and needs_readings(words):
            boxes = zip(line["words"], line["confs"], line["boxes"], strict=True)
            read = readings([b for w, c, b in boxes if _kept_word(w, c)])
        texts.append(normalize_line(words, read))
        confs.extend(word_confs)
    if not texts:
        return None
    text = " ".join(texts)
    score = sum(
        len(_LETTER.findall(w)) * c / 100 for w, c in zip(text.split(), confs, strict=False)
    )
    return OcrResult(text, round(sum(confs) / len(confs), 1), panel=name), score


def read_text(gray: np.ndarray, timeout: float = TIMEOUT_SEC) -> OcrResult:
    """The on-screen text of one greyscale frame ("" if none is confidently there).
    Past `timeout` (all panels) what was read so far counts, with `timed_out` set."""
    import numpy as np

    deadline = time.monotonic() + timeout
    best: OcrResult | None = None
    best_score = 0.0
    best_read: tuple[str, np.ndarray, list[dict[str, Any]]] | None = None
    timed_out = False
    with _engine() as api:
        for name, image, psm in panels(gray):
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                timed_out = True
                break
            image = np.ascontiguousarray(image, dtype=np.uint8)
            height, width = image.shape
            api.SetPageSegMode(psm)
            api.SetImageBytes(image.tobytes(), width, height, 1, width)
            api.SetSourceResolution(70)  # as the CLI assumed for a PNG without one
            if not api.Recognize(left_ms):
                timed_out = time.monotonic() >= deadline
                continue
            found = _parse_tsv(f"{TSV_HEADER}\n{api.GetTSVText(0)}", height + 1, [name])
            read = _best_of(name, found[name])
            if read is not None and read[1] > best_score:
                best, best_score = read
                best_read = (name, image, found[name])
    if best_read is not None and not timed_out:
        name, image, lines = best_read
        again = _best_of(name, lines, reread.readings(image, deadline, _engine, _tsv_words))
        best = again[0] if again is not None else best
    result = best or OcrResult("", None)
    result.timed_out = timed_out
    return result


def read_if_text(gray: np.ndarray) -> OcrResult | None:
    """`read_text` if the frame looks like it has text (`likely_text`), else None."""
    return read_text(gray) if likely_text(gray) else None


def glyph_mask(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """The ringed, letter-sized blobs of a frame (light and dark, `_glyphs`) as one 0/1
    mask, and whether they make a likely line of text (as `likely_text`)."""
    import numpy as np

    mask = np.zeros(gray.shape, np.uint8)
    row = False
    for light in (True, False):
        selected = gray >= WHITE_LEVEL if light else gray <= BLACK_LEVEL
        labels, stats, keep = _glyphs(selected, gray, light)
        keep = keep & (stats[:, 3] >= MIN_GLYPH_PX)
        mask |= keep[labels].astype(np.uint8)
        row = row or _has_row(stats[keep][:, :4].tolist())
    return mask, row
