"""Short captions (issue 19): TikTok/CapCut captions change every 0.4-1 s. On the
`fast_captions` clip (three real shots, twelve captions of 0.4-1.2 s) every caption is
read while shown whatever its length, its span starts and ends within SPAN_SLACK of the
caption's, no span runs over a cut, and two consecutive captions are never one span."""

from __future__ import annotations

import pytest

from tests.realmedia.test_real_captions import CAPTION_MAX_CER, _cer, _read

pytestmark = pytest.mark.slow

SPAN_SLACK = 0.2  # seconds
BUCKETS = ((0.0, 0.6), (0.6, 1.2), (1.2, float("inf")))  # shown for, seconds


def _bucket(start: float, end: float) -> int:
    return next(i for i, (low, high) in enumerate(BUCKETS) if low <= round(end - start, 3) < high)


def _match(caption: tuple[float, float, str], m):
    """The span read of `caption`: one that covers its middle with its text, or None."""
    start, end, text = caption
    middle = (start + end) / 2
    for c in m.captions:
        if c.start <= middle < c.end and _cer(text, c.text) <= CAPTION_MAX_CER:
            return c
    return None


def test_captions_of_every_length_are_read_while_shown(real_clips, measured) -> None:
    clip = real_clips["fast_captions"]
    m = measured(clip.path)
    read = [0] * len(BUCKETS)
    shown = [0] * len(BUCKETS)
    for caption in clip.captions:
        bucket = _bucket(caption[0], caption[1])
        shown[bucket] += 1
        read[bucket] += _match(caption, m) is not None
    assert read == shown, f"read {read} of {shown} (<0.6 s, 0.6-1.2 s, >=1.2 s); {_read(m)}"


def test_spans_start_and_end_with_the_caption(real_clips, measured) -> None:
    clip = real_clips["fast_captions"]
    m = measured(clip.path)
    off = []
    for caption in clip.captions:
        c = _match(caption, m)
        if c is not None and (
            c.start < caption[0] - SPAN_SLACK or abs(c.end - caption[1]) > SPAN_SLACK
        ):
            off.append((caption, (c.start, c.end)))
    assert not off, f"spans off by more than {SPAN_SLACK} s: {off}"


def test_no_span_runs_over_a_cut(real_clips, measured) -> None:
    clip = real_clips["fast_captions"]
    m = measured(clip.path)
    over = [
        (c.start, c.end, c.text) for c in m.captions for cut in clip.cuts if c.start < cut < c.end
    ]
    assert not over, f"spans over the cuts {clip.cuts}: {over}"


def test_consecutive_captions_are_not_merged(real_clips, measured) -> None:
    """No span covers the middles of two captions (e.g. "ONE MORE TIME", "ONE MORE")."""
    clip = real_clips["fast_captions"]
    m = measured(clip.path)
    middles = [(s + e) / 2 for s, e, _ in clip.captions]
    merged = [
        (c.start, c.end, c.text)
        for c in m.captions
        if sum(c.start <= mid < c.end for mid in middles) > 1
    ]
    assert not merged, f"spans over two captions: {merged}"
