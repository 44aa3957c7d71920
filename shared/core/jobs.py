"""Job states, stages and transitions: plain Python, no cloud imports.

A job lives in two documents under one unguessable id: the public one (`jobs`: what
a viewer of a shared link needs, PUBLIC_FIELDS) and the private one (`jobs_private`:
its owner, file name, topic, claim, object, quota holds, frames token; readable only
by its owner and the functions). The store writes both at once (a batch or a
transaction) and reads them as one dict (`split`, `merge`); these transitions never
see the difference. Its life:

    PENDING --(finalize event, claimed)--> PROGRESS --> SUCCESS
                                                    \\-> FAILURE

A claim ties the job to one object generation and one worker (a random token)
for a lease that the living worker keeps renewing; a duplicate delivery sees the
claim and never runs a second analysis, and a worker that died is replaced once
its lease has run out.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.core.messages import STAGE_PROGRESS, ErrorCode, Stage, error_message, stage_message


class State(StrEnum):
    PENDING = "PENDING"
    PROGRESS = "PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


TERMINAL = frozenset({State.SUCCESS, State.FAILURE})

JOB_ID_BYTES = 24  # 192 bits, base64url: 32 characters
_JOB_ID_RE = re.compile(r"[A-Za-z0-9_-]{32}")
# A slow upload may finish after its URL expired (expiry is checked when the PUT
# starts); only after this grace is a still-PENDING job reported as expired.
UPLOAD_GRACE = timedelta(hours=1)
# A PROGRESS job untouched this long lost its worker and every redelivery (the
# function times out after minutes; progress is written at every stage).
STALE_AFTER = timedelta(hours=1)


# What the public document holds: the status and result, and the times status is
# derived from (public_status) and the TTL deletes it by. Everything else is private.
PUBLIC_FIELDS = frozenset(
    {"state", "progress", "stage", "status", "result", "error"}
    | {"updated_at", "upload_expires_at", "expires_at", "renotified_at"}
)
# Also kept in the private document: the owner's list shows the state, and its own TTL.
MIRRORED_FIELDS = frozenset({"state", "expires_at"})


def split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A job's fields (a new document or an update) -> (public, private)."""
    public = {k: v for k, v in fields.items() if k in PUBLIC_FIELDS}
    private = {k: v for k, v in fields.items() if k not in PUBLIC_FIELDS or k in MIRRORED_FIELDS}
    return public, private


def merge(public: dict[str, Any] | None, private: dict[str, Any] | None) -> dict[str, Any] | None:
    """The two documents read as one job (None when the public one is gone)."""
    if public is None:
        return None
    return {**(private or {}), **public}


def new_job_id() -> str:
    while True:
        job_id = secrets.token_urlsafe(JOB_ID_BYTES)
        if is_job_id(job_id):
            return job_id


def is_job_id(value: object) -> bool:
    """Exactly our ids: 32 base64url characters, and not Firestore's reserved `__…__`."""
    return (
        isinstance(value, str)
        and bool(_JOB_ID_RE.fullmatch(value))
        and not (value.startswith("__") and value.endswith("__"))
    )


def frames_prefix(results_prefix: str, frames_token: str) -> str:
    """Where a job's storyboard frames go: named by a token of their own, so a frame's
    URL says nothing about the job (the token is kept in the private document)."""
    return f"{results_prefix}{frames_token}/"


def frames_token_of(name: str, results_prefix: str) -> str:
    """The frames token in a frame's object name."""
    return name[len(results_prefix) :].split("/", 1)[0]


def object_name(prefix: str, job_id: str) -> str:
    return f"{prefix}{job_id}"


def job_id_from_object(prefix: str, name: str) -> str | None:
    if not name.startswith(prefix):
        return None
    rest = name[len(prefix) :]
    return rest if is_job_id(rest) else None


def new_job(
    *,
    object_name: str,
    filename: str,
    content_type: str,
    size: int,
    language: str,
    now: datetime,
    upload_expires_at: datetime,
    ttl: timedelta,
) -> dict[str, Any]:
    return {
        "state": State.PENDING.value,
        "progress": 0,
        "stage": Stage.PENDING.value,
        "status": stage_message(Stage.PENDING),
        "object": object_name,
        "filename": filename,
        "content_type": content_type,
        "size": size,
        "language": language,
        "created_at": now,
        "updated_at": now,
        "upload_expires_at": upload_expires_at,
        "expires_at": now + ttl,
        "claim": None,
        "attempts": 0,
        "frames_token": new_job_id(),  # names its storyboard frames
    }


class ClaimDecision(StrEnum):
    RUN = "run"  # this delivery does the analysis
    DONE = "done"  # the job already ended: acknowledge, clean up the object
    BUSY = "busy"  # another worker holds a live claim: acknowledge (the sweep watches it)
    NO_JOB = "no_job"  # nothing asked for this object: delete it, acknowledge


