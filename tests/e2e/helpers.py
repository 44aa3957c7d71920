"""Drive the local stack the way a browser does: ask for a URL, PUT, poll status."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

import requests

from devstack.client import auth, request_upload
from devstack.stack import Stack

__all__ = ["auth", "request_upload"]


def put_file(upload: dict[str, Any], data: bytes) -> dict[str, Any]:
    """PUT to the signed URL; returns the object resource (name, generation, ...)."""
    answer = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def upload_file(stack: Stack, path: Path, content_type: str) -> dict[str, Any]:
    data = path.read_bytes()
    job = request_upload(stack, path.name, content_type, max(len(data), 1))
    job["object"] = put_file(job["upload"], data)
    return job


def publish_finalize(stack: Stack, obj: dict[str, Any]) -> None:
    """Publish a copy of the bucket's finalize notification for `obj` (a duplicate)."""
    publisher, _ = stack.publisher()
    future = publisher.publish(
        publisher.topic_path(stack.project, "uploads"),
        json.dumps(obj).encode(),
        eventType="OBJECT_FINALIZE",
        bucketId=obj["bucket"],
        objectId=obj["name"],
        objectGeneration=str(obj["generation"]),
        payloadFormat="JSON_API_V1",
    )
    future.result(timeout=30)


def wait_for_end(status_url: str, timeout: float = 240) -> tuple[dict[str, Any], list[int]]:
    """Poll status until SUCCESS or FAILURE; returns the last answer and the progress seen."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = requests.get(status_url, timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        seen.append(body["progress"])
        if body["state"] in ("SUCCESS", "FAILURE"):
            return body, seen
        time.sleep(0.3)
    raise AssertionError(f"job did not end in {timeout}s; last: {body}")


def deleted(stack: Stack, name: str, timeout: float = 10.0) -> bool:
    """The object is gone, or goes within `timeout` (a job reads as ended a moment
    before its worker has deleted the video)."""
    deadline = time.monotonic() + timeout
    while object_exists(stack, name):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def object_exists(stack: Stack, name: str) -> bool:
    quoted = urllib.parse.quote(name, safe="")
    answer = requests.get(f"{stack.gcs_url}/storage/v1/b/{stack.bucket}/o/{quoted}", timeout=10)
    return answer.status_code == 200


def analyze_log(stack: Stack, job_id: str) -> list[dict[str, Any]]:
    lines = []
    for raw in (stack.logs_dir / "fn-analyze.log").read_text(errors="replace").splitlines():
        if job_id in raw and raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def analyze_log_until(
    stack: Stack, job_id: str, stage: str, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """The job's log lines once the worker has logged `stage` (it goes on logging
    after the result is visible: cleanup, then the event), or as they are at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        lines = analyze_log(stack, job_id)
        if any(line.get("stage") == stage for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def claims(stack: Stack, job_id: str) -> list[str]:
    return [
        line["message"].removeprefix("claim: ")
        for line in analyze_log(stack, job_id)
        if line.get("stage") == "claim"
    ]
