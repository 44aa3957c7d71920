"""`python -m devstack run`: start the whole stack on 127.0.0.1 until Ctrl-C.

`python -m devstack dead-letters` prints what landed in the dead-letter
subscription of a running stack.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from devstack.emulators import MissingDependency
from devstack.stack import DEAD_LETTER_SUBSCRIPTION, ROOT, Ports, Stack

STATE_FILE = ROOT / ".local" / "stack.json"


def _tail(paths: list[Path], stop: threading.Event) -> None:
    """Print the functions' log lines as they come (they are JSON, one a line)."""
    offsets: dict[Path, int] = {}
    while not stop.is_set():
        for path in paths:
            try:
                with path.open("rb") as f:
                    f.seek(offsets.get(path, 0))
                    chunk = f.read()
                    offsets[path] = f.tell()
            except FileNotFoundError:
                continue
            for line in chunk.decode(errors="replace").splitlines():
                if line.strip():
                    print(f"[{path.stem.removeprefix('fn-')}] {line}", flush=True)
        stop.wait(0.5)


def run(args: argparse.Namespace) -> int:
    workdir = ROOT / ".local" / "stack"
    stack = Stack(ports=Ports(), project=args.project, workdir=workdir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("Starting the local stack (emulators, functions, web page)...", flush=True)
    try:
        stack.start()
    except MissingDependency as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    engine = (
        "Gemini" if os.environ.get("GEMINI_API_KEY") else "offline analyzer (no GEMINI_API_KEY)"
    )
    STATE_FILE.write_text(json.dumps({"project": stack.project, **stack.function_env()}))
    print(
        f"""
Reels Scripter is running on 127.0.0.1 (analysis: {engine})
  web page         {stack.web_url}
  upload_url       {stack.upload_url_endpoint}
  status           {stack.status_endpoint}<job_id>
  analyze          {stack.analyze_endpoint}
  sweep            {stack.sweep_endpoint}   (every {stack.sweep_interval_sec:.0f} s, as Cloud Scheduler)
  Firestore        {stack.firestore_host}   Pub/Sub {stack.pubsub_host}   GCS {stack.gcs_url}
  project          {stack.project}
  logs             {stack.logs_dir}

Try it:  open {stack.web_url} and drop a video, or in another terminal
         make demo                                  (a generated sample reel)
         .venv/bin/python -m reels_cli your-video.mp4
Dead letters:  .venv/bin/python -m devstack dead-letters
Ctrl-C stops everything.
""",
        flush=True,
    )
    tail = threading.Thread(
        target=_tail, args=(sorted(stack.logs_dir.glob("fn-*.log")), stop), daemon=True
    )
    tail.start()
    try:
        while not stop.is_set():
            stop.wait(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        print("\nStopping...", flush=True)
        stack.stop()
        STATE_FILE.unlink(missing_ok=True)
        print("Stopped.", flush=True)
    return 0


def dead_letters(_: argparse.Namespace) -> int:
    if not STATE_FILE.exists():
        print("No running stack (start it with `make run`).", file=sys.stderr)
        return 1
    state = json.loads(STATE_FILE.read_text())
    os.environ["PUBSUB_EMULATOR_HOST"] = state["PUBSUB_EMULATOR_HOST"]
    from google.cloud import pubsub_v1

    subscriber = pubsub_v1.SubscriberClient()
    sub = subscriber.subscription_path(state["project"], DEAD_LETTER_SUBSCRIPTION)
    response = subscriber.pull(request={"subscription": sub, "max_messages": 50}, timeout=10)
    if not response.received_messages:
        print("The dead-letter subscription is empty.")
    for m in response.received_messages:
        print(json.dumps({"attributes": dict(m.message.attributes)}, ensure_ascii=False))
    return 0


def demo(args: argparse.Namespace) -> int:
    from devstack.demo import main as run_demo

    return run_demo(args.api)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the local stack until Ctrl-C")
    p_run.add_argument("--project", default=f"reels-local-{int(time.time())}")
    p_run.set_defaults(func=run)
    sub.add_parser("dead-letters", help="show dead-lettered messages").set_defaults(
        func=dead_letters
    )
    p_demo = sub.add_parser("demo", help="analyse a generated sample reel on the running stack")
    p_demo.add_argument("--api", default=None)
    p_demo.set_defaults(func=demo)
    args = parser.parse_args()
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
