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

from shared.core.jobs import TERMINAL, State

# After a lease runs out (or a claim is released), Pub/Sub's own redelivery gets this
# long to arrive before the sweep steps in.
REDELIVERY_GRACE = timedelta(seconds=30)
# An upload object younger than this may still be waiting for its notification.
OBJECT_GRACE = timedelta(minutes=10)
# An uploaded video whose job is still PENDING this long after its upload (notified
# again by every sweep past OBJECT_GRACE) is failed and deleted: every job ends.
STRANDED_LIMIT = timedelta(hours=1)


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


def frames_expired(doc: dict[str, Any] | None, now: datetime) -> bool:
    """A job's storyboard frames go with the job: when its document is gone or expired."""
    if doc is None:
        return True
    expires = doc.get("expires_at")
    return expires is not None and expires <= now
