"""Cuts on real footage: hard cuts between real shots are found within 0.2 s, and real
camera or subject motion inside a shot (a taxi driving in, a passer-by, a rabbit
stretching, footage played back and forth) is not taken for a cut."""

from __future__ import annotations

import pytest

from devstack import realmedia

pytestmark = pytest.mark.slow

CUT_TOLERANCE_SEC = 0.2
# Real footage moves: at most one spurious cut per clip is tolerated.
MAX_EXTRA_CUTS = 1
CLIPS = ["russian", "english", "no_speech", "captions"]


def _missed(known: list[float], got: list[float]) -> list[float]:
    return [c for c in known if not any(abs(g - c) <= CUT_TOLERANCE_SEC for g in got)]


def _extra(known: list[float], got: list[float]) -> list[float]:
    return [g for g in got if not any(abs(g - c) <= CUT_TOLERANCE_SEC for c in known)]


@pytest.mark.parametrize("name", CLIPS)
def test_every_cut_is_found(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    got = measured(clip.path).cuts()
    assert not _missed(clip.cuts, got), (
        f"missed {_missed(clip.cuts, got)}: got {got}, known {clip.cuts}"
    )


@pytest.mark.parametrize("name", CLIPS)
def test_no_cuts_inside_real_shots(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    got = measured(clip.path).cuts()
    extra = _extra(clip.cuts, got)
    assert len(extra) <= MAX_EXTRA_CUTS, f"cuts inside shots {extra}: got {got}, known {clip.cuts}"


@pytest.mark.parametrize("name", CLIPS)
def test_shots_cover_the_clip(name: str, real_clips, measured) -> None:
    clip = real_clips[name]
    m = measured(clip.path)
    assert (m.width, m.height, m.orientation) == (*realmedia.SIZE, "vertical")
    assert m.duration_sec == pytest.approx(clip.duration, abs=0.05)
    assert m.shots[0].start == 0
    assert m.shots[-1].end == pytest.approx(clip.duration, abs=2 / clip.fps)
    for a, b in zip(m.shots, m.shots[1:], strict=False):
        assert a.end == b.start
    assert m.warnings == []


def test_the_original_edit(real_cache, measured) -> None:
    """bikes.mp4 as shipped: a real 6-shot edit (640x272, no audio), cut times known by
    inspection."""
    source = realmedia.CATALOGUE["bikes"]
    known = [start for start, _ in source.shots[1:]]
    got = measured(realmedia.resolve("bikes")).cuts()
    assert not _missed(known, got), f"missed {_missed(known, got)}: got {got}, known {known}"
    assert len(_extra(known, got)) <= MAX_EXTRA_CUTS, f"got {got}, known {known}"
