"""`make package` builds deployable folders; each imports in a clean interpreter, and
the HTTP functions do not drag in Gemini, Pub/Sub or media libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from devstack.package import FUNCTIONS, build

HEAVY = (
    "google.genai",
    "google.cloud.pubsub",
    "av",
    "cv2",
    "faster_whisper",
    "ctranslate2",
    "numpy",
)

PROBE = """
import json, os, sys
sys.path.insert(0, os.getcwd())  # as on Cloud Functions: the source folder
import main
fn = getattr(main, sys.argv[1])
print(json.dumps({
    "callable": callable(fn),
    "shared_from": __import__("shared").__file__,
    "modules": sorted(sys.modules),
}))
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    return {p.name: p for p in build(tmp_path_factory.mktemp("build"))}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_is_self_contained(packages, name):
    pkg = packages[name]
    assert (pkg / "main.py").is_file() and (pkg / "shared" / "core" / "jobs.py").is_file()
    lines = (pkg / "requirements.txt").read_text().splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    assert requirements and all("==" in line for line in requirements)
    assert not list(pkg.rglob("__pycache__"))
    # -I: isolated mode, no PYTHONPATH, no user site, no current repo on the path
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, name],
        cwd=pkg,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["callable"]
    assert info["shared_from"].startswith(str(pkg))
    if name in ("upload_url", "status"):
        heavy = [m for m in info["modules"] if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
        assert heavy == [], f"{name} imports {heavy}"


def test_requirements_are_pinned_and_lean(packages):
    def names(fn: str) -> set[str]:
        lines = (packages[fn] / "requirements.txt").read_text().splitlines()
        return {line.split("==")[0].lower() for line in lines if line and not line.startswith("#")}

    assert "google-genai" in names("analyze")
    for fn in ("upload_url", "status"):
        assert not names(fn) & {"google-genai", "av", "faster-whisper", "google-cloud-pubsub"}


def test_only_analyze_ships_the_model_files(packages):
    """The traineddata and the face model (megabytes) go only where they are read."""

    def size(name: str) -> int:
        return sum(p.stat().st_size for p in (packages[name] / "shared").rglob("*") if p.is_file())

    assets = packages["analyze"] / "shared" / "measure" / "assets"
    assert (assets / "rus.traineddata").is_file()
    for name in set(FUNCTIONS) - {"analyze"}:
        shipped = {p.name for p in (packages[name] / "shared" / "measure" / "assets").iterdir()}
        assert shipped == {"__init__.py", "README.md", "SOURCES.tsv"}, (name, shipped)
        assert size(name) < size("analyze") / 5
