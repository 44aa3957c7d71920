"""Validation of the upload request: plain Python, no cloud imports."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from shared.core.messages import LANGUAGES, error_message
from shared.core.settings import MIME_EXTENSIONS


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    content_type: str
    size: int
    language: str
    topic: str | None = None  # what the user's own video is about (an adapted script)


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


MAX_FILENAME = 255
MAX_TOPIC = 200
# A request body larger than this is refused before it is parsed (413).
MAX_REQUEST_BYTES = 16 * 1024


def clean_filename(name: str) -> str:
    """The user's file name for display only: no paths, no control characters.
    Cut before it is filtered, so a huge name costs nothing."""
    name = name[-4 * MAX_FILENAME :]
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[-MAX_FILENAME:]  # the end keeps the extension


def validate_upload_request(body: Any, *, max_bytes: int) -> UploadRequest | Rejection:
    def reject(status: int, code: str, **params: object) -> Rejection:
        return Rejection(status, code, error_message(code, **params))

    if not isinstance(body, dict):
        return reject(400, "bad_request")
    filename, content_type, size = body.get("filename"), body.get("content_type"), body.get("size")
    language = body.get("language", "ru")
    if not isinstance(filename, str) or not clean_filename(filename):
        return reject(400, "bad_filename")
    if not isinstance(content_type, str):
        return reject(400, "bad_request")
    if isinstance(size, bool) or not isinstance(size, int):
        return reject(400, "bad_request")
    if not isinstance(language, str) or language not in LANGUAGES:
        return reject(400, "bad_language", languages=", ".join(LANGUAGES))
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in MIME_EXTENSIONS:
        return reject(415, "unsupported_type")
    if size <= 0:
        return reject(400, "empty_file")
    if size > max_bytes:
        return reject(413, "file_too_large", max_mb=max_bytes // (1024 * 1024))
    topic = body.get("topic")
    if topic is not None and not isinstance(topic, str):
        return reject(400, "bad_request")
    topic = clean_topic(topic or "")
    if len(topic) > MAX_TOPIC:
        return reject(400, "bad_topic", max_chars=MAX_TOPIC)
    return UploadRequest(clean_filename(filename), mime, size, language, topic or None)


def clean_topic(text: str) -> str:
    """One line of plain text: control characters out, spaces collapsed."""
    text = text[: 4 * MAX_TOPIC]
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())
