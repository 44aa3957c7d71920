"""Fixtures for the offline analyzer tests: generated media and their measurements,
made once per test session (generation and Whisper are the slow parts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import media


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if missing := media.require_tools():
        pytest.fail(
            "test media need these tools: " + ", ".join(missing) + " (make system-deps)",
            pytrace=False,
        )
    return tmp_path_factory.mktemp("offline-media")


class _Measured:
    """Each clip measured once per session, on first use."""

    def __init__(self) -> None:
        self._cache: dict[Path, object] = {}

    def __call__(self, clip: media.Clip):
        from shared.measure import measure

        if clip.path not in self._cache:
            self._cache[clip.path] = measure(clip.path)
        return self._cache[clip.path]


@pytest.fixture(scope="session")
def measured() -> _Measured:
    return _Measured()


@pytest.fixture(scope="session")
def english(media_dir: Path) -> media.Clip:
    return media.english_captioned(media_dir)


@pytest.fixture(scope="session")
def russian(media_dir: Path) -> media.Clip:
    return media.russian_speech(media_dir)


@pytest.fixture(scope="session")
def silent_tail(media_dir: Path) -> media.Clip:
    return media.silent_tail(media_dir)


@pytest.fixture(scope="session")
def textless(media_dir: Path) -> media.Clip:
    return media.textless(media_dir)


@pytest.fixture(scope="session")
def no_audio(media_dir: Path) -> media.Clip:
    return media.no_audio(media_dir)
