"""`make demo`: make a sample reel and analyse it on the running local stack.

The sample is generated here (ffmpeg shots with captions, Russian speech from
festival), then sent through the public HTTP contract by the CLI client, exactly
as a user's video would be.
"""

from __future__ import annotations

import sys
from pathlib import Path

from devstack.stack import ROOT

DEMO_DIR = ROOT / ".local" / "demo"


def sample_reel() -> Path:
    from devstack.media import Part, Speech, make_clip

    path = DEMO_DIR / "demo-reel.mp4"
    if not path.exists():
        print("Generating a sample reel (ffmpeg, festival)...", file=sys.stderr)
        make_clip(
            path,
            [
                Part("color=c=0x202a44", 2.5, caption="3 ошибки в рилсах"),
                Part("mandelbrot", 2.0),
                Part("smptebars", 2.5, caption="Ошибка 1: долгое начало"),
                Part("color=c=0xd9822b", 2.0, caption="Подпишись!", caption_style="dark_on_light"),
            ],
            size=(540, 960),
            speech=[
                Speech(
                    "Привет! Сегодня разберём три ошибки, из-за которых ваши ролики не смотрят.",
                    "ru",
                    at=0.3,
                )
            ],
        )
    return path


def main(api: str | None = None) -> int:
    from reels_cli.__main__ import main as cli

    video = sample_reel()
    print(f"Analysing {video.relative_to(ROOT)} through the local stack...", file=sys.stderr)
    return cli([str(video)] + (["--api", api] if api else []))
