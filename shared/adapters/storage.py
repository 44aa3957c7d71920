"""Cloud Storage adapter: the one place that talks to the upload bucket.

Signed URLs are signed with a local service-account key file (the local stack
generates a throwaway one) or, on Cloud Functions, through IAM signBlob with
the function's own service account (no key files anywhere).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.core.errors import ErrorCode, PermanentError
from shared.core.ports import ObjectInfo, SignedUpload

if TYPE_CHECKING:
    from google.cloud.storage import Client

    from shared.core.settings import Settings

CHUNK = 8 * 1024 * 1024
CONTENT_LENGTH_RANGE = "x-goog-content-length-range"


class GcsStorage:
    """`shared.core.ports.Storage` on Cloud Storage (or fake-gcs-server locally)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None
        self._signing_lock = threading.Lock()
        self._key_credentials: Any = None
        self._default_credentials: Any = None

    @property
    def client(self) -> Client:
        if self._client is None:
            from google.auth.credentials import AnonymousCredentials
            from google.cloud import storage

            if os.environ.get("STORAGE_EMULATOR_HOST"):
                self._client = storage.Client(
                    project=self.settings.google_cloud_project, credentials=AnonymousCredentials()
                )
            else:
                self._client = storage.Client(project=self.settings.google_cloud_project)
        return self._client

    def _blob(self, name: str, generation: str | None = None) -> Any:
        bucket = self.client.bucket(self.settings.upload_bucket)
        return bucket.blob(name, generation=int(generation) if generation else None)

    # -- signing --------------------------------------------------------
    def signed_upload(
        self, name: str, content_type: str, max_bytes: int, now: datetime | None = None
    ) -> SignedUpload:
        ttl = timedelta(seconds=min(self.settings.signed_url_ttl_sec, 900))
        now = now or datetime.now(UTC)
        headers = {"Content-Type": content_type, CONTENT_LENGTH_RANGE: f"1,{max_bytes}"}
        kwargs: dict[str, Any] = {
            "version": "v4",
            "method": "PUT",
            "expiration": ttl,
            "content_type": content_type,
            "headers": {CONTENT_LENGTH_RANGE: headers[CONTENT_LENGTH_RANGE]},
        }
        endpoint = self.settings.storage_public_url or os.environ.get("STORAGE_EMULATOR_HOST")
        if endpoint:
            kwargs["api_access_endpoint"] = endpoint.rstrip("/")
        kwargs.update(self._signing_credentials())
        blob = self.client.bucket(self.settings.upload_bucket).blob(name)
        url = blob.generate_signed_url(**kwargs)
        return SignedUpload(url=url, headers=headers, expires_at=now + ttl)

    def _signing_credentials(self) -> dict[str, Any]:
        """How URLs are signed, loaded once: the key file's credentials, or (on Cloud
        Functions) the function's own account through IAM signBlob, its access token
        refreshed only when it expired."""
        with self._signing_lock:
            if self.settings.signing_key_file:
                if self._key_credentials is None:
                    from google.oauth2 import service_account

                    self._key_credentials = service_account.Credentials.from_service_account_file(
                        self.settings.signing_key_file
                    )
                return {"credentials": self._key_credentials}
            import google.auth
            from google.auth.transport.requests import Request

            if self._default_credentials is None:
                scopes = ["https://www.googleapis.com/auth/cloud-platform"]
                self._default_credentials, _ = google.auth.default(scopes=scopes)
            creds = self._default_credentials
            if not creds.valid:
                creds.refresh(Request())
            email = self.settings.signing_service_account or getattr(
                creds, "service_account_email", None
            )
            return {"service_account_email": email, "access_token": creds.token}

    # -- objects --------------------------------------------------------
    def info(self, name: str, generation: str | None = None) -> ObjectInfo | None:
        from google.api_core.exceptions import NotFound

        blob = self._blob(name, generation)
        try:
            blob.reload()
        except NotFound:
            return None
        return _info(blob)

    def download(self, name: str, generation: str | None, dest: Path) -> None:
        """Stream the object to a file, chunk by chunk (never whole in memory). A video
        gone already (deleted, replaced) ends its job: retrying cannot bring it back."""
        from google.api_core.exceptions import NotFound

        blob = self._blob(name, generation)
        blob.chunk_size = CHUNK
        try:
            with dest.open("wb") as out:
                blob.download_to_file(out)
        except NotFound as exc:
            raise PermanentError(ErrorCode.OBJECT_MISSING, f"{name}#{generation}: {exc}") from exc

    def delete(self, name: str, generation: str | None = None) -> bool:
        """Delete the object if it is still this generation. False if it is gone
        already or a newer upload replaced it (its own event will clean it up)."""
        from google.api_core.exceptions import NotFound, PreconditionFailed

        blob = self.client.bucket(self.settings.upload_bucket).blob(name)
        try:
            if generation:
                # Cloud Storage applies the precondition atomically; the check
                # before it is for emulators that ignore preconditions.
                blob.reload()
                if str(blob.generation) != str(generation):
                    return False
                blob.delete(if_generation_match=int(generation))
            else:
                blob.delete()
        except (NotFound, PreconditionFailed):
            return False
        return True

    def list(self, prefix: str, page_size: int) -> Iterator[ObjectInfo]:
        # page_size, not max_results: the iterator follows nextPageToken to the end
        # (max_results stopped the sweep at the first 200 objects of a prefix).
        blobs = self.client.list_blobs(
            self.settings.upload_bucket, prefix=prefix, page_size=page_size
        )
        for blob in blobs:
            yield _info(blob)

    def put(self, name: str, data: bytes, content_type: str) -> None:
        blob = self.client.bucket(self.settings.upload_bucket).blob(name)
        blob.upload_from_string(data, content_type=content_type)

    def signed_get(self, name: str, ttl_sec: int) -> str:
        kwargs: dict[str, Any] = {
            "version": "v4",
            "method": "GET",
            "expiration": timedelta(seconds=ttl_sec),
        }
        endpoint = self.settings.storage_public_url or os.environ.get("STORAGE_EMULATOR_HOST")
        if endpoint:
            kwargs["api_access_endpoint"] = endpoint.rstrip("/")
        kwargs.update(self._signing_credentials())
        blob = self.client.bucket(self.settings.upload_bucket).blob(name)
        return str(blob.generate_signed_url(**kwargs))

    def copy(self, source: str, destination: str) -> bool:
        """Server-side copy (Cloud Storage rewrites it; no bytes pass through here)."""
        from google.api_core.exceptions import NotFound

        bucket = self.client.bucket(self.settings.upload_bucket)
        try:
            bucket.copy_blob(bucket.blob(source), bucket, destination)
        except NotFound:
            return False
        return True

    def ensure_bucket(self) -> None:
        """Create the bucket if missing (local stack only)."""
        from google.api_core.exceptions import Conflict

        with contextlib.suppress(Conflict):
            self.client.create_bucket(self.settings.upload_bucket)


def _info(blob: Any) -> ObjectInfo:
    return ObjectInfo(
        size=int(blob.size or 0),
        content_type=blob.content_type,
        generation=str(blob.generation),
        name=blob.name,
        updated=blob.updated,
        crc32c=blob.crc32c,
        md5_hash=blob.md5_hash,
    )
