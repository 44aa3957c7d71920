"""`make package`: the source folder Cloud Functions receives, one per function.

    build/functions/<name>/main.py           the entry point
    build/functions/<name>/shared/           the shared package
    build/functions/<name>/requirements.txt  the function's pinned requirements

Terraform zips each folder into the source bucket under a content hash.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ("upload_url", "status", "analyze", "sweep")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
# The model files in shared/measure/assets (OCR traineddata, face detector) are read
# only by analyze; the other functions' sources stay small.
NEEDS_ASSETS = ("analyze",)
ASSETS = ROOT / "shared" / "measure" / "assets"
ASSET_CODE = ("__init__.py", "README.md", "SOURCES.tsv")


def _ignore(with_assets: bool) -> Callable[[str, list[str]], set[str]]:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(IGNORE(folder, names))
        if not with_assets and Path(folder).resolve() == ASSETS:
            skipped |= {n for n in names if n not in ASSET_CODE}
        return skipped

    return ignore


def build(out: Path = ROOT / "build" / "functions") -> list[Path]:
    built = []
    for name in FUNCTIONS:
        src = ROOT / "functions" / name
        dest = out / name
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copy2(src / "main.py", dest / "main.py")
        shutil.copy2(src / "requirements.txt", dest / "requirements.txt")
        shutil.copytree(ROOT / "shared", dest / "shared", ignore=_ignore(name in NEEDS_ASSETS))
        built.append(dest)
    return built


def main() -> int:
    for path in build():
        files = sum(1 for p in path.rglob("*") if p.is_file())
        print(f"built {path.relative_to(ROOT)} ({files} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
