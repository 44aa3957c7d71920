"""The built analyze folder reads on-screen text on its own, as on Google Cloud: a clean
interpreter run from that folder (only it and the venv's site-packages on the path), no
tesseract binary on PATH, no TESSDATA_PREFIX, no Pillow (not in analyze's requirements);
tesserocr reads white outlined Russian and English captions over a busy picture with the
traineddata shipped in the package's shared/measure/assets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from devstack.media import FONT
from devstack.package import build

CAPTIONS = ("ПОДПИШИСЬ НА КАНАЛ", "LINK IN BIO")

PROBE = """
import json, os, sys
sys.path.insert(0, os.getcwd())  # as on Cloud Functions: the source folder


class NoPillow:  # tesserocr imports Pillow only if it is there; analyze does not ship it
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "PIL":
            raise ImportError("Pillow is not in analyze's requirements")
        return None


sys.meta_path.insert(0, NoPillow())
import cv2
from shared.measure import ocr

gray = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE)
available = ocr.available()
with ocr._engine() as api:
    datapath = api.GetDatapath()
result = ocr.read_text(gray)
print(json.dumps({
    "available": available,
    "version": ocr.tesseract_version(),
    "languages": sorted(ocr.tesseract_languages()),
    "datapath": datapath,
    "text": result.text,
    "panel": result.panel,
    "sys_path": sys.path,
    "shared_from": __import__("shared").__file__,
    "tesserocr_from": sys.modules["tesserocr"].__file__,
}))
"""


def _caption_image(path: Path) -> Path:
    """A 540x960 frame of a busy generated picture with two white, black-outlined
    captions (DejaVu Sans Bold, as reels caption), written as PNG."""
    lines = []
    for i, text in enumerate(CAPTIONS):
        textfile = path.parent / f"caption-{i}.txt"
        textfile.write_text(text, encoding="utf-8")
        lines.append(
            f"drawtext=fontfile='{FONT}':textfile='{textfile}':fontsize=32:fontcolor=white"
            f":borderw=4:bordercolor=black:x=(w-text_w)/2:y=h*{0.55 + 0.08 * i:.2f}"
        )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "mandelbrot=size=540x960:rate=1",
         "-vf", ",".join(lines), "-frames:v", "1", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.upper()).split())


@pytest.fixture(scope="module")
def analyze_pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = {p.name: p for p in build(tmp_path_factory.mktemp("build"))}
    return built["analyze"]


def test_the_package_ships_the_traineddata(analyze_pkg: Path) -> None:
    assets = analyze_pkg / "shared" / "measure" / "assets"
    for name in ("rus.traineddata", "eng.traineddata"):
        assert (assets / name).is_file(), f"{name} not packaged: run scripts/install-assets.sh"
        assert (assets / name).stat().st_size > 1_000_000
    sources = (assets / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in sources[1:] if line.strip()}
    assert rows["rus.traineddata"][3].startswith("Apache-2.0")
    assert rows["eng.traineddata"][3].startswith("Apache-2.0")
    requirements = (analyze_pkg / "requirements.txt").read_text().splitlines()
    assert any(re.fullmatch(r"tesserocr==[\d.]+", line) for line in requirements)


def test_the_built_package_reads_captions_without_the_system(
    analyze_pkg: Path, tmp_path: Path
) -> None:
    image = _caption_image(tmp_path / "captions.png")
    no_tools = tmp_path / "bin"  # PATH: an empty folder, so no tesseract binary
    no_tools.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("TESSDATA_PREFIX", "PYTHONPATH")}
    env["PATH"] = str(no_tools)
    assert shutil.which("tesseract", path=env["PATH"]) is None
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(image)],
        cwd=analyze_pkg,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])

    site = sysconfig.get_paths()["purelib"]  # the venv's site-packages
    stdlib = [
        p for p in info["sys_path"] if p.startswith(sys.base_prefix) and "site-packages" not in p
    ]
    others = [p for p in info["sys_path"] if p not in (str(analyze_pkg), site, *stdlib)]
    assert info["sys_path"][0] == str(analyze_pkg) and others == [], info["sys_path"]
    assert info["shared_from"].startswith(str(analyze_pkg))
    assert info["tesserocr_from"].startswith(site)

    assert info["available"] is True
    assert info["version"] and info["version"].split(".")[0] == "5", info["version"]
    assert info["languages"] == ["eng", "rus"]
    assert Path(info["datapath"]).resolve() == (analyze_pkg / "shared/measure/assets").resolve()
    assert _norm(info["text"]) == _norm(" ".join(CAPTIONS)), info
