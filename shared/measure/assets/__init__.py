"""Where the model files shipped with the analyze function are (see README.md here)."""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


class MissingAsset(FileNotFoundError):
    """A model file `make deps` should have copied here is not."""


def path(name: str) -> Path:
    """The shipped file `name`; raises `MissingAsset` (with the fix) if it is not there."""
    found = ASSETS_DIR / name
    if not found.is_file():
        raise MissingAsset(f"{found} is missing: run `make deps` (scripts/install-assets.sh)")
    return found
