"""What the instruction set changes: word error rates of the real-media clips, and time.

Each configuration measures the clips of tests/realmedia (devstack/realmedia.py, built
once into .local/realmedia) in a fresh process and prints, per clip, the language, the
word error rate of the whole clip and of each prompt (from the words timed inside it),
when the first word starts, and the measuring time; then the spread of each figure
across the configurations, which is what the tests' thresholds must allow.

Configurations: the analysis pinned to each level this CPU can run (REELS_CPU_ISA,
shared/core/cpu.py); with `--before DIR`, also a checkout of the code before the pins
(CTranslate2 int8, each library on its own kernels) unforced, as an AMD EPYC without
AVX-512 ran it (oneDNN on AVX2), and with CTranslate2's kernels forced to each level
(CT2_FORCE_CPU_ISA), as issue 16 found them.

    .venv/bin/python bench/bench_isa.py [--before /path/to/old/checkout] [--json out.json]
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
CACHE = ROOT / ".local" / "realmedia"
PINS = (
    "REELS_CPU_ISA",
    "CT2_FORCE_CPU_ISA",
    "CT2_USE_MKL",
    "ONEDNN_MAX_CPU_ISA",
    "NPY_DISABLE_CPU_FEATURES",
    "OPENBLAS_CORETYPE",
    "OPENCV_CPU_DISABLE",
    "DOTPRODUCT",
)


def _child(spec_path: str) -> None:
    """In the fresh process: measure each clip, print one JSON line."""
    sys.path.insert(0, os.getcwd())
    from devstack.media import word_error_rate
    from shared.measure import measure

    spec = json.loads(Path(spec_path).read_text())
    rows = {}
    for clip in spec:
        t0 = time.perf_counter()
        m = measure(Path(clip["path"]))
        took = time.perf_counter() - t0
        t = m.transcript
        row: dict[str, Any] = {"sec": round(took, 2), "language": t.language if t else None}
        if clip["speech"]:
            row["wer"] = round(word_error_rate(clip["text"], t.text if t else ""), 3)
            row["prompts"] = [
                round(
                    word_error_rate(
                        p["text"],
                        " ".join(
                            w.text for w in t.words_between(p["start"] - 0.15, p["end"] + 0.15)
                        )
                        if t
                        else "",
                    ),
                    3,
                )
                for p in clip["speech"]
            ]
            row["first_word"] = t.words()[0].start if t else None
            row["text"] = t.text if t else ""
        else:
            row["words"] = len(t.words()) if t else 0
        rows[clip["name"]] = row
    print("bench-isa " + json.dumps(rows, ensure_ascii=False))


def _run(label: str, cwd: Path, env: dict[str, str], spec: Path) -> dict[str, Any]:
    base = {k: v for k, v in os.environ.items() if k not in PINS}
    base.update(env, PYTHONPATH=str(cwd), LOG_LEVEL="WARNING")
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(spec)],
        capture_output=True,
        text=True,
        env=base,
        cwd=cwd,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{label}: {proc.stderr[-3000:]}")
    line = [x for x in proc.stdout.splitlines() if x.startswith("bench-isa ")][-1]
    return dict(json.loads(line.split(" ", 1)[1]))


def _configs(before: Path | None) -> list[tuple[str, Path, dict[str, str]]]:
    from shared.core import cpu

    levels = cpu.supported(cpu.cpu_flags())
    amd_like = {"CT2_USE_MKL": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    configs = [(f"pinned {lv}", ROOT, {"REELS_CPU_ISA": lv}) for lv in levels]
    if before is not None:
        configs.append(("before, unforced", before, {}))
        # What an AMD EPYC (AVX2, no AVX-512) ran: oneDNN, not MKL, on AVX2 kernels.
        configs.append(("before, AMD-like", before, amd_like))
        configs += [(f"before, CT2 {lv}", before, {"CT2_FORCE_CPU_ISA": lv}) for lv in levels]
    return configs


def _spread(values: list[float]) -> str:
    return f"{min(values):.3f}-{max(values):.3f}" if values else "-"


def _print(results: dict[str, dict[str, Any]], names: list[str]) -> None:
    for name in names:
        print(f"\n{name}")
        for label, rows in results.items():
            r = rows[name]
            if "wer" in r:
                print(f"  {label:<22} {r['language']} WER {r['wer']:.3f} prompts {r['prompts']} "
                      f"first word {r['first_word']} s, {r['sec']:.1f} s")  # fmt: skip
            else:
                print(f"  {label:<22} {r['language']} words {r['words']}, {r['sec']:.1f} s")
    print("\nspread across the configurations (min-max):")
    for group in ("pinned", "before"):
        chosen = {k: v for k, v in results.items() if k.startswith(group)}
        if not chosen:
            continue
        for name in names:
            rows = [v[name] for v in chosen.values()]
            if "wer" not in rows[0]:
                continue
            per_prompt = list(zip(*(r["prompts"] for r in rows), strict=True))
            print(f"  {group:<7} {name:<8} WER {_spread([r['wer'] for r in rows])}; prompts "
                  + ", ".join(_spread(list(p)) for p in per_prompt)
                  + f"; distinct texts {len({r['text'] for r in rows})}; "
                  f"median {statistics.median(r['sec'] for r in rows):.1f} s")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code before the pins")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    import shared  # noqa: F401
    from devstack import realmedia

    clips = realmedia.all_clips(CACHE)
    spec = [
        {
            "name": name,
            "path": str(c.path),
            "text": c.spoken_text(),
            "speech": [{"text": p.text, "start": p.start, "end": p.end} for p in c.speech],
        }
        for name, c in clips.items()
    ]
    spec_path = CACHE / "bench-isa.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False))
    results = {}
    for label, cwd, env in _configs(args.before):
        print(f"measuring: {label}", file=sys.stderr, flush=True)
        results[label] = _run(label, cwd, env, spec_path)
    _print(results, list(clips))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
