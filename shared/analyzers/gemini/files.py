"""How the video reaches Gemini, never through memory, and how it is let go.

    Vertex AI                  its gs:// URI, read by Vertex directly (nothing to free)
    API key, on Google Cloud   files.register_files(gs://...): Gemini reads the object
                               from the bucket; no second copy of the bytes leaves the
                               worker. Needs an OAuth token with devstorage.read_only
                               and cloud-platform, and Storage Object Viewer on the
                               bucket for the Gemini API service agent (terraform/iam.tf).
                               A registration lasts up to 30 days: deleting the file
                               ends it when the job ends.
    API key, elsewhere         streamed to the Files API from disk (the local stack: the
                               storage emulator is not reachable from Google), or when
                               registration is refused (logged, then uploaded)

Both kinds of file are polled until ACTIVE and deleted at the end (best effort: an
upload expires on Gemini's side after 48 h, a registration after 30 days).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google import genai
from google.genai import errors, types

from shared.adapters import logs
from shared.core.errors import ErrorCode, PermanentError, TransientError
from shared.core.settings import Settings
from shared.core.video import VideoInfo

STORAGE_SCOPES = [
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/cloud-platform",
]
DELETE_TIMEOUT_MS = 10_000

# (scopes) -> google.auth credentials; google.auth.default in production.
CredentialsFactory = Callable[[list[str]], Any]


def default_credentials(scopes: list[str]) -> Any:
    import google.auth

    credentials, _ = google.auth.default(scopes=scopes)
    return credentials


@dataclass
class VideoRef:
    uri: str
    mime_type: str
    file: types.File | None = None  # a Files API file to delete at the end
    how: str = "gs"  # "gs" (Vertex), "registered", "uploaded"
    bytes_sent: int = 0  # video bytes this worker sent to Gemini


def use_registration(settings: Settings, video: VideoInfo) -> bool:
    if settings.gemini_file_source == "upload" or not video.gcs_uri:
        return False
    if settings.gemini_file_source == "register":
        return True
    return not os.environ.get("STORAGE_EMULATOR_HOST")  # auto: on Google Cloud


def register(
    client: genai.Client, video: VideoInfo, credentials: CredentialsFactory
) -> types.File | None:
    """The bucket's object registered as a Gemini file, or None when registration is
    not available here (then the caller uploads)."""
    try:
        answer = client.files.register_files(
            auth=credentials(STORAGE_SCOPES), uris=[video.gcs_uri or ""]
        )
    except errors.APIError as exc:
        if exc.code in (429, 500, 502, 503, 504):
            raise
        logs.error(
            f"Gemini could not register {video.gcs_uri}: {exc.code} {exc.status}: {exc.message}; "
            "uploading instead (check the service agent's Storage Object Viewer grant and "
            "the token's scopes)",
            stage="gemini_register",
            code=ErrorCode.AI_MISCONFIGURED,
        )
        return None
    except Exception as exc:  # no credentials on this machine
        logs.warning(f"no credentials to register the video ({exc!r}); uploading instead")
        return None
    files = answer.files or []
    return files[0] if files else None


def upload(client: genai.Client, video: VideoInfo) -> types.File:
    return client.files.upload(
        file=video.path,
        config=types.UploadFileConfig(mime_type=video.content_type, display_name=video.path.name),
    )


def wait_until_active(client: genai.Client, file: types.File, timeout_sec: float) -> types.File:
    """Poll until Gemini has processed the file."""
    deadline = time.monotonic() + timeout_sec
    delay = 0.1
    while file.state != types.FileState.ACTIVE:
        if file.state == types.FileState.FAILED:
            raise PermanentError(ErrorCode.AI_REJECTED, f"file processing failed: {file.error}")
        if time.monotonic() > deadline:
            raise TransientError(ErrorCode.AI_UNAVAILABLE, f"file {file.name} still {file.state}")
        time.sleep(delay)
        delay = min(delay * 2, 2.0)
        file = client.files.get(name=file.name or "")
    return file


def delete(client: genai.Client, file: types.File) -> None:
    """Best effort: the job has its result either way."""
    try:
        client.files.delete(
            name=file.name or "",
            config=types.DeleteFileConfig(
                http_options=types.HttpOptions(
                    timeout=DELETE_TIMEOUT_MS, retry_options=types.HttpRetryOptions(attempts=1)
                )
            ),
        )
    except Exception as exc:
        logs.warning(f"could not delete Gemini file {file.name}: {exc!r}")
