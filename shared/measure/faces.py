"""Faces in a keyframe: how many, and how tall the largest is (the shot's scale).

Google MediaPipe's BlazeFace full-range detector (a 1 MB TFLite model shipped in
`shared/measure/assets`, see SOURCES.tsv there) run by OpenCV's dnn module on the
small colour frame shot detection already decoded, letterboxed into the model's
192x192 input: about 10 ms a keyframe on one core. It finds faces down to about
5 % of the frame's long side, frontal or turned, and no faces in cartoons,
test patterns or street scenes without people close by.

A face larger than the frame (an extreme close-up: nose and mouth fill it) is too big
for the model's anchors; when the first look finds nothing, the frame is looked at once
more shrunk to OVERSIZE_FIT of the input in a black border, so the face fits. From that
look only a face at least OVERSIZE_MIN of the frame across whose box is at least
OVERSIZE_SKIN skin is kept (`Face.oversize`): the small boxes it also reports are the
noise of a frame seen at 77 px, and the few big ones on no face (a bus roof, a cartoon
rabbit's fur) have no skin. Measured on 1440 frames of real footage without a face close
up (plain and sepia, wide and cropped vertical), it kept one: a sepia bus roof, where the
grade makes everything skin-coloured; it found 42 of the 44 extreme close-ups of the
carphone face in tests/offline/look_media.py.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "face_detection_full_range.tflite"
INPUT_SIZE = 192
STRIDE = 4  # one anchor per 4x4 input pixels (48x48 anchors)
MIN_SCORE = 0.5  # MediaPipe's default minimum detection confidence
NMS_IOU = 0.3  # boxes overlapping more are the same face
_SCORE_LIMIT = 80.0  # raw scores are clipped before the sigmoid (MediaPipe: 100)
OVERSIZE_FIT = 0.4  # the second look: the frame's long side in shares of the input
OVERSIZE_MIN = 0.6  # a face it keeps spans this share of the frame's width or height
OVERSIZE_SKIN = 0.3  # and this share of its box has the colour of skin


@dataclass(frozen=True)
class Face:
    """A face's box, as shares of the frame (0..1, upright frame), and its score."""

    x: float
    y: float
    width: float
    height: float
    score: float
    oversize: bool = False  # larger than the frame (found only with the frame shrunk)


_local = threading.local()  # an OpenCV Net is not safe to share between threads


@functools.cache
def _anchors() -> np.ndarray:
    """The anchor centres (x, y in input units, 0..1): one per STRIDE x STRIDE cell."""
    import numpy as np

    cells = INPUT_SIZE // STRIDE
    centres = (np.arange(cells, dtype=np.float32) + 0.5) / cells
    ys, xs = np.meshgrid(centres, centres, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def _model() -> tuple[Any, np.ndarray]:
    """This thread's detector (loaded on first use) and the anchors."""
    import cv2

    from shared.measure import assets

    net = getattr(_local, "net", None)
    if net is None:
        path = str(assets.path(MODEL_FILE))
        net = _local.net = cv2.dnn.readNetFromTFLite(path, engine=cv2.dnn.ENGINE_CLASSIC)
    return net, _anchors()


def available() -> bool:
    """Whether the model file is shipped and loads."""
    try:
        _model()
    except Exception:  # a missing asset, or an OpenCV without the TFLite importer
        return False
    return True


def _letterbox(bgr: np.ndarray, fit: float) -> tuple[np.ndarray, float, int, int]:
    """The frame fitted into the square input, its long side `fit` of the input's:
    (blob, scale, x offset, y offset)."""
    import cv2

    h, w = bgr.shape[:2]
    scale = INPUT_SIZE * fit / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    resized = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA)
    left, top = (INPUT_SIZE - nw) // 2, (INPUT_SIZE - nh) // 2
    square = cv2.copyMakeBorder(
        resized,
        top,
        INPUT_SIZE - nh - top,
        left,
        INPUT_SIZE - nw - left,
        cv2.BORDER_CONSTANT,
        value=(0, 0, 0),
    )
    # RGB in [-1, 1], NCHW.
    blob = cv2.dnn.blobFromImage(square, 1 / 127.5, mean=(127.5, 127.5, 127.5), swapRB=True)
    return blob, scale, left, top


