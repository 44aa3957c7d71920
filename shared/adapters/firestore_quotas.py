"""Firestore adapter for the daily quotas: every counter an upload needs is read,
checked and counted in one transaction, so a burst of parallel requests can never
count past a limit (contended transactions are retried by the client)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from shared.adapters.firestore_client import firestore_client
from shared.core import budget, quotas
from shared.core.quotas import Counter, Hold

if TYPE_CHECKING:
    from datetime import datetime

    from google.cloud.firestore import Client, Transaction

    from shared.core.settings import Settings

TRANSACTION_ATTEMPTS = 20
LOCK_TIMEOUT_RETRIES = 3  # a lock wait that timed out is not a verdict: try again
# Every upload counts in the same service document, so transactions of one process
# queue here instead of contending in Firestore (measured on the emulator: 8
# concurrent transactions on one document took 11 s, 50 mostly failed after 20
# attempts; one at a time they take milliseconds). Across instances the
# transaction alone keeps the counts exact.
_TAKE_LOCK = threading.Lock()
T = TypeVar("T")


class FirestoreQuotaStore:
    """`shared.core.ports.QuotaStore` on the `quotas` collection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = firestore_client(self.settings.google_cloud_project)
        return self._client

    def _ref(self, doc_id: str) -> Any:
        return self.client.collection(self.settings.quotas_collection).document(doc_id)

    def take(
        self,
        counters: list[Counter],
        tokens_doc: str,
        token_budget: int,
        *,
        hold: Hold,
        now: datetime,
    ) -> Counter | None:
        from google.cloud import firestore

        refs = [self._ref(c.doc_id) for c in counters]  # the service's includes its tokens

        @firestore.transactional
        def run(tx: Transaction) -> Counter | None:
            snaps = {s.id: s for s in tx.get_all(refs)}
            values = {
                doc_id: (s.to_dict() or {}) if s.exists else {} for doc_id, s in snaps.items()
            }
            for counter in counters:
                if quotas.in_use(values.get(counter.doc_id, {}), now) >= counter.limit:
                    return counter
            if token_budget > 0:
                if budget.committed(values.get(tokens_doc, {}), now) >= token_budget:
                    return next(c for c in counters if c.doc_id == tokens_doc)
            for counter, ref in zip(counters, refs, strict=True):
                held = quotas.holding(values.get(counter.doc_id, {}), hold, now)
                tx.set(ref, {"held": held, "scope": counter.scope.value}, merge=["held", "scope"])
            return None

        full: Counter | None = transact(self.client, run)
        return full

    def charge(self, doc_ids: list[str], job_id: str) -> None:
        from google.cloud import firestore

        refs = [self._ref(doc_id) for doc_id in doc_ids]

        @firestore.transactional
        def run(tx: Transaction) -> None:
            snaps = list(tx.get_all(refs))
            values = {s.id: (s.to_dict() or {}) if s.exists else {} for s in snaps}
            for ref in refs:
                fields = quotas.charging(values.get(ref.id, {}), job_id)
                if fields is not None:  # else charged already (a duplicate delivery)
                    tx.set(ref, fields, merge=list(fields))

        transact(self.client, run)

    def release(self, doc_ids: list[str], job_id: str) -> None:
        from google.cloud import firestore

        refs = [self._ref(doc_id) for doc_id in doc_ids]

        @firestore.transactional
        def run(tx: Transaction) -> None:
            snaps = list(tx.get_all(refs))
            values = {s.id: (s.to_dict() or {}) if s.exists else {} for s in snaps}
            for ref in refs:
                held = quotas.releasing(values.get(ref.id, {}), job_id)
                if held is not None:  # else not held (lapsed, charged or released)
                    tx.set(ref, {"held": held}, merge=["held"])

        transact(self.client, run)


def transact(client: Client, run: Callable[[Transaction], T]) -> T:
    """Run a `@firestore.transactional` function on the quota documents: one at a time
    in this process (`_TAKE_LOCK`), a lock wait that timed out tried again."""
    from google.api_core.exceptions import Aborted

    with _TAKE_LOCK:
        for attempt in range(LOCK_TIMEOUT_RETRIES + 1):
            try:
                return run(client.transaction(max_attempts=TRANSACTION_ATTEMPTS))
            except Aborted:  # "Transaction lock timeout" while another instance held it
                if attempt == LOCK_TIMEOUT_RETRIES:
                    raise
                time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
    raise AssertionError("unreachable")
