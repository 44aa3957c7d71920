"""Firestore adapter: the one place that reads and writes job documents.

A job is two documents with one id: `jobs/{id}` (public: what a shared link shows)
and `jobs_private/{id}` (its owner's and the functions' only, firestore.rules);
`shared.core.jobs.split` says which field goes where, and every write goes to both
at once (a batch or a transaction). Readers get them merged into one dict.

Every write that depends on what is in the document (the claim, progress,
the end of a job) runs in a transaction, so duplicate deliveries and a late
worker cannot step on each other.

Time is the database's, never this process's clock: a transaction's "now" is its
read's `read_time` (the server's), so a lease is written and judged on one clock
(a worker 200 s ahead took over live jobs: its claim answered `run`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.adapters.firestore_client import firestore_client
from shared.core import jobs, recovery

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

    from shared.core.settings import Settings

    Snapshot = DocumentSnapshot[DocumentReference]


# Contended transactions are retried by the client; past this they raise, and the
# caller's error reaches Pub/Sub, which delivers again.
TRANSACTION_ATTEMPTS = 10
# A document no job has (job ids are 32 characters): reading it tells the server's time.
CLOCK_DOC = "clock"
# The fields of the sweep's `pending_expired` query, in the order of its composite index
# (terraform/firestore.tf `jobs_pending_expired`; production refuses the query without it).
PENDING_EXPIRED_FIELDS = ("state", "upload_expires_at")

Body = Callable[[dict[str, Any] | None, datetime], dict[str, Any] | None]


class FirestoreJobStore:
    """`shared.core.ports.JobStore` on Firestore."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = firestore_client(self.settings.google_cloud_project)
        return self._client

    def _ref(self, job_id: str) -> DocumentReference:
        return self.client.collection(self.settings.jobs_collection).document(job_id)

    def _private(self, job_id: str) -> DocumentReference:
        return self.client.collection(self.settings.private_jobs_collection).document(job_id)

    def create(self, job_id: str, doc: dict[str, Any]) -> None:
        public, private = jobs.split(doc)
        batch = self.client.batch()
        batch.create(self._ref(job_id), public)
        batch.create(self._private(job_id), private)
        batch.commit()

    def get(self, job_id: str) -> dict[str, Any] | None:
        ref, private_ref = self._ref(job_id), self._private(job_id)
        return _merged(*_pair(self.client.get_all([ref, private_ref]), ref, private_ref))

    def public(self, job_id: str) -> dict[str, Any] | None:
        """The public document alone: what a shared link shows (the status function)."""
        snap = self._ref(job_id).get()
        return snap.to_dict() if snap.exists else None

    def by_frames(self, frames_token: str) -> dict[str, Any] | None:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (
            self.client.collection(self.settings.private_jobs_collection)
            .where(filter=FieldFilter("frames_token", "==", frames_token))
            .limit(1)
        )
        for snap in query.stream():
            return self.get(snap.id)
        return None

    def now(self) -> datetime:
        """The database's current time (the read time of a document nobody writes)."""
        read_time: datetime = self._ref(CLOCK_DOC).get().read_time
        return read_time

    def _in_transaction(
        self, job_id: str, body: Body
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Read the doc, let `body` decide the update from it and the read's server
        time, write it; returns (before, update)."""
        from google.cloud import firestore

        ref, private_ref = self._ref(job_id), self._private(job_id)

        @firestore.transactional
        def run(tx: Transaction) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
            snap, private_snap = _pair(tx.get_all([ref, private_ref]), ref, private_ref)
            before = _merged(snap, private_snap)
            update = body(before, snap.read_time)
            if update:
                public, private = jobs.split(update)
                if public:
                    tx.update(ref, public)
                if private:  # merge: a job made before the split has no private document
                    tx.set(private_ref, private, merge=True)
            return before, update

        result: tuple[dict[str, Any] | None, dict[str, Any] | None] = run(
            self.client.transaction(max_attempts=TRANSACTION_ATTEMPTS)
        )
        return result

    def claim(
        self, job_id: str, *, generation: str, token: str
    ) -> tuple[jobs.ClaimDecision, dict[str, Any] | None]:
        decision = jobs.ClaimDecision.NO_JOB
        lease = timedelta(seconds=self.settings.claim_lease_sec)

        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            nonlocal decision
            decision = jobs.decide_claim(doc, now)
            if decision is not jobs.ClaimDecision.RUN or doc is None:
                return None
            return jobs.claim_update(doc, generation=generation, token=token, now=now, lease=lease)

        before, update = self._in_transaction(job_id, body)
        after = {**before, **update} if before is not None and update else before
        return decision, after

    def advance(self, job_id: str, token: str, stage: str) -> bool:
        """Move progress to `stage` if this worker still holds the claim."""

        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            if not jobs.holds_claim(doc, token):
                return None
            assert doc is not None
            return jobs.stage_update(doc, stage, now)

        _, update = self._in_transaction(job_id, body)
        return update is not None

    def succeed(self, job_id: str, token: str, result: dict[str, Any]) -> bool:
        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            if not jobs.holds_claim(doc, token):
                return None
            return jobs.success_update(result, now)

        _, update = self._in_transaction(job_id, body)
        return update is not None

    def fail(self, job_id: str, token: str | None, code: str, message: str) -> bool:
        """End the job in FAILURE (as the claim holder, or unclaimed if token is None)."""

        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            if doc is None or doc.get("state") in jobs.TERMINAL:
                return None
            if token is not None and not jobs.holds_claim(doc, token):
                return None
            return jobs.failure_update(code, message, now)

        _, update = self._in_transaction(job_id, body)
        return update is not None

    def renew(self, job_id: str, token: str) -> bool:
        """The heartbeat: extend this worker's lease; False if it lost the claim."""
        lease = timedelta(seconds=self.settings.claim_lease_sec)

        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            if not jobs.holds_claim(doc, token):
                return None
            assert doc is not None
            return jobs.renew_update(doc, now, lease)

        _, update = self._in_transaction(job_id, body)
        return update is not None

    def release(self, job_id: str, token: str) -> bool:
        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            if not jobs.holds_claim(doc, token):
                return None
            return jobs.release_update(now)

        _, update = self._in_transaction(job_id, body)
        return update is not None

    def running(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (
            self.client.collection(self.settings.jobs_collection)
            .where(filter=FieldFilter("state", "==", jobs.State.PROGRESS.value))
            .limit(limit)
        )
        return self._with_private(list(query.stream()))

    def _with_private(self, found: list[Snapshot]) -> list[tuple[str, dict[str, Any]]]:
        """(job id, the job as one dict) of public documents a query found."""
        privates = {s.id: s for s in self.client.get_all([self._private(s.id) for s in found])}
        return [(s.id, _merged(s, privates.get(s.id)) or {}) for s in found]

    def pending_expired(self, before: datetime, limit: int) -> list[tuple[str, dict[str, Any]]]:
        """Needs the composite index PENDING_EXPIRED_FIELDS (terraform/firestore.tf)."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        state, expires = PENDING_EXPIRED_FIELDS
        query = (
            self.client.collection(self.settings.jobs_collection)
            .where(filter=FieldFilter(state, "==", jobs.State.PENDING.value))
            .where(filter=FieldFilter(expires, "<", before))
            .limit(limit)
        )
        return self._with_private(list(query.stream()))

    def renotify(self, job_id: str) -> bool:
        _, update = self._in_transaction(job_id, recovery.renotify_update)
        return update is not None

    def fail_unstarted(self, job_id: str, code: str, message: str) -> bool:
        def body(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
            return recovery.unstarted_failure(doc, code, message, now)

        _, update = self._in_transaction(job_id, body)
        return update is not None


def _pair(
    snaps: Iterable[Snapshot], ref: DocumentReference, private_ref: DocumentReference
) -> tuple[Snapshot, Snapshot]:
    """(public, private) from a `get_all`, which answers in any order."""
    by_path = {snap.reference.path: snap for snap in snaps}
    return by_path[ref.path], by_path[private_ref.path]


def _merged(public: Snapshot, private: Snapshot | None) -> dict[str, Any] | None:
    """The job as one dict (None when its public document is gone)."""
    return jobs.merge(
        public.to_dict() if public.exists else None,
        private.to_dict() if private is not None and private.exists else None,
    )
