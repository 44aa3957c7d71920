"""Speed of one job against the plain libraries, side by side in the same run.

On the bench's 60 s 1080x1920 30 fps clip with speech (`devstack.media.bench_clip`),
in one fresh process (models loaded and libraries imported first, as a warm worker
has them), one after the other, each round:

    ours     measure + `OfflineAnalyzer().analyze()` + the storyboard (what the
             analyze function does with the video), per stage
    scenes   plain PySceneDetect: `scenedetect.detect(clip, AdaptiveDetector())`
    whisper  plain faster-whisper base on the same file (the project's model files,
             float32 as the project pins; the library's defaults otherwise)

and prints our analysis' time as a ratio of the two plain ones' sum (a busy machine
slows all three alike, so the ratio is steadier than the seconds; CPU seconds of all
threads, steadier still, are printed too), the job's real-time factor and the
storyboard's share of the job. Goals (issue 19): ratio at
most 0.6, real-time factor at most 0.10 on 2 cores, storyboard at most 5 %.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_speed.py [--seconds 60] [--repeat 1]
                                                          [--decode-storyboard]

`--decode-storyboard` decodes every storyboard frame again (as before issue 19).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_offline import CACHE, _stage_line, video_info  # noqa: E402


class _Discard:
    """Storage for the storyboard's frames that keeps only their count and size."""

    def __init__(self) -> None:
        self.frames, self.bytes = 0, 0

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.frames += 1
        self.bytes += len(data)


def _ours(path: Path, decode_storyboard: bool) -> dict[str, Any]:
    from shared.analyzers.offline import OfflineAnalyzer
    from shared.core.video import MeasureRequest, ProgressFn
    from shared.measure.frames import extract_frames
    from shared.measure.pipeline import measure
    from shared.measure.timings import Timings
    from shared.orchestration.analyze import run_analysis
    from shared.orchestration.storyboard import write_storyboard

    info, timings, measured = video_info(path), Timings(), []

    def timed_measure(path: Path, progress: ProgressFn, request: MeasureRequest) -> Any:
        m = measure(
            path, progress, with_ocr=request.ocr, with_speech=request.speech, timings=timings
        )
        measured.append(m)
        return m

    decoded: list[float] = []

    def frames(video: Path, times: list[float]) -> list[bytes | None]:
        decoded.extend(times)
        return extract_frames(video, times)

    t0, c0 = time.perf_counter(), time.process_time()
    result = run_analysis(
        OfflineAnalyzer(), info, measure=timed_measure, language="ru", progress=lambda s: None
    )
    t1, c1 = time.perf_counter(), time.process_time()
    stills = None if decode_storyboard else getattr(measured[-1], "stills", None)
    storage = _Discard()
    extra = {"stills": stills} if stills is not None else {}  # the code before: none
    write_storyboard(result, video=path, prefix="b/", storage=storage, frames=frames, **extra)
    t2, c2 = time.perf_counter(), time.process_time()
    summary = timings.summary()
    stages = {k: [v["wall"], v["cpu"]] for k, v in summary["stages"].items()}
    stages["report"] = [round(t1 - t0 - summary["wall"], 3), None]
    return {
        "duration_sec": info.duration_sec,
        "analysis_sec": t1 - t0,
        "storyboard_sec": t2 - t1,
        "analysis_cpu": c1 - c0,
        "storyboard_cpu": c2 - c1,
        "frames": storage.frames,
        "decoded_again": len(decoded),
        "stages": stages,
    }


def _scenes(path: Path) -> tuple[float, float]:
    """Seconds and CPU seconds (all threads) of plain PySceneDetect."""
    from scenedetect import AdaptiveDetector, detect

    t0, c0 = time.perf_counter(), time.process_time()
    detect(str(path), AdaptiveDetector())
    return time.perf_counter() - t0, time.process_time() - c0


