"""A phrase said over and over by a real voice (a studio prompt of Debian's
asterisk-core-sounds, ten times with 0.4 s between): every time is heard.

Before, Whisper heard it once or twice in a minute: it ends its 30 s window after the
first time (or loops), and the times it did write were dropped as a loop because it
doubted there was speech (no_speech_prob 0.8-0.98) over repetitive text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devstack import realmedia

from .conftest import measure_clip

pytestmark = pytest.mark.slow

PROMPTS = {
    "en": ("en:please-try-call-later", "later"),
    "ru": ("ru:pls-try-call-later", "позднее"),
}
TIMES = 10
GAP_SEC = 0.4


def _said_over_and_over(key: str, out: Path) -> Path:
    """A 72x128 picture over the prompt said TIMES times, GAP_SEC apart."""
    voice = realmedia.resolve(key)
    gap = f"aevalsrc=0:s=16000:d={GAP_SEC}"
    inputs: list[str] = []
    for _ in range(TIMES):
        inputs += ["-i", str(voice), "-f", "lavfi", "-i", gap]
    chain = "".join(f"[{i}:a]" for i in range(2 * TIMES))
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *inputs,
         "-f", "lavfi", "-i", "color=c=gray:size=72x128:rate=10",
         "-filter_complex", f"{chain}concat=n={2 * TIMES}:v=0:a=1[a]",
         "-map", f"{2 * TIMES}:v", "-map", "[a]", "-shortest",
         "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.mark.parametrize("language", sorted(PROMPTS))
def test_a_phrase_said_over_and_over_is_heard_each_time(language: str, real_cache: Path) -> None:
    key, last_word = PROMPTS[language]
    clip = _said_over_and_over(key, real_cache / f"repeated_{language}.mp4")
    m = measure_clip(clip)
    assert m.transcript is not None and m.transcript.language == language
    heard = m.transcript.text.lower().count(last_word)
    assert heard >= TIMES - 1, (heard, m.transcript.text)
    starts = [w.start for w in m.transcript.words()]
    assert starts == sorted(starts)  # the times decoded again sit in their place
