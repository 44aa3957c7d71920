"""Latency of the local pipeline's plumbing (not the analysis itself):

- finalize -> analysis start: from the moment the signed PUT returned (the
  object is final) to the analyze function's `claim: run` log line;
- result -> visible: from the `job succeeded` log line to the first status
  answer (polled every 20 ms) and the first Firestore snapshot showing SUCCESS.

    .venv/bin/python bench/bench_latency.py [--jobs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.stack import Ports, Stack  # noqa: E402
from tests import media  # noqa: E402
from tests.e2e.helpers import analyze_log, request_upload  # noqa: E402


def log_time(lines: list[dict], message: str) -> float:
    for line in lines:
        if line.get("message") == message:
            return datetime.fromisoformat(line["time"]).timestamp()
    raise LookupError(message)


def one_job(stack: Stack, clip: Path) -> tuple[float, float, float]:
    from google.cloud import firestore

    data = clip.read_bytes()
    job = request_upload(stack, clip.name, "video/mp4", len(data))
    seen_snapshot: list[float] = []
    done = threading.Event()
    db = firestore.Client(project=stack.project)

    def on_snapshot(docs, _changes, _read_time) -> None:
        for doc in docs:
            if (doc.to_dict() or {}).get("state") == "SUCCESS" and not seen_snapshot:
                seen_snapshot.append(time.time())
                done.set()

    watch = db.collection("jobs").document(job["job_id"]).on_snapshot(on_snapshot)
    requests.put(job["upload"]["url"], data=data, headers=job["upload"]["headers"], timeout=60)
    finalized = time.time()
    seen_status = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        body = requests.get(job["status_url"], timeout=10).json()
        if body["state"] in ("SUCCESS", "FAILURE"):
            seen_status = time.time()
            break
        time.sleep(0.02)
    done.wait(30)
    watch.unsubscribe()
    lines = analyze_log(stack, job["job_id"])
    started = log_time(lines, "claim: run")
    succeeded = log_time(lines, "job succeeded")
    assert seen_status is not None and seen_snapshot, "job did not finish"
    return started - finalized, seen_status - succeeded, seen_snapshot[0] - succeeded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = media.no_audio(Path(tmp)).path
        stack = Stack(ports=Ports.free(), workdir=Path(tmp) / "stack")
        with stack:
            os.environ["FIRESTORE_EMULATOR_HOST"] = stack.firestore_host
            one_job(stack, clip)  # warm-up: loads models in the analyze process
            rows = [one_job(stack, clip) for _ in range(args.jobs)]
    start, status, snapshot = zip(*rows, strict=True)
    print(f"local stack latency, median of {args.jobs} jobs (after one warm-up job)")
    print(f"  finalize -> analysis start      {statistics.median(start) * 1000:8.0f} ms")
    print(f"  result -> visible via status    {statistics.median(status) * 1000:8.0f} ms")
    print(f"  result -> Firestore listener    {statistics.median(snapshot) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
