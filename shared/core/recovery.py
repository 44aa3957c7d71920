"""What the periodic sweep does with a job or an upload object: pure decisions.

Pub/Sub delivers again when a worker fails, but not forever, and not when the
worker died while its lease still held (those deliveries are answered "busy" and
acknowledged). The sweep (`shared.orchestration.sweep`, every minute) closes the
gap: a PROGRESS job whose lease ran out, or that was released for a retry that never
came, is started again with a fresh notification, or failed once it has used its
attempts; an upload object no live job owns is deleted; an upload whose job never
started (its notification was lost or dead-lettered) is started, or ended after
STRANDED_LIMIT.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.core.jobs import TERMINAL, State, failure_update

# After a lease runs out (or a claim is released), Pub/Sub's own redelivery gets this
# long to arrive before the sweep steps in.
REDELIVERY_GRACE = timedelta(seconds=30)
# An upload object younger than this may still be waiting for its notification.
OBJECT_GRACE = timedelta(minutes=10)
# A stranded upload is notified again at most this often (`renotified_at` on the job).
RENOTIFY_EVERY = timedelta(minutes=10)
# The longest a burst of uploads may keep one waiting for a free worker, PENDING with its
# notification refused and redelivered: Terraform refuses a plan whose burst drains
# slower (`burst_drain_limit_sec` in terraform/pubsub.tf; a test keeps the two equal).
BURST_DRAIN_LIMIT = timedelta(hours=1)
# An uploaded video whose job is still PENDING this long after its upload (notified
# again every RENOTIFY_EVERY past OBJECT_GRACE) is failed and deleted: every job ends.
# Past the longest burst, with room for the last of it to start.
STRANDED_LIMIT = BURST_DRAIN_LIMIT + timedelta(minutes=30)


class SweepAction(StrEnum):
    NONE = "none"  # a live worker holds it, or it is not running
    RESTART = "restart"  # notify again: a new worker takes it over
    FAIL = "fail"  # it used its attempts: end it in FAILURE


def decide(doc: dict[str, Any], now: datetime, *, max_attempts: int) -> SweepAction:
    """The sweep's action for one job document."""
    if doc.get("state") != State.PROGRESS.value:
        return SweepAction.NONE
    claim = doc.get("claim")
    if claim and claim.get("lease_until") is not None:
        quiet_since = claim["lease_until"]
        if quiet_since > now:
            return SweepAction.NONE  # a live worker
    else:
        quiet_since = doc.get("updated_at") or now
    if now - quiet_since < REDELIVERY_GRACE:
        return SweepAction.NONE
    if int(doc.get("attempts", 0)) >= max_attempts:
        return SweepAction.FAIL
    return SweepAction.RESTART


def object_is_stray(doc: dict[str, Any] | None, age: timedelta) -> bool:
    """An upload object nobody will analyse: its job ended or never existed.
    Young objects are left alone (their notification may be on its way)."""
    if age < OBJECT_GRACE:
        return False
    return doc is None or doc.get("state") in {s.value for s in TERMINAL}


def stranded_action(doc: dict[str, Any] | None, age: timedelta) -> SweepAction:
    """An upload object whose job never started: its bucket notification never came (or
    was dead-lettered). Notify again (the claim makes duplicates harmless); give up and
    end the job once the upload is STRANDED_LIMIT old."""
    if doc is None or doc.get("state") != State.PENDING.value or age < OBJECT_GRACE:
        return SweepAction.NONE
    return SweepAction.FAIL if age >= STRANDED_LIMIT else SweepAction.RESTART


def renotify_update(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
    """The job's update when the sweep notifies its stranded upload again: only for a job
    still PENDING, and at most once per RENOTIFY_EVERY (None: not now)."""
    if doc is None or doc.get("state") != State.PENDING.value:
        return None
    last = doc.get("renotified_at")
    if last is not None and now - last < RENOTIFY_EVERY:
        return None
    return {"renotified_at": now}


def unstarted_failure(
    doc: dict[str, Any] | None, code: str, message: str, now: datetime
) -> dict[str, Any] | None:
    """The update that ends a job no worker ever took (still PENDING); None once one did
    (a late notification won the race: the job is its worker's now)."""
    if doc is None or doc.get("state") != State.PENDING.value:
        return None
    return failure_update(code, message, now)


def frames_expired(doc: dict[str, Any] | None, now: datetime) -> bool:
    """A job's storyboard frames go with the job: when its document is gone or expired."""
    if doc is None:
        return True
    expires = doc.get("expires_at")
    return expires is not None and expires <= now
