"""Benchmark of the offline analyzer: real-time factor and peak memory.

Generates reel-like 1080x1920 30 fps clips with speech, captions and a cut every
~2.5 s (15, 60 and 180 s; cached in .local/bench-media), then analyzes each one
in a fresh process and prints

    clip, model load time, analysis time, real-time factor (analysis / duration),
    peak RSS of that process

Real-time factor counts the whole measure + `OfflineAnalyzer().analyze()` with the model
already loaded (a warm worker); the load is shown apart. Target: a 60 s clip
well under its own duration on 2 cores.

    .venv/bin/python bench/bench_offline.py [--seconds 15 60 180] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".local" / "bench-media"


STAGE_NAMES = {
    "measuring": "decode+shots",
    "transcribing": "speech",
    "reading_text": "ocr",
    "writing": "report",
}


def stage_durations(stages: dict[str, float], total: float) -> dict[str, float]:
    """Seconds spent in each stage, from the moments the stages began."""
    ordered = sorted(stages.items(), key=lambda kv: kv[1])
    out: dict[str, float] = {}
    for (name, start), nxt in zip(ordered, [*ordered[1:], ("end", total)], strict=True):
        out[STAGE_NAMES.get(name, name)] = round(nxt[1] - start, 2)
    return out


def _child(path: str) -> None:
    """Runs in the fresh process: analyze one clip, print a JSON line."""
    from shared.analyzers.offline import OfflineAnalyzer
    from shared.core.video import VideoInfo
    from shared.measure.model import get_model
    from shared.orchestration.analyze import run_analysis
    from shared.orchestration.wiring import measure

    t0 = time.perf_counter()
    get_model()
    load = time.perf_counter() - t0
    p = Path(path)
    import av

    with av.open(str(p)) as c:
        s = c.streams.video[0]
        duration = float(c.duration / 1_000_000)
        info = VideoInfo(
            path=p,
            content_type="video/mp4",
            size=p.stat().st_size,
            duration_sec=duration,
            width=s.codec_context.width,
            height=s.codec_context.height,
            fps=float(s.average_rate) if s.average_rate else None,
            video_codec=s.codec_context.name,
            has_audio=bool(c.streams.audio),
        )
    stages: dict[str, float] = {}
    t1 = time.perf_counter()

    def progress(stage: str) -> None:
        stages[stage] = round(time.perf_counter() - t1, 2)

    result = run_analysis(
        OfflineAnalyzer(), info, measure=measure, language="ru", progress=progress
    )
    elapsed = time.perf_counter() - t1
    # The storyboard: one 360 px JPEG per script row (what analyze writes to the bucket).
    from shared.measure.frames import extract_frames
    from shared.orchestration.storyboard import frame_times

    t2 = time.perf_counter()
    frames = extract_frames(p, frame_times(result))
    storyboard_sec = time.perf_counter() - t2
    frame_bytes = sum(len(f) for f in frames if f)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    m = result.meta.measurements or {}
    print(
        json.dumps(
            {
                "clip": p.name,
                "duration_sec": round(duration, 2),
                "model_load_sec": round(load, 2),
                "analysis_sec": round(elapsed, 2),
                "rtf": round(elapsed / duration, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "stages_at_sec": stages,
                "stage_sec": stage_durations(stages, elapsed),
                "storyboard_sec": round(storyboard_sec, 2),
                "frames": sum(1 for f in frames if f),
                "frame_kb": round(frame_bytes / 1024, 1),
                "shots": m.get("shots"),
                "words": m.get("words"),
                "shots_with_text": m.get("shots_with_text"),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[15, 60, 180])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0

    from devstack.media import bench_clip, require_tools

    if missing := require_tools():
        print(f"missing tools: {', '.join(missing)}", file=sys.stderr)
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    cpus = len(os.sched_getaffinity(0))
    print(f"offline analyzer benchmark: {cpus} CPU(s), clips 1080x1920 30 fps with speech")
    rows = []
    for seconds in args.seconds:
        t = time.perf_counter()
        clip = bench_clip(CACHE, seconds)
        made = time.perf_counter() - t
        if made > 1:
            print(f"  generated {clip.path.name} in {made:.0f} s")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(clip.path)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    header = (
        f"{'clip':<30} {'dur s':>6} {'load s':>7} {'analyze s':>10} {'RTF':>6} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['clip']:<30} {r['duration_sec']:>6.1f} {r['model_load_sec']:>7.2f} "
            f"{r['analysis_sec']:>10.2f} {r['rtf']:>6.3f} {r['peak_rss_mb']:>12.1f}"
        )
    for r in rows:
        print(f"  {r['clip']}: per stage {r['stage_sec']} s, shots {r['shots']}, "
              f"words {r['words']}, shots with text {r['shots_with_text']}")  # fmt: skip
        per_minute = r["storyboard_sec"] / r["duration_sec"] * 60
        print(f"    storyboard: {r['frames']} frames, {r['frame_kb']} KB, "
              f"{r['storyboard_sec']} s ({per_minute:.1f} s per minute of video)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"cpus": cpus, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