def decide_claim(doc: dict[str, Any] | None, now: datetime) -> ClaimDecision:
    if doc is None:
        return ClaimDecision.NO_JOB
    if doc.get("state") in TERMINAL:
        return ClaimDecision.DONE
    claim = doc.get("claim")
    if claim and claim.get("lease_until") and claim["lease_until"] > now:
        return ClaimDecision.BUSY
    return ClaimDecision.RUN


def claim_update(
    doc: dict[str, Any], *, generation: str, token: str, now: datetime, lease: timedelta
) -> dict[str, Any]:
    """Fields to write when a delivery takes the job."""
    progress = max(int(doc.get("progress", 0)), STAGE_PROGRESS[Stage.RECEIVED])
    return {
        "state": State.PROGRESS.value,
        "progress": progress,
        "stage": Stage.RECEIVED.value,
        "status": stage_message(Stage.RECEIVED),
        "claim": {"generation": generation, "token": token, "lease_until": now + lease},
        "attempts": int(doc.get("attempts", 0)) + 1,
        "started_at": doc.get("started_at") or now,
        "updated_at": now,
    }


def holds_claim(doc: dict[str, Any] | None, token: str) -> bool:
    return bool(
        doc
        and doc.get("state") == State.PROGRESS.value
        and (doc.get("claim") or {}).get("token") == token
    )


def stage_update(doc: dict[str, Any], stage: Stage | str, now: datetime) -> dict[str, Any] | None:
    """Fields for moving to `stage`, or None if that would move progress back."""
    stage = Stage(stage)
    target = STAGE_PROGRESS[stage]
    if target < int(doc.get("progress", 0)):
        return None
    return {
        "progress": target,
        "stage": stage.value,
        "status": stage_message(stage),
        "updated_at": now,
    }


def success_update(result: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "state": State.SUCCESS.value,
        "progress": 100,
        "stage": Stage.DONE.value,
        "status": stage_message(Stage.DONE),
        "result": result,
        "claim": None,
        "finished_at": now,
        "updated_at": now,
    }


def failure_update(code: ErrorCode | str, message: str, now: datetime) -> dict[str, Any]:
    return {
        "state": State.FAILURE.value,
        "stage": Stage.FAILED.value,
        "status": message,
        "error": {"code": ErrorCode(code).value, "message": message},
        "claim": None,
        "finished_at": now,
        "updated_at": now,
    }


def renew_update(doc: dict[str, Any], now: datetime, lease: timedelta) -> dict[str, Any]:
    """Push the lease forward (the worker's heartbeat)."""
    return {"claim": {**doc["claim"], "lease_until": now + lease}}


def release_update(now: datetime) -> dict[str, Any]:
    """Give the claim back (before asking Pub/Sub for another delivery)."""
    return {"claim": None, "updated_at": now}


@dataclass(frozen=True)
class PublicStatus:
    state: State
    progress: int
    status: str
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "state": self.state.value,
            "progress": self.progress,
            "status": self.status,
        }
        if self.result is not None:
            body["result"] = self.result
        if self.error is not None:
            body["error"] = self.error
        return body


def public_status(doc: dict[str, Any], now: datetime) -> PublicStatus:
    """The seed's status shape, derived from a job document.

    Two states are derived rather than stored: a PENDING job whose upload window
    closed long ago (`upload_not_started` if the sweep saw its video, else
    `upload_expired`), and a PROGRESS job nobody has touched for STALE_AFTER, both
    read as FAILURE so no client waits forever. The page derives the same from the
    same document (web/src/status.js; a test keeps the two equal)."""
    progress = max(0, min(100, _int(doc.get("progress"))))
    status = doc.get("status") or stage_message(doc.get("stage") or Stage.PENDING)

    def failed(code: ErrorCode) -> PublicStatus:
        error = {"code": code.value, "message": error_message(code)}
        return PublicStatus(State.FAILURE, progress, error["message"], error=error)

    try:
        state = State(doc.get("state") or State.PENDING.value)
    except ValueError:
        return failed(ErrorCode.ANALYSIS_FAILED)  # a state no version of us writes
    if state is State.PENDING and _older(doc.get("upload_expires_at"), now, UPLOAD_GRACE):
        # The sweep notified it again: its video did come (the sweep ends it so too).
        came = doc.get("renotified_at") is not None
        return failed(ErrorCode.UPLOAD_NOT_STARTED if came else ErrorCode.UPLOAD_EXPIRED)
    if state is State.PROGRESS and _older(doc.get("updated_at"), now, STALE_AFTER):
        return failed(ErrorCode.ANALYSIS_STALLED)
    if state is State.SUCCESS:
        return PublicStatus(state, 100, status, result=doc.get("result"))
    if state is State.FAILURE:
        error = doc.get("error")
        if not isinstance(error, dict) or not error.get("message"):
            return failed(ErrorCode.ANALYSIS_FAILED)
        return PublicStatus(state, progress, str(error["message"]), error=error)
    return PublicStatus(state, progress, status)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # None, "x", NaN, Infinity
        return 0


def _older(moment: datetime | None, now: datetime, age: timedelta) -> bool:
    return moment is not None and now > moment + age
