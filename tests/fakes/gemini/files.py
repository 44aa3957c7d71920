"""The stand-in's Files API: uploaded and registered files, their states and lifetimes.

- An uploaded file is PROCESSING when its upload ends; each GET takes the next state of
  `states` (the last one sticks). It expires 48 h after it was created
  (ai.google.dev/gemini-api/docs/files); an expired or deleted file answers 403
  "You do not have permission to access the File ... or it may not exist."
- A registered file (`files:register`, Cloud Storage objects, since January 2026) lasts
  up to 30 days (Google's blog "Increased file size limits and expanded inputs support
  in Gemini API"); the Gemini API service agent must be able to read the bucket.
- A video's duration is read from the bytes (PyAV) unless the server was told one.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.fakes.gemini.wire import reject

UPLOAD_LIFETIME = timedelta(hours=48)
REGISTRATION_LIFETIME = timedelta(days=30)


@dataclass
class FakeFile:
    name: str  # "files/<id>"
    mime_type: str
    expected_size: int
    states: deque[str]  # states still to report; the last one sticks
    created: datetime
    lifetime: timedelta = UPLOAD_LIFETIME
    source: str = "UPLOADED"  # or "REGISTERED"
    gcs_uri: str | None = None
    received: int = 0
    sha256: Any = field(default_factory=hashlib.sha256)
    data: bytearray = field(default_factory=bytearray)
    duration_sec: float | None = None
    display_name: str = ""
    finalized: bool = False
    deleted: bool = False
    state: str = "PROCESSING"

    def expired(self, now: datetime) -> bool:
        return now >= self.created + self.lifetime

    def json(self, base_url: str) -> dict[str, Any]:
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body: dict[str, Any] = {
            "name": self.name,
            "mimeType": self.mime_type,
            "sizeBytes": str(self.received),
            "createTime": stamp,
            "updateTime": stamp,
            "expirationTime": (self.created + self.lifetime).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "sha256Hash": self.sha256.hexdigest(),
            "uri": f"{base_url}v1beta/{self.name}",  # what the real API answers
            "state": self.state,
            "source": self.source,
        }
        if self.display_name:
            body["displayName"] = self.display_name
        if self.state == "FAILED":
            body["error"] = {"code": 400, "message": "The video could not be processed."}
        if self.duration_sec is not None and self.mime_type.startswith("video/"):
            body["videoMetadata"] = {"videoDuration": f"{self.duration_sec:g}s"}
        return body


def video_duration(data: bytes) -> float | None:
    """The duration of a video, read from its bytes (None if it does not decode)."""
    try:
        import av

        with av.open(io.BytesIO(data)) as container:
            if container.duration:
                return float(container.duration) / 1_000_000
            stream = container.streams.video[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except Exception:
        return None
    return None


@dataclass
class GcsObject:
    """A Cloud Storage object the stand-in can register (what Gemini would read)."""

    size: int
    mime_type: str
    duration_sec: float | None = None


class FileStore:
    def __init__(self, states: tuple[str, ...]) -> None:
        self.states = states
        self.by_upload: dict[str, FakeFile] = {}
        self.by_name: dict[str, FakeFile] = {}

    def start_upload(self, mime: str, size: int, now: datetime, display_name: str = "") -> str:
        upload_id = secrets.token_hex(8)
        self.by_upload[upload_id] = FakeFile(
            name=f"files/{secrets.token_hex(6)}",
            mime_type=mime,
            expected_size=size,
            states=deque(self.states),
            created=now,
            display_name=display_name,
        )
        return upload_id

    def register(self, uri: str, obj: GcsObject, now: datetime) -> FakeFile:
        fake = FakeFile(
            name=f"files/{secrets.token_hex(6)}",
            mime_type=obj.mime_type,
            expected_size=obj.size,
            states=deque(self.states),
            created=now,
            lifetime=REGISTRATION_LIFETIME,
            source="REGISTERED",
            gcs_uri=uri,
            received=obj.size,
            duration_sec=obj.duration_sec,
            finalized=True,
        )
        fake.sha256.update(uri.encode())
        self.by_name[fake.name] = fake
        return fake

    def usable(self, name: str, now: datetime) -> FakeFile:
        """The file a request references, or the refusal the real API answers."""
        fake = self.by_name.get(name)
        if fake is None or fake.deleted or fake.expired(now):
            raise reject(
                403,
                f"You do not have permission to access the File {name.removeprefix('files/')} "
                "or it may not exist.",
            )
        if fake.state != "ACTIVE":
            raise reject(
                400,
                f"The File {name.removeprefix('files/')} is not in an ACTIVE state and "
                "usage is not allowed.",
            )
        return fake

    def get(self, name: str, now: datetime) -> FakeFile:
        fake = self.by_name.get(name)
        if fake is None or fake.deleted or fake.expired(now):
            raise reject(
                403,
                f"You do not have permission to access the File {name.removeprefix('files/')} "
                "or it may not exist.",
            )
        fake.state = fake.states.popleft() if len(fake.states) > 1 else fake.states[0]
        return fake

    def delete(self, name: str, now: datetime) -> None:
        fake = self.by_name.get(name)
        if fake is None or fake.deleted or fake.expired(now):
            raise reject(
                403,
                f"You do not have permission to access the File {name.removeprefix('files/')} "
                "or it may not exist.",
            )
        fake.deleted = True

    def finalized(self) -> list[FakeFile]:
        seen: list[FakeFile] = []
        for fake in self.by_name.values():
            if fake.finalized and fake not in seen:
                seen.append(fake)
        return seen
