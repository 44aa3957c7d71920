"""Benchmark of the offline analyzer: real-time factor, per-stage time and peak memory.

Generates reel-like 1080x1920 30 fps clips with speech, captions and a cut every
~2.5 s (15, 60 and 180 s; cached in .local/bench-media), and with `--repetitive` the
same clips with one phrase said over and over, then analyzes each one in a fresh
process (`--repeat` times; medians are printed) and prints

    clip, model load time, analysis time, real-time factor (analysis / duration),
    CPU seconds of the analysis (all threads), peak RSS of that process

and each stage's own busy time (stages overlap: Whisper runs beside the video
decoding; see shared/measure/timings.py): seconds inside the stage / CPU seconds of
the thread that ran it (native worker threads excluded).

Real-time factor counts the whole measure + `OfflineAnalyzer().analyze()` with the models
loaded and the libraries imported (a warm worker: `pipeline.warm_up()`); the load is
shown apart. Target: a 60 s clip at most
0.15 x its duration on 2 cores.

    .venv/bin/python bench/bench_offline.py [--seconds 15 60 180] [--repeat 3]
                                            [--repetitive] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".local" / "bench-media"
REPEATED_PHRASE = "Buy now, buy now. Buy it right now, right now."

if TYPE_CHECKING:
    from shared.core.video import VideoInfo

# Stages in the order they are printed (any other stage a module times comes after).
STAGE_ORDER = (
    "decode",
    "shots",
    "faces",
    "camera",
    "look",
    "audio",
    "vad",
    "music",
    "speech",
    "ocr",
    "listen_wait",
    "ocr_wait",
    "versions",
)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def video_info(path: Path) -> VideoInfo:
    """What the analyze function's probe would say about a bench clip."""
    import av

    from shared.core.video import VideoInfo

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return VideoInfo(
            path=path,
            content_type="video/mp4",
            size=path.stat().st_size,
            duration_sec=float(c.duration / 1_000_000),
            width=s.codec_context.width,
            height=s.codec_context.height,
            fps=float(s.average_rate) if s.average_rate else None,
            video_codec=s.codec_context.name,
            has_audio=bool(c.streams.audio),
        )


def repetitive_clip(out_dir: Path, seconds: float) -> Path:
    """The bench clip's pictures with one phrase said over and over (Whisper's
    repetition trap: its temperature fallback once made such clips 3x slower)."""
    from devstack.media import Part, Speech, make_clip, tts

    path = out_dir / f"bench_{int(seconds)}s_repetitive_1080x1920.mp4"
    if path.exists():
        return path
    sources = ("testsrc2", "smptebars", "color=c=0x1f4e8c", "colorspectrum", "rgbtestsrc")
    parts, t, i = [], 0.0, 0
    while t < seconds - 1e-6:
        length = min(2.0 + (i % 3) * 0.5, seconds - t)
        caption = "BUY NOW" if i % 2 == 0 else None
        parts.append(Part(sources[i % len(sources)], length, caption=caption))
        t += length
        i += 1
    with wave.open(str(tts(REPEATED_PHRASE, "en", out_dir / ".tts"))) as w:
        said = w.getnframes() / w.getframerate()
    speech, at = [], 0.4
    while at < seconds - 6:
        speech.append(Speech(REPEATED_PHRASE, "en", at=at))
        at += said + 0.4
    make_clip(path, parts, size=(1080, 1920), fps=30, speech=speech, noise_db=-55, crf=30)
    return path


