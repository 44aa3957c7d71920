"""Run every benchmark and print its figures (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in (
    "bench_cold_import.py",
    "bench_latency.py",
    "bench_offline.py",
    "bench_speed.py",
    "bench_memory.py",
    "bench_gemini_cost.py",
):
    path = HERE / script
    if path.exists():
        print(f"\n== {script}", flush=True)
        subprocess.run([sys.executable, str(path)], check=True)
