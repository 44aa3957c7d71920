"""Fixtures for the real-media tests: the clips of `devstack.realmedia`, built once per
session, and each measured once (the analyzer is reached through `measure_clip` only).

The clips are built into a fresh temporary folder, or into REELS_REAL_MEDIA_CACHE when
set (kept between runs: a clip is rebuilt only when its recipe or sources change).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from devstack import realmedia


def measure_clip(path: Path) -> Any:
    """The analyzer's measurements of one file (the one place this suite imports it)."""
    from shared.measure import measure

    return measure(path)


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if missing := realmedia.require():
        pytest.fail(
            "the real-media test set needs these installed:\n  "
            + "\n  ".join(missing)
            + "\n(`make deps` installs them: scripts/install-system-deps.sh, requirements/dev.txt)",
            pytrace=False,
        )
    if env := os.environ.get("REELS_REAL_MEDIA_CACHE"):
        path = Path(env)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("realmedia")


@pytest.fixture(scope="session")
def real_clips(real_cache: Path) -> dict[str, realmedia.RealClip]:
    return realmedia.all_clips(real_cache)


class _Measured:
    """Each file measured once per session, on first use."""

    def __init__(self) -> None:
        self._cache: dict[Path, Any] = {}

    def __call__(self, path: Path) -> Any:
        if path not in self._cache:
            self._cache[path] = measure_clip(path)
        return self._cache[path]


@pytest.fixture(scope="session")
def measured() -> _Measured:
    return _Measured()
