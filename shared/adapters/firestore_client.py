"""One Firestore client per process, made on first use (importing the library costs
hundreds of milliseconds a function that never touches Firestore should not pay)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from google.cloud.firestore import Client

_clients: dict[str, Client] = {}
_lock = threading.Lock()


def firestore_client(project: str) -> Client:
    with _lock:
        if project not in _clients:
            from google.cloud import firestore

            _clients[project] = firestore.Client(project=project)
        return _clients[project]
