"""What the closer look at the hook costs with Gemini: the input tokens of the whole
video part and of the hook part (the first 3 s of the same file at HOOK_FPS), at
Gemini's documented rates for video (258 tokens a frame at the default media
resolution, `GEMINI_FPS` or 1 frame a second) and audio (32 tokens a second).

    .venv/bin/python bench/bench_gemini_cost.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.analyzers.gemini.engine import HOOK_FPS  # noqa: E402
from shared.core.schema import HOOK_WINDOW_SEC  # noqa: E402

TOKENS_PER_FRAME = 258
AUDIO_TOKENS_PER_SEC = 32


def tokens(seconds: float, fps: float) -> int:
    return round(seconds * fps * TOKENS_PER_FRAME + seconds * AUDIO_TOKENS_PER_SEC)


def main() -> None:
    hook = tokens(HOOK_WINDOW_SEC, HOOK_FPS)
    print(
        f"Gemini input tokens: whole video at 1 fps vs the hook part ({HOOK_WINDOW_SEC:g} s at {HOOK_FPS:g} fps)"
    )
    print(f"{'video s':>8} {'video part':>11} {'hook part':>10} {'hook share':>11}")
    for seconds in (15, 30, 60, 180):
        whole = tokens(seconds, 1.0)
        print(f"{seconds:>8} {whole:>11} {hook:>10} {hook / (whole + hook):>10.0%}")
    print("(the whole video sent twice instead would double the video tokens: +100 %)")


if __name__ == "__main__":
    main()
