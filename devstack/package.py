"""`make package`: the source folder Cloud Functions receives, one per function.

    build/functions/<name>/main.py           the entry point
    build/functions/<name>/shared/           the shared package
    build/functions/<name>/requirements.txt  the function's pinned requirements

Terraform zips each folder into the source bucket under a content hash.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ("upload_url", "status", "analyze", "sweep")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


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
        shutil.copytree(ROOT / "shared", dest / "shared", ignore=IGNORE)
        built.append(dest)
    return built


def main() -> int:
    for path in build():
        files = sum(1 for p in path.rglob("*") if p.is_file())
        print(f"built {path.relative_to(ROOT)} ({files} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