def _child(path: str) -> None:
    """Runs in the fresh process: analyze one clip, print a JSON line."""
    from shared.analyzers.offline import OfflineAnalyzer
    from shared.core.video import MeasureRequest, ProgressFn
    from shared.measure.frames import extract_frames
    from shared.measure.pipeline import measure, warm_up
    from shared.measure.timings import Timings
    from shared.orchestration.analyze import run_analysis
    from shared.orchestration.storyboard import frame_times

    t0 = time.perf_counter()
    warm_up()  # the models and the libraries, as a warm worker has them
    load = time.perf_counter() - t0
    p = Path(path)
    info = video_info(p)
    timings = Timings()

    def timed_measure(path: Path, progress: ProgressFn, request: MeasureRequest) -> Any:
        return measure(
            path, progress, with_ocr=request.ocr, with_speech=request.speech, timings=timings
        )

    t1, cpu1 = time.perf_counter(), _cpu()
    result = run_analysis(
        OfflineAnalyzer(), info, measure=timed_measure, language="ru", progress=lambda stage: None
    )
    elapsed, cpu = time.perf_counter() - t1, _cpu() - cpu1
    # The storyboard: one 360 px JPEG per script row (what analyze writes to the bucket).
    t2 = time.perf_counter()
    frames = extract_frames(p, frame_times(result))
    storyboard_sec = time.perf_counter() - t2
    summary = timings.summary()
    stages = {k: [v["wall"], v["cpu"]] for k, v in summary["stages"].items()}
    stages["report"] = [round(elapsed - summary["wall"], 3), None]
    m = result.meta.measurements or {}
    row = {
        "clip": p.name,
        "duration_sec": round(info.duration_sec, 2),
        "model_load_sec": round(load, 2),
        "analysis_sec": round(elapsed, 2),
        "rtf": round(elapsed / info.duration_sec, 3),
        "cpu_sec": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages": stages,
        "storyboard_sec": round(storyboard_sec, 2),
        "frames": sum(1 for f in frames if f),
        "frame_kb": round(sum(len(f) for f in frames if f) / 1024, 1),
        "shots": m.get("shots"),
        "words": m.get("words"),
        "shots_with_text": m.get("shots_with_text"),
    }
    print("bench-offline " + json.dumps(row))


def _run(path: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    line = [x for x in proc.stdout.splitlines() if x.startswith("bench-offline ")][-1]
    return dict(json.loads(line.split(" ", 1)[1]))


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median analysis time, with every figure the median of the runs."""
    row = dict(sorted(runs, key=lambda r: r["analysis_sec"])[len(runs) // 2])
    for key in ("model_load_sec", "analysis_sec", "rtf", "cpu_sec", "peak_rss_mb"):
        row[key] = statistics.median(r[key] for r in runs)
    names = {name for r in runs for name in r["stages"]}
    row["stages"] = {}
    for name in names:
        walls = [r["stages"][name][0] for r in runs if name in r["stages"]]
        cpus = [
            r["stages"][name][1] for r in runs if r["stages"].get(name, [0, None])[1] is not None
        ]
        row["stages"][name] = [
            round(statistics.median(walls), 2),
            round(statistics.median(cpus), 2) if cpus else None,
        ]
    row["runs"] = [r["analysis_sec"] for r in runs]
    return row


def _stage_line(stages: dict[str, list[float | None]]) -> str:
    known = [n for n in STAGE_ORDER if n in stages]
    names = known + sorted(n for n in stages if n not in STAGE_ORDER and n != "report")
    parts = []
    for name in [*names, "report"]:
        wall, cpu = stages.get(name, [None, None])
        if wall is None:
            continue
        parts.append(f"{name} {wall:.2f}" + (f"/{cpu:.2f}" if cpu is not None else ""))
    return ", ".join(parts)


def _print(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'clip':<38} {'dur s':>6} {'load s':>7} {'analyze s':>10} {'RTF':>6} "
        f"{'CPU s':>6} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['clip']:<38} {r['duration_sec']:>6.1f} {r['model_load_sec']:>7.2f} "
            f"{r['analysis_sec']:>10.2f} {r['rtf']:>6.3f} {r['cpu_sec']:>6.1f} "
            f"{r['peak_rss_mb']:>12.1f}"
        )
    for r in rows:
        print(f"  {r['clip']}: runs {r['runs']} s; shots {r['shots']}, words {r['words']}, "
              f"shots with text {r['shots_with_text']}")  # fmt: skip
        print(f"    busy s / thread CPU s: {_stage_line(r['stages'])}")
        per_minute = r["storyboard_sec"] / r["duration_sec"] * 60
        print(f"    storyboard: {r['frames']} frames, {r['frame_kb']} KB, "
              f"{r['storyboard_sec']} s ({per_minute:.1f} s per minute of video)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[15, 60, 180])
    parser.add_argument("--repeat", type=int, default=1, help="runs per clip (medians)")
    parser.add_argument("--repetitive", action="store_true", help="also repetitive speech")
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
    print(f"offline analyzer benchmark: {cpus} CPU(s), clips 1080x1920 30 fps with speech, "
          f"{args.repeat} run(s) each")  # fmt: skip
    clips = []
    for seconds in args.seconds:
        clips.append(bench_clip(CACHE, seconds).path)
        if args.repetitive:
            clips.append(repetitive_clip(CACHE, seconds))
    rows = []
    for clip in clips:
        try:
            rows.append(_median([_run(clip) for _ in range(args.repeat)]))
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps({"cpus": cpus, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
