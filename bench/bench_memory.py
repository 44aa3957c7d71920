"""Benchmark of the analyze worker's memory over consecutive jobs.

One process (a warm worker: models and libraries loaded once) analyzes the same clip
`--jobs` times, as the analyze function does a job: measure, the offline analyzer, the
storyboard frames, then `wiring.after_job()` (what the worker runs when a job ends;
`--no-release` skips it). After each job it prints

    job, analysis s, CPU s, peak RSS during the job (VmHWM, reset before each job),
    RSS left after the job, glibc heap in use / free (mallinfo2)

A worker whose peak or leftover RSS climbs from job to job will, sooner or later, be
killed by its memory limit. Target: flat.

    .venv/bin/python bench/bench_memory.py [--jobs 10] [--seconds 179] [--json out.json]
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
MARK = "bench-memory "


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> bool:
    """Reset VmHWM (Linux ≥ 4.0), so each job's own peak is seen."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _heap_mb() -> tuple[float, float]:
    """glibc's view: bytes in use and free-but-kept (all arenas and mmapped chunks)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return 0.0, 0.0
    mb = 1024 * 1024
    return (info.uordblks + info.hblkhd) / mb, info.fordblks / mb


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _job(path: Path, release: bool) -> tuple[float, float]:
    """One job as the analyze worker runs it (no cloud: measure, analyze, storyboard)."""
    from bench.bench_offline import video_info
    from shared.analyzers.offline import OfflineAnalyzer
    from shared.measure.frames import extract_frames
    from shared.orchestration.analyze import run_analysis
    from shared.orchestration.storyboard import frame_times
    from shared.orchestration.wiring import after_job, measure

    t, cpu = time.perf_counter(), _cpu()
    try:
        result = run_analysis(
            OfflineAnalyzer(),
            video_info(path),
            measure=measure,
            language="ru",
            progress=print_nothing,
        )
        extract_frames(path, frame_times(result))
        del result
    finally:
        if release:
            after_job()
    return time.perf_counter() - t, _cpu() - cpu


def print_nothing(stage: str) -> None:
    pass


def _child(path: str, jobs: int, release: bool) -> None:
    from shared.measure.pipeline import warm_up

    warm_up()
    print(MARK + json.dumps({"loaded_rss_mb": round(_status_mb("VmRSS"), 1)}), flush=True)
    for i in range(jobs):
        resettable = _reset_peak()
        seconds, cpu = _job(Path(path), release)
        used, free = _heap_mb()
        row = {
            "job": i + 1,
            "analysis_sec": round(seconds, 2),
            "cpu_sec": round(cpu, 2),
            "peak_rss_mb": round(_status_mb("VmHWM"), 1) if resettable else None,
            "rss_after_mb": round(_status_mb("VmRSS"), 1),
            "heap_used_mb": round(used, 1),
            "heap_free_mb": round(free, 1),
        }
        print(MARK + json.dumps(row), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=179)
    parser.add_argument(
        "--no-release", action="store_true", help="skip after_job() (to see what it does)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.jobs, not args.no_release)
        return 0

    from devstack.media import bench_clip, require_tools

    if missing := require_tools():
        print(f"missing tools: {', '.join(missing)}", file=sys.stderr)
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    clip = bench_clip(CACHE, args.seconds)
    release = "without" if args.no_release else "with"
    print(
        f"analyze worker memory: {args.jobs} jobs on {clip.path.name} in one process, "
        f"{release} after_job()"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    cmd = [sys.executable, __file__, "--child", str(clip.path), "--jobs", str(args.jobs)]
    if args.no_release:
        cmd.append("--no-release")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    rows = []
    header = f"{'job':>4} {'analyze s':>10} {'CPU s':>6} {'peak RSS MB':>12} {'RSS after MB':>13} {'heap used/free MB':>18}"
    for line in proc.stdout:
        if not line.startswith(MARK):
            continue  # the worker's own log lines
        row = json.loads(line[len(MARK) :])
        if "loaded_rss_mb" in row:
            print(f"model loaded: RSS {row['loaded_rss_mb']} MB")
            print(header)
            print("-" * len(header))
            continue
        rows.append(row)
        print(
            f"{row['job']:>4} {row['analysis_sec']:>10.2f} {row['cpu_sec']:>6.1f} "
            f"{row['peak_rss_mb'] or 0:>12.1f} "
            f"{row['rss_after_mb']:>13.1f} {row['heap_used_mb']:>9.1f}/{row['heap_free_mb']:<8.1f}",
            flush=True,
        )
    if proc.wait() != 0:
        return 1
    if rows:
        peaks = [r["peak_rss_mb"] or 0 for r in rows]
        print(
            f"peak RSS: first {peaks[0]:.0f} MB, max {max(peaks):.0f} MB, last {peaks[-1]:.0f} MB"
        )
    if args.json:
        args.json.write_text(json.dumps({"clip": clip.path.name, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
