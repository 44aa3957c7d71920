"""On-screen text: Debian's `tesseract` CLI on one keyframe per shot.

Captions sit on anything (busy footage, boxes, outlines), so each keyframe is
read as three panels side by side in a single tesseract run: the grey frame as
is, a mask of its near-white pixels (light captions, drawn dark on white: the
inversion light-on-dark text needs) and a mask of its near-black pixels (dark
captions). The panel whose confident words carry the most letters wins. Words
are kept only with a tesseract confidence (tsv output) and a share of letters
that texture does not reach, lines only with enough real words; Latin
look-alikes inside Cyrillic words are turned into Cyrillic and back.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

LANGUAGES = "rus+eng"
TIMEOUT_SEC = 8.0  # per keyframe
OCR_SHORT_SIDE = 540  # keyframes are scaled so their short side is this (at most 2.5x up)
WHITE_LEVEL = 200  # luma at or above: "white" caption pixels
BLACK_LEVEL = 50  # luma at or below: "black" caption pixels
PANEL_GAP = 40
# Connected blobs of a mask bigger than this (share of the frame) are not letters.
MAX_GLYPH_HEIGHT = 0.12
MAX_GLYPH_WIDTH = 0.5
MAX_GLYPH_AREA = 0.01

MIN_WORD_CONF = 60.0
MIN_LINE_CONF = 70.0
MIN_LETTER_RATIO = 0.6

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z]")
# Latin letters that look like Cyrillic ones (and back).
LAT_TO_CYR = str.maketrans("aABcCeEHKkMoOpPTxXyY", "аАВсСеЕНКкМоОрРТхХуУ")
# (Cyrillic "т" is how tesseract often reads a small-caps Latin "T".)
CYR_TO_LAT = str.maketrans("аАВсСеЕНКкМоОрРТтхХуУ", "aABcCeEHKkMoOpPTTxXyY")
_LAT_LOOKALIKES = set("aABcCeEHKkMoOpPTxXyY")
_CYR_LOOKALIKES = set("аАВсСеЕНКкМоОрРТтхХуУ")


@dataclass
class OcrResult:
    text: str
    confidence: float | None  # mean confidence of the kept words, 0..100
    panel: str | None = None  # which panel was read: "frame", "light", "dark"
    timed_out: bool = False


@functools.cache
def tesseract_version() -> str | None:
    try:
        proc = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"tesseract\s+v?([\d.]+)", proc.stdout + proc.stderr)
    return match.group(1) if match else None


@functools.cache
def tesseract_languages() -> frozenset[str]:
    try:
        proc = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in proc.stdout.splitlines()[1:] if line.strip())


def available() -> bool:
    return tesseract_version() is not None and {"rus", "eng"} <= tesseract_languages()


def fix_mixed_script(word: str) -> str:
    """Make a word that mixes Cyrillic and Latin letters one script: the one most of its
    letters are in (look-alikes such as Latin "p" in "Пpивет" become Cyrillic)."""
    cyr = len(_CYR.findall(word))
    lat = len(_LAT.findall(word))
    if not cyr or not lat:
        return word
    if cyr >= lat:
        if all(c in _LAT_LOOKALIKES for c in _LAT.findall(word)):
            return word.translate(LAT_TO_CYR)
    elif all(c in _CYR_LOOKALIKES for c in _CYR.findall(word)):
        return word.translate(CYR_TO_LAT)
    return word


def normalize_line(words: list[str]) -> str:
    """Fix mixed-script words, then words written wholly in look-alikes of the other
    script when the rest of the line is clearly in that script ("Ha канал" -> "на канал")."""
    fixed = [fix_mixed_script(w) for w in words]
    cyr = sum(len(_CYR.findall(w)) for w in fixed)
    lat = sum(len(_LAT.findall(w)) for w in fixed)
    out = []
    for w in fixed:
        letters = _LETTER.findall(w)
        if cyr > 2 * lat and letters and all(c in _LAT_LOOKALIKES for c in letters):
            w = w.translate(LAT_TO_CYR)
        elif lat > 2 * cyr and letters and all(c in _CYR_LOOKALIKES for c in letters):
            w = w.translate(CYR_TO_LAT)
        out.append(w)
    return " ".join(out)


def _letter_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _LETTER.match(c) or c.isdigit()) / len(chars)


def prepare(gray: np.ndarray) -> tuple[np.ndarray, list[str], int]:
    """The three panels stacked top to bottom (captions run across, so stacking keeps
    one panel's lines apart from the next); returns the canvas, the panel names and
    the panel pitch in pixels."""
    import numpy as np

    h, w = gray.shape
    light = _clean_mask(gray >= WHITE_LEVEL)
    dark = _clean_mask(gray <= BLACK_LEVEL)
    canvas = np.full((3 * h + 2 * PANEL_GAP, w), 255, np.uint8)
    for i, panel in enumerate((gray, light, dark)):
        y = i * (h + PANEL_GAP)
        canvas[y : y + h, :] = panel
    return canvas, ["frame", "light", "dark"], h + PANEL_GAP


def _clean_mask(selected: np.ndarray) -> np.ndarray:
    """Selected pixels drawn black on white, without blobs too big to be letters (solid
    areas and boxes make tesseract's page layout call the whole region a picture)."""
    import cv2
    import numpy as np

    h, w = selected.shape
    fg = selected.astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    too_big = (
        (stats[:, cv2.CC_STAT_HEIGHT] > MAX_GLYPH_HEIGHT * h)
        | (stats[:, cv2.CC_STAT_WIDTH] > MAX_GLYPH_WIDTH * w)
        | (stats[:, cv2.CC_STAT_AREA] > MAX_GLYPH_AREA * h * w)
    )
    too_big[0] = False  # background
    keep = fg.astype(bool) & ~too_big[labels]
    return np.where(keep, 0, 255).astype(np.uint8)


def scale_for_ocr(width: int, height: int) -> tuple[int, int]:
    """Size to read a frame at: short side OCR_SHORT_SIDE, never more than 2.5x up."""
    short = min(width, height)
    factor = min(2.5, OCR_SHORT_SIDE / short) if short else 1.0
    return max(2, round(width * factor / 2) * 2), max(2, round(height * factor / 2) * 2)


def _parse_tsv(tsv: str, pitch: int, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Lines per panel: {"frame": [{"words": [...], "confs": [...], "top": y}], ...}."""
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
        except (KeyError, ValueError):
            continue
        if not text or conf < 0:
            continue
        panel = min(len(names) - 1, top // pitch)
        key = (panel, row["block_num"], row["par_num"], row["line_num"])
        line = lines.setdefault(key, {"words": [], "confs": [], "top": top, "left": left})
        line["words"].append(text)
        line["confs"].append(conf)
        line["top"] = min(line["top"], top)
        line["left"] = min(line["left"], left)
    out: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for (panel, *_), line in lines.items():
        out[names[panel]].append(line)
    return out


def _keep_line(words: list[str], confs: list[float]) -> tuple[list[str], list[float]] | None:
    kept = [
        (w, c)
        for w, c in zip(words, confs, strict=True)
        if c >= MIN_WORD_CONF and _letter_ratio(w) >= MIN_LETTER_RATIO
    ]
    if not kept:
        return None
    text = " ".join(w for w, _ in kept)
    mean = sum(c for _, c in kept) / len(kept)
    letters = len(_LETTER.findall(text))
    longest = max(len(_LETTER.findall(w)) for w, _ in kept)
    if mean < MIN_LINE_CONF or _letter_ratio(text) < MIN_LETTER_RATIO:
        return None
    # A real line has a real word: 3+ letters (or 2+ digits, e.g. "5" in "ТОП 5" rides along).
    if longest < 3 and not any(sum(ch.isdigit() for ch in w) >= 2 for w, _ in kept):
        return None
    if letters < 3 and len(kept) == 1 and mean < 85:
        return None
    return [w for w, _ in kept], [c for _, c in kept]


def read_text(gray: np.ndarray, timeout: float = TIMEOUT_SEC) -> OcrResult:
    """The on-screen text of one greyscale keyframe ("" if none is confidently there)."""
    import cv2

    canvas, names, pitch = prepare(gray)
    ok, png = cv2.imencode(".png", canvas)
    if not ok:
        return OcrResult("", None)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--psm", "3", "tsv"],
            input=png.tobytes(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return OcrResult("", None, timed_out=True)
    if proc.returncode != 0:
        return OcrResult("", None)
    panels = _parse_tsv(proc.stdout.decode("utf-8", "replace"), pitch, names)
    best: OcrResult | None = None
    best_score = 0.0
    for name in names:
        texts, confs = [], []
        for line in sorted(panels[name], key=lambda ln: (ln["top"], ln["left"])):
            kept = _keep_line(line["words"], line["confs"])
            if kept is None:
                continue
            words, word_confs = kept
            texts.append(normalize_line(words))
            confs.extend(word_confs)
        if not texts:
            continue
        text = " ".join(texts)
        score = sum(
            len(_LETTER.findall(w)) * c / 100 for w, c in zip(text.split(), confs, strict=False)
        )
        if score > best_score:
            best_score = score
            best = OcrResult(text, round(sum(confs) / len(confs), 1), panel=name)
    return best or OcrResult("", None)
