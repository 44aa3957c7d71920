"""Cold import time of each packaged function vs importing every client eagerly.

Each figure is the median of N fresh interpreters (`python -I`), measured inside
the interpreter around the import, so interpreter start-up is not counted.

    .venv/bin/python bench/bench_cold_import.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.package import FUNCTIONS, build

TIMER = """
import os, sys, time
sys.path.insert(0, os.getcwd())
t = time.perf_counter()
{stmt}
print((time.perf_counter() - t) * 1000)
"""

EAGER = (
    "import flask, functions_framework; "
    "from google.cloud import storage, firestore, pubsub_v1; "
    "from google import genai; import av, cv2, faster_whisper"
)


def measure(stmt: str, cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-I", "-c", TIMER.format(stmt=stmt)],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        packages = {p.name: p for p in build(Path(tmp))}
        print(f"cold import, median of {args.runs} fresh interpreters")
        eager = measure(EAGER, Path(tmp), args.runs)
        for name in FUNCTIONS:
            ms = measure("import main", packages[name], args.runs)
            print(f"  {name:<11} {ms:8.1f} ms")
        print(
            f"  {'all clients eagerly':<11} {eager:8.1f} ms  (flask, functions-framework, "
            "storage, firestore, pubsub, genai, av, cv2, faster-whisper)"
        )


if __name__ == "__main__":
    main()
