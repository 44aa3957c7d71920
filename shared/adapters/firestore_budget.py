"""Firestore adapter for the Gemini token budget (`shared.core.budget`): reservations
and spent tokens on the day's service counter (`quotas/<day>:service`, the document
upload_url checks), each change one transaction judged on the database's clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.adapters import logs
from shared.adapters.firestore_client import firestore_client
from shared.adapters.firestore_quotas import transact
from shared.core import budget
from shared.core.quotas import service_doc_id

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

    from shared.core.settings import Settings


class FirestoreTokenBudget:
    """`shared.core.ports.TokenBudget` against `QUOTA_SERVICE_TOKENS` (0 = no cap)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None
        self._docs: dict[str, str] = {}  # call id -> the day's document it reserved on
        self._lock = threading.Lock()

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = firestore_client(self.settings.google_cloud_project)
        return self._client

    def _ref(self, doc_id: str) -> Any:
        return self.client.collection(self.settings.quotas_collection).document(doc_id)

    def reserve(self, call_id: str, estimate: int, lapse_sec: float) -> bool:
        from google.cloud import firestore

        doc_id = service_doc_id(datetime.now(UTC))
        ref, cap = self._ref(doc_id), self.settings.quota_service_tokens

        @firestore.transactional
        def run(tx: Transaction) -> bool:
            snap = ref.get(transaction=tx)
            value = (snap.to_dict() or {}) if snap.exists else {}
            now = snap.read_time
            until = now + timedelta(seconds=lapse_sec)
            reserved = budget.reserving(value, call_id, estimate, cap, now, until)
            if reserved is None:
                return False
            tx.set(ref, {"reserved": reserved}, merge=["reserved"])
            return True

        taken: bool = transact(self.client, run)
        if taken:
            with self._lock:
                self._docs[call_id] = doc_id
        return taken

    def settle(self, call_id: str, used: int) -> None:
        from google.cloud import firestore

        with self._lock:
            doc_id = self._docs.pop(call_id, None) or service_doc_id(datetime.now(UTC))
        ref = self._ref(doc_id)

        @firestore.transactional
        def run(tx: Transaction) -> None:
            snap = ref.get(transaction=tx)
            value = (snap.to_dict() or {}) if snap.exists else {}
            fields = budget.settling(value, call_id, used, snap.read_time)
            tx.set(ref, fields, merge=list(fields))

        try:
            transact(self.client, run)
        except Exception as exc:  # the reservation lapses; the operator sees the miss
            logs.error(f"Gemini tokens not counted: {exc!r}", stage="budget", tokens=used)
