"""The status function's core: the job's public status, plus short-lived signed URLs
for a finished job's storyboard frames (the document holds only object names)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from shared.adapters import logs
from shared.core import jobs
from shared.core.ports import Storage
from shared.core.settings import Settings

SIGNING_THREADS = 8


def status_body(
    doc: dict[str, Any],
    now: datetime,
    *,
    settings: Settings,
    storage: Callable[[], Storage],
) -> dict[str, Any]:
    body = jobs.public_status(doc, now).to_json()
    board = (body.get("result") or {}).get("storyboard") or []
    if body["state"] == jobs.State.SUCCESS.value and board:
        try:
            signer = storage()
            ttl = settings.frame_url_ttl_sec
            # On Google Cloud each signature is an IAM signBlob call: sign side by side.
            with ThreadPoolExecutor(max_workers=SIGNING_THREADS) as pool:
                urls = list(pool.map(lambda f: signer.signed_get(f["object"], ttl), board))
            body["frames"] = [
                {"row": frame["row"], "time_sec": frame["time_sec"], "url": url}
                for frame, url in zip(board, urls, strict=True)
            ]
            body["frames_expire_in_sec"] = settings.frame_url_ttl_sec
        except Exception as exc:  # the result stands without its pictures
            logs.warning(f"frame URLs not signed: {exc!r}", stage="status")
    return body
