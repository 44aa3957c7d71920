"""The look of a closed shot, measured on its keyframe and its camera steps: colour
facts, the light's warmth, faces (the shot's scale), the camera's movement and where
text sits. Everything is measured on the upright picture (the stream's display
rotation applied); a part that cannot be measured is left None.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from shared.adapters import logs
from shared.core.measurements import Shot
from shared.measure import camera, faces
from shared.measure.textlines import text_position
from shared.measure.visual import frame_facts

if TYPE_CHECKING:
    import numpy as np


def _upright(image: np.ndarray, rotation_k: int) -> np.ndarray:
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, rotation_k)) if rotation_k % 4 else image


@functools.cache
def _faces_available() -> bool:
    """Whether the face model loads (checked once, said once in the logs if not)."""
    ok = faces.available()
    if not ok:
        logs.warning("face model unavailable: shot scales are not measured", stage="measure")
    return ok


def measure_look(
    shot: Shot,
    small: np.ndarray | None,
    gray: np.ndarray | None,
    steps: list[camera.Step],
    rotation_k: int,
) -> None:
    """Fill `shot`'s look from its keyframe (`small`: BGR at detection size, `gray`:
    grey at OCR size or None) and its camera steps."""
    moved = camera.summarize([camera.upright(s, rotation_k) for s in steps], shot.motion)
    if moved is not None:
        shot.camera = moved.move
        shot.camera_pan_x, shot.camera_pan_y = moved.pan_x, moved.pan_y
        shot.camera_zoom, shot.camera_shake = moved.zoom, moved.shake
    if small is None:
        return
    found: list[faces.Face] = []
    if _faces_available():
        found = faces.detect(_upright(small, rotation_k))
        shot.faces = len(found)
        largest = found[0] if found else faces.Face(0.0, 0.0, 0.0, 0.0, 0.0)
        # A face larger than the frame fills it: its box is a guess past the edges.
        shot.face_height = 1.0 if largest.oversize else round(largest.height, 3)
        shot.face_width = 1.0 if largest.oversize else round(largest.width, 3)
    facts = frame_facts(small, face_area=sum(f.width * f.height for f in found))
    shot.brightness = round(facts.brightness, 3)
    shot.contrast = round(facts.contrast, 3)
    shot.colorfulness = round(facts.colorfulness, 1)
    shot.dominant_color = facts.dominant_color
    shot.warmth = round(facts.warmth, 1) if facts.warmth is not None else None
    if gray is not None:
        shot.text_position = text_position(_upright(gray, rotation_k))