def _suppress(boxes: np.ndarray, scores: np.ndarray) -> list[int]:
    """Greedy non-maximum suppression: indices of the boxes kept, best first."""
    import numpy as np

    order = list(np.argsort(-scores))
    kept: list[int] = []
    x0, y0, x1, y1 = boxes.T
    area = np.maximum(0.0, x1 - x0) * np.maximum(0.0, y1 - y0)
    while order:
        best = order.pop(0)
        kept.append(int(best))
        if not order:
            break
        rest = np.array(order)
        iw = np.clip(np.minimum(x1[rest], x1[best]) - np.maximum(x0[rest], x0[best]), 0, None)
        ih = np.clip(np.minimum(y1[rest], y1[best]) - np.maximum(y0[rest], y0[best]), 0, None)
        inter = iw * ih
        iou = inter / np.maximum(area[rest] + area[best] - inter, 1e-9)
        order = [int(i) for i, o in zip(rest, iou, strict=True) if o <= NMS_IOU]
    return kept


def detect(bgr: np.ndarray) -> list[Face]:
    """Faces in an upright BGR frame, largest first (boxes clipped to the frame)."""
    found = _look(bgr, 1.0)
    if found:
        return found
    return [replace(f, oversize=True) for f in _look(bgr, OVERSIZE_FIT) if _oversize(bgr, f)]


def _oversize(bgr: np.ndarray, face: Face) -> bool:
    """Whether a face of the second look is one larger than the frame."""
    from shared.measure.visual import skin

    if max(face.width, face.height) < OVERSIZE_MIN:
        return False
    h, w = bgr.shape[:2]
    x0, y0 = round(face.x * w), round(face.y * h)
    x1, y1 = round((face.x + face.width) * w), round((face.y + face.height) * h)
    box = bgr[y0:y1, x0:x1]
    return bool(box.size) and float(skin(box).mean()) >= OVERSIZE_SKIN


def _look(bgr: np.ndarray, fit: float) -> list[Face]:
    """One pass of the detector with the frame `fit` of the input across."""
    import numpy as np

    net, anchors = _model()
    h, w = bgr.shape[:2]
    blob, scale, left, top = _letterbox(bgr, fit)
    net.setInput(blob)
    outputs = net.forward(net.getUnconnectedOutLayersNames())
    raw_boxes = next(o for o in outputs if o.shape[-1] == 16).reshape(-1, 16)
    raw_scores = next(o for o in outputs if o.shape[-1] == 1).reshape(-1)
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores, -_SCORE_LIMIT, _SCORE_LIMIT)))
    hits = np.flatnonzero(scores >= MIN_SCORE)
    if not len(hits):
        return []
    centre = raw_boxes[hits, :2] / INPUT_SIZE + anchors[hits]
    size = raw_boxes[hits, 2:4] / INPUT_SIZE
    boxes = np.concatenate([centre - size / 2, centre + size / 2], axis=1) * INPUT_SIZE
    # From input pixels back to shares of the frame.
    boxes = (boxes - [left, top, left, top]) / scale / [w, h, w, h]
    boxes = np.clip(boxes, 0.0, 1.0)
    faces = [
        Face(
            x=float(b[0]),
            y=float(b[1]),
            width=float(b[2] - b[0]),
            height=float(b[3] - b[1]),
            score=float(scores[hits[i]]),
        )
        for i in _suppress(boxes, scores[hits])
        for b in (boxes[i],)
        if b[2] > b[0] and b[3] > b[1]
    ]
    return sorted(faces, key=lambda f: f.height, reverse=True)
