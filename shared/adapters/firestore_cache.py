"""Firestore adapter for the result cache (`shared.core.cache`): one small document per
analysis key in the `result_cache` collection naming the job that holds the result.
Firestore's TTL on `expires_at` removes an entry when its job goes (terraform)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.adapters.firestore_client import firestore_client

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from shared.core.settings import Settings


class FirestoreResultCache:
    """`shared.core.ports.ResultCache` on Firestore."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = firestore_client(self.settings.google_cloud_project)
        return self._client

    def _ref(self, key: str) -> Any:
        return self.client.collection(self.settings.cache_collection).document(key)

    def get(self, key: str) -> dict[str, Any] | None:
        snap = self._ref(key).get()
        return snap.to_dict() if snap.exists else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self._ref(key).set(entry)

    def delete(self, key: str) -> None:
        self._ref(key).delete()