def _whisper(path: Path, model: Any) -> tuple[float, float]:
    """Seconds and CPU seconds (all threads) of plain faster-whisper."""
    t0, c0 = time.perf_counter(), time.process_time()
    segments, _ = model.transcribe(str(path))
    list(segments)
    return time.perf_counter() - t0, time.process_time() - c0


def _child(path: Path, repeat: int, decode_storyboard: bool) -> None:
    from faster_whisper import WhisperModel

    from shared.measure.model import COMPUTE_TYPE, ensure_model_dir
    from shared.measure.pipeline import warm_up

    warm_up()
    plain = WhisperModel(str(ensure_model_dir()), device="cpu", compute_type=COMPUTE_TYPE)
    for _ in range(repeat):
        row = _ours(path, decode_storyboard)
        row["scenes_sec"], row["scenes_cpu"] = _scenes(path)
        row["whisper_sec"], row["whisper_cpu"] = _whisper(path, plain)
        print("bench-speed " + json.dumps(row), flush=True)


def _print(rows: list[dict[str, Any]]) -> None:
    for i, r in enumerate(rows, 1):
        job = r["analysis_sec"] + r["storyboard_sec"]
        plain = r["scenes_sec"] + r["whisper_sec"]
        print(
            f"round {i}: ours {r['analysis_sec']:.2f} s + storyboard {r['storyboard_sec']:.2f} s "
            f"({r['frames']} frames, {r['decoded_again']} decoded again); plain PySceneDetect "
            f"{r['scenes_sec']:.2f} s, plain faster-whisper {r['whisper_sec']:.2f} s"
        )
        print(f"  busy s / thread CPU s: {_stage_line(r['stages'])}")
        print(
            f"  analysis / plain = {r['analysis_sec'] / plain:.2f}, job / plain = "
            f"{job / plain:.2f}, job RTF {job / r['duration_sec']:.3f}, "
            f"storyboard {100 * r['storyboard_sec'] / job:.1f} % of the job"
        )
        job_cpu = r["analysis_cpu"] + r["storyboard_cpu"]
        print(
            f"  CPU s: ours {r['analysis_cpu']:.1f} + storyboard {r['storyboard_cpu']:.1f}, "
            f"plain {r['scenes_cpu']:.1f} + {r['whisper_cpu']:.1f}; analysis / plain = "
            f"{r['analysis_cpu'] / (r['scenes_cpu'] + r['whisper_cpu']):.2f}, storyboard "
            f"{100 * r['storyboard_cpu'] / job_cpu:.1f} % of the job"
        )
    if len(rows) > 1:
        ratios = [r["analysis_sec"] / (r["scenes_sec"] + r["whisper_sec"]) for r in rows]
        cpus = [r["analysis_cpu"] / (r["scenes_cpu"] + r["whisper_cpu"]) for r in rows]
        rtfs = [(r["analysis_sec"] + r["storyboard_sec"]) / r["duration_sec"] for r in rows]
        print(
            f"medians: analysis / plain {statistics.median(ratios):.2f} (CPU s "
            f"{statistics.median(cpus):.2f}), job RTF {statistics.median(rtfs):.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repeat", type=int, default=1, help="rounds, one after the other")
    parser.add_argument("--decode-storyboard", action="store_true", help="as before issue 19")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child), args.repeat, args.decode_storyboard)
        return 0

    from devstack.media import bench_clip, require_tools

    if missing := require_tools():
        print(f"missing tools: {', '.join(missing)}", file=sys.stderr)
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    clip = bench_clip(CACHE, args.seconds).path
    cpus = len(os.sched_getaffinity(0))
    print(f"speed benchmark: {cpus} CPU(s), {clip.name}, {args.repeat} round(s)")
    cmd = [sys.executable, __file__, "--child", str(clip), "--repeat", str(args.repeat)]
    if args.decode_storyboard:
        cmd.append("--decode-storyboard")
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    lines = [x for x in proc.stdout.splitlines() if x.startswith("bench-speed ")]
    _print([json.loads(x.split(" ", 1)[1]) for x in lines])
    return 0


if __name__ == "__main__":
    sys.exit(main())
