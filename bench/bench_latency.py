"""Latency of the local pipeline's plumbing (not the analysis itself):

- finalize -> analysis start: from the moment the signed PUT returned (the
  object is final) to the claim (the job's `started_at`);
- result -> visible: from the moment the result was written (`finished_at`) to
  the first status answer showing it (polled every 20 ms) and to the first
  Firestore snapshot showing it;
- a duplicate upload (the same bytes, settings and topic): from the PUT returning to
  the stored result visible through status (the result cache: no download, no analysis).

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
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack import media  # noqa: E402
from devstack.client import request_upload  # noqa: E402
from devstack.stack import Ports, Stack  # noqa: E402


def one_job(stack: Stack, clip: Path, topic: str) -> tuple[float, float, float, float]:
    """(finalize -> start, written -> status, written -> snapshot, PUT -> status)."""
    from google.cloud import firestore

    data = clip.read_bytes()
    job = request_upload(stack, clip.name, "video/mp4", len(data), topic=topic)
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
    doc = {  # the job's public and private documents (shared.core.jobs.split)
        **(db.collection("jobs_private").document(job["job_id"]).get().to_dict() or {}),
        **(db.collection("jobs").document(job["job_id"]).get().to_dict() or {}),
    }
    assert doc["state"] == "SUCCESS" and seen_status is not None and seen_snapshot, doc
    started = doc["started_at"].timestamp()
    written = doc["finished_at"].timestamp()
    return (
        started - finalized,
        seen_status - written,
        seen_snapshot[0] - written,
        seen_status - finalized,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = media.no_audio(Path(tmp)).path
        stack = Stack(ports=Ports.free(), workdir=Path(tmp) / "stack")
        with stack:
            os.environ["FIRESTORE_EMULATOR_HOST"] = stack.firestore_host
            one_job(stack, clip, "warm-up")  # loads models in the analyze process
            # A topic of its own per job: each is a new analysis (the cache's key has it).
            rows = [one_job(stack, clip, f"job {i}") for i in range(args.jobs)]
            duplicates = [one_job(stack, clip, f"job {i}")[3] for i in range(args.jobs)]
    start, status, snapshot, _ = zip(*rows, strict=True)
    print(f"local stack latency, median of {args.jobs} jobs (after one warm-up job)")
    print(f"  finalize -> analysis start      {statistics.median(start) * 1000:8.0f} ms")
    print(f"  result -> visible via status    {statistics.median(status) * 1000:8.0f} ms")
    print(f"  result -> Firestore listener    {statistics.median(snapshot) * 1000:8.0f} ms")
    print(
        f"  duplicate upload: PUT -> result {statistics.median(duplicates) * 1000:8.0f} ms (cached)"
    )


if __name__ == "__main__":
    main()
